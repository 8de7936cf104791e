// templates/locations/<slug>.yaml: a single-location preset (site + charger groups) for
// GET /ocpp/templates/locations?type=AC|DC|AC-DC&ocpp_version=. docs/templates.md,
// "Location presets", describes the format.
#include <algorithm>

#include "simulator/catalog/cpo_template_decoder.hpp"
#include "simulator/catalog/cpo_template_loader.hpp"
#include "simulator/catalog/ocpi_vocabulary.hpp"
#include "simulator/catalog/template_fields.hpp"

namespace ocppfleet::catalog {
namespace {

// The group's connector in the model: its current and the strongest rating of that type.
void check_group_against_model(const ModelProfile& p, const YamlNode& node, const std::string& path, FieldReader& r,
                               PresetGroup& g, bool& dc) {
  double best_w = 0.0;
  bool found = false;
  for (const auto& e : p.hardware.evses) {
    for (const auto& c : e.connectors) {
      if (c.type != g.connector) continue;
      found = true;
      best_w = std::max(best_w, c.spec.max_power_w);
      dc = c.spec.current_type == charger::CurrentType::DC;
    }
  }
  if (!found) {
    r.error(node.find("connector")->value.mark, join_path(path, "connector"),
            "the model " + p.identity.slug() + " has no " + g.connector + " connector");
    return;
  }
  if (static_cast<double>(g.power_w) > best_w)
    r.error(node.find("power_kw")->value.mark, join_path(path, "power_kw"),
            "more than the model's " + g.connector + " rating (" + std::to_string(static_cast<long long>(best_w)) +
                " W)");
}

void decode_preset(const YamlNode& root, FieldReader& r, Catalog* brands, LocationPreset& out) {
  if (!r.expect_map(root, {}, {"slug", "name", "description", "type", "site", "groups"})) return;
  r.read(root, "slug", {}, true, out.slug);
  r.read(root, "name", {}, true, out.name);
  r.read(root, "description", {}, false, out.description);
  static constexpr std::string_view types[] = {"AC", "DC", "AC-DC"};
  if (const YamlNode* v = r.get(root, "type", {}, true))
    if (auto s = read_enum(r, *v, "type", types)) out.type = *s;
  if (const YamlNode* site = r.get(root, "site", {}, true);
      site && r.expect_map(*site, "site", {"parking_type", "facilities"})) {
    if (const YamlNode* v = r.get(*site, "parking_type", "site", true))
      if (auto s = read_enum(r, *v, "site.parking_type", ocpi_parking_types())) out.parking_type = *s;
    if (const YamlNode* v = r.get(*site, "facilities", "site", false))
      if (auto l = read_enum_list(r, *v, "site.facilities", ocpi_facilities())) out.facilities = std::move(*l);
  }
  const YamlNode* groups = r.get(root, "groups", {}, true);
  if (!groups || !r.expect_list(*groups, "groups")) return;
  if (groups->items.empty()) r.error(groups->mark, "groups", "must list at least one group");
  bool any_ac = false;
  bool any_dc = false;
  for (std::size_t i = 0; i < groups->items.size(); ++i) {
    const YamlNode& node = groups->items[i];
    const std::string path = index_path("groups", i);
    PresetGroup g;
    if (!r.expect_map(node, path, {"brand", "model", "connector", "ocpp_version", "count", "power_kw"})) continue;
    bool ok = r.read(node, "brand", path, true, g.brand);
    ok = r.read(node, "model", path, true, g.model) && ok;
    ok = r.read(node, "connector", path, true, g.connector) && ok;
    if (const YamlNode* v = r.get(node, "ocpp_version", path, true)) {
      const auto versions = decode_versions(*v, join_path(path, "ocpp_version"), r);
      if (versions.size() == 1)
        g.ocpp_version = versions.front().version;
      else if (!versions.empty())
        r.error(v->mark, join_path(path, "ocpp_version"), "one version per group");
    }
    ok = !g.ocpp_version.empty() && ok;
    r.read(node, "count", path, true, g.count, 1, 50);
    if (const YamlNode* v = r.get(node, "power_kw", path, true))
      if (auto n = read_fixed(r, *v, join_path(path, "power_kw"), 3, 1, 1'000'000'000)) g.power_w = *n;
    ok = g.power_w > 0 && ok;
    if (brands && ok) {
      if (auto p = check_model(*brands, g.brand, g.model, {g.ocpp_version}, node.find("model")->value.mark,
                               join_path(path, "model"), r)) {
        bool dc = false;
        check_group_against_model(*p, node, path, r, g, dc);
        (dc ? any_dc : any_ac) = true;
      }
    }
    out.groups.push_back(std::move(g));
  }
  if (!brands || out.type.empty() || out.groups.empty()) return;
  const bool fits = out.type == "AC"   ? (any_ac && !any_dc)
                    : out.type == "DC" ? (any_dc && !any_ac)
                                       : (any_ac && any_dc);
  if (!fits && (any_ac || any_dc))
    r.error(root.find("type")->value.mark, "type",
            "the groups' connectors are " +
                std::string{any_ac && any_dc ? "AC and DC"
                            : any_dc         ? "DC"
                                             : "AC"} +
                ", not " + out.type);
}

} // namespace

PresetLoad load_location_preset(const std::filesystem::path& file, Catalog* brands) {
  PresetLoad out;
  try {
    ParsedYaml parsed = parse_yaml_file(file);
    out.errors = std::move(parsed.errors);
    if (!parsed.root) return out;
    auto preset = std::make_shared<LocationPreset>();
    FieldReader r{out.errors, false};
    decode_preset(*parsed.root, r, brands, *preset);
    if (!preset->slug.empty() && preset->slug != file.stem().string())
      r.error(parsed.root->find("slug")->value.mark, "slug",
              "'" + preset->slug + "' must be the file name (" + file.stem().string() + ")");
    if (!out.errors.empty()) return out;
    preset->source_file = file.string();
    out.preset = std::move(preset);
  } catch (const std::exception& e) {
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, std::string{"cannot load: "} + e.what()});
    out.preset.reset();
  }
  return out;
}

} // namespace ocppfleet::catalog
