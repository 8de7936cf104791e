#include "simulator/catalog/cpo_template_decoder.hpp"

#include <algorithm>
#include <set>

#include "simulator/catalog/ocpi_vocabulary.hpp"
#include "simulator/catalog/template_fields.hpp"

namespace ocppfleet::catalog {
namespace {

// National networks stop here: 2,000 locations of up to 5 chargers is the largest the
// product promises; the hard limits leave room without letting a typo ask for millions.
constexpr int max_locations_limit = 10'000;
constexpr int max_chargers_per_location_limit = 50;

void decode_caps(const YamlNode& root, FieldReader& r, CpoTemplate& out) {
  if (const YamlNode* caps = r.get(root, "caps", {}, true);
      caps && r.expect_map(*caps, "caps", {"max_locations", "max_chargers_per_location"})) {
    r.read(*caps, "max_locations", "caps", true, out.max_locations, 1, max_locations_limit);
    r.read(*caps, "max_chargers_per_location", "caps", true, out.max_chargers_per_location, 1,
           max_chargers_per_location_limit);
  }
  const YamlNode* d = r.get(root, "defaults", {}, true);
  if (!d || !r.expect_map(*d, "defaults", {"locations", "chargers_per_location"})) return;
  if (r.read(*d, "locations", "defaults", true, out.default_locations, 1, max_locations_limit) &&
      out.default_locations > out.max_locations)
    r.error(d->find("locations")->value.mark, "defaults.locations",
            "more than caps.max_locations (" + std::to_string(out.max_locations) + ")");
  if (r.read(*d, "chargers_per_location", "defaults", true, out.default_chargers_per_location, 1,
             max_chargers_per_location_limit) &&
      out.default_chargers_per_location > out.max_chargers_per_location)
    r.error(d->find("chargers_per_location")->value.mark, "defaults.chargers_per_location",
            "more than caps.max_chargers_per_location (" + std::to_string(out.max_chargers_per_location) + ")");
}

std::set<std::string> connector_types_of(const ModelProfile& p) {
  std::set<std::string> out;
  for (const auto& e : p.hardware.evses)
    for (const auto& c : e.connectors)
      out.insert(c.type);
  return out;
}

void decode_group(const YamlNode& node, const std::string& path, FieldReader& r, Catalog* brands, ChargerGroup& out) {
  if (!r.expect_map(node, path, {"name", "brand", "model", "ocpp_versions", "connector_types", "count", "share"}))
    return;
  r.read(node, "name", path, true, out.name);
  const bool brand_ok = r.read(node, "brand", path, true, out.brand);
  const bool model_ok = r.read(node, "model", path, true, out.model);
  if (const YamlNode* v = r.get(node, "ocpp_versions", path, true))
    out.ocpp_versions = decode_versions(*v, join_path(path, "ocpp_versions"), r);
  const bool types_ok = r.read(node, "connector_types", path, true, out.connector_types);
  const YamlNode* count = r.get(node, "count", path, false);
  const YamlNode* share = r.get(node, "share", path, false);
  if (count && share) r.error(share->mark, join_path(path, "share"), "a group has a count or a share, not both");
  if (!count && !share) r.error(node.mark, join_path(path, "count"), "missing: give a count or a share");
  if (count) r.read(node, "count", path, false, out.count, 1, max_chargers_per_location_limit);
  if (share) r.read(node, "share", path, false, out.share, 1, 1000);
  if (!brands || !brand_ok || !model_ok) return;
  std::vector<std::string> versions;
  for (const auto& v : out.ocpp_versions)
    versions.push_back(v.version);
  out.profile =
      check_model(*brands, out.brand, out.model, versions, node.find("model")->value.mark, join_path(path, "model"), r);
  if (!out.profile || !types_ok) return;
  const auto have = connector_types_of(*out.profile);
  const std::set<std::string> want(out.connector_types.begin(), out.connector_types.end());
  if (have != want) {
    std::string list;
    for (const auto& t : have)
      list += (list.empty() ? "" : ", ") + t;
    r.error(node.find("connector_types")->value.mark, join_path(path, "connector_types"),
            "the model " + out.profile->identity.slug() + " has connector types [" + list + "]");
  }
}

void decode_groups(const YamlNode& root, FieldReader& r, Catalog* brands, CpoTemplate& out) {
  const YamlNode* groups = r.get(root, "charger_groups", {}, true);
  if (!groups || !r.expect_list(*groups, "charger_groups")) return;
  if (groups->items.empty()) r.error(groups->mark, "charger_groups", "must list at least one group");
  std::set<std::string> names;
  for (std::size_t i = 0; i < groups->items.size(); ++i) {
    ChargerGroup g;
    const std::string path = index_path("charger_groups", i);
    decode_group(groups->items[i], path, r, brands, g);
    if (!g.name.empty() && !names.insert(g.name).second)
      r.error(groups->items[i].mark, join_path(path, "name"), "group name '" + g.name + "' is used twice");
    out.groups.push_back(std::move(g));
  }
  const bool any_count = std::any_of(out.groups.begin(), out.groups.end(), [](auto& g) { return g.count > 0; });
  const bool any_share = std::any_of(out.groups.begin(), out.groups.end(), [](auto& g) { return g.share > 0; });
  if (any_count && any_share)
    r.error(groups->mark, "charger_groups", "every group has a count, or every group has a share: not a mix");
  out.allocation = any_share ? GroupAllocation::Share : GroupAllocation::Count;
}

void decode_tariff(const YamlNode& node, const std::string& path, FieldReader& r, TariffTemplate& out) {
  if (!r.expect_map(node, path, {"id", "power_type", "elements"})) return;
  if (r.read(node, "id", path, true, out.id) &&
      (out.id.empty() || out.id.size() > 36 || !std::all_of(out.id.begin(), out.id.end(), [](char c) {
         return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
       })))
    r.error(node.find("id")->value.mark, join_path(path, "id"), "1 to 36 of A-Z, 0-9, '-' and '_' (OCPI tariff id)");
  static constexpr std::string_view power_types[] = {"AC", "DC", "ANY"};
  if (const YamlNode* v = r.get(node, "power_type", path, true))
    if (auto s = read_enum(r, *v, join_path(path, "power_type"), power_types)) out.power_type = *s;
  const YamlNode* elements = r.get(node, "elements", path, true);
  const std::string epath = join_path(path, "elements");
  if (!elements || !r.expect_list(*elements, epath)) return;
  if (elements->items.empty()) r.error(elements->mark, epath, "must list at least one element");
  for (std::size_t i = 0; i < elements->items.size(); ++i) {
    const YamlNode& el = elements->items[i];
    const std::string elpath = index_path(epath, i);
    std::vector<PriceComponent> components;
    if (!r.expect_map(el, elpath, {"price_components"})) continue;
    const YamlNode* pcs = r.get(el, "price_components", elpath, true);
    const std::string pcpath = join_path(elpath, "price_components");
    if (!pcs || !r.expect_list(*pcs, pcpath)) continue;
    if (pcs->items.empty()) r.error(pcs->mark, pcpath, "must list at least one price component");
    for (std::size_t j = 0; j < pcs->items.size(); ++j) {
      const YamlNode& pc = pcs->items[j];
      const std::string ppath = index_path(pcpath, j);
      PriceComponent c;
      if (!r.expect_map(pc, ppath, {"type", "price", "step_size"})) continue;
      if (const YamlNode* v = r.get(pc, "type", ppath, true))
        if (auto s = read_enum(r, *v, join_path(ppath, "type"), ocpi_price_component_types())) c.type = *s;
      if (const YamlNode* v = r.get(pc, "price", ppath, true))
        if (auto n = read_fixed(r, *v, join_path(ppath, "price"), 4, 0, 1'000'000'000)) c.price_e4 = *n;
      r.read(pc, "step_size", ppath, false, c.step_size, 1, 86'400);
      components.push_back(std::move(c));
    }
    out.elements.push_back(std::move(components));
  }
}

} // namespace

std::vector<VersionShare> decode_versions(const YamlNode& node, const std::string& path, FieldReader& r) {
  std::vector<VersionShare> out;
  const auto check = [&](const std::string& v, const SourceMark& at, const std::string& p) {
    if (v == "1.6" || v == "2.0.1") return true;
    r.error(at, p, "unknown OCPP version '" + v + "' (\"1.6\" or \"2.0.1\")");
    return false;
  };
  if (node.is_scalar()) {
    if (auto s = r.string(node, path); s && check(*s, node.mark, path)) out.push_back(VersionShare{*s, 1});
    return out;
  }
  if (!node.is_map()) {
    r.error(node.mark, path, "expected \"1.6\", \"2.0.1\" or a map of version: weight, found " + node.describe());
    return out;
  }
  if (node.entries.empty()) r.error(node.mark, path, "must name at least one version");
  for (const YamlEntry& e : node.entries) {
    if (!check(e.key, e.key_mark, join_path(path, e.key))) continue;
    if (auto w = r.integer(e.value, join_path(path, e.key), 1, 1000))
      out.push_back(VersionShare{e.key, static_cast<int>(*w)});
  }
  // Sorted so a weighted draw does not depend on the order the file lists them in.
  std::sort(out.begin(), out.end(), [](const VersionShare& a, const VersionShare& b) { return a.version < b.version; });
  return out;
}

std::shared_ptr<const ModelProfile> check_model(Catalog& brands, const std::string& brand, const std::string& model,
                                                const std::vector<std::string>& versions, const SourceMark& at,
                                                const std::string& path, FieldReader& r) {
  Catalog::Lookup found = brands.resolve(brand, model);
  if (!found.profile) {
    std::string why = found.errors.empty() ? std::string{"unknown model"} : found.errors.front().message;
    if (found.errors.size() == 1 && found.errors.front().line == 0)
      why = "no model '" + brand + "/" + model + "' in " + brands.brands_dir().string();
    else if (!found.errors.empty())
      why = "the model '" + brand + "/" + model + "' does not load: " + found.errors.front().to_string();
    r.error(at, path, why);
    return nullptr;
  }
  for (const auto& v : versions) {
    if (!found.profile->hardware.supports(v)) {
      r.error(at, path, "the model " + found.profile->identity.slug() + " does not speak OCPP " + v);
      return nullptr;
    }
  }
  return found.profile;
}

void decode_cpo_template(const YamlNode& root, FieldReader& r, Catalog* brands, CpoTemplate& out) {
  if (!r.expect_map(
          root, {},
          {"extends", "slug", "version", "description", "caps", "defaults", "pools", "charger_groups", "tariffs"}))
    return;
  r.read(root, "slug", {}, true, out.slug);
  r.read(root, "version", {}, true, out.version, 1, 1'000'000);
  r.read(root, "description", {}, true, out.description);
  decode_caps(root, r, out);
  if (const YamlNode* p = r.get(root, "pools", {}, true)) decode_pools(*p, "pools", r, out.pools);
  decode_groups(root, r, brands, out);
  const YamlNode* tariffs = r.get(root, "tariffs", {}, true);
  if (!tariffs || !r.expect_list(*tariffs, "tariffs")) return;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < tariffs->items.size(); ++i) {
    TariffTemplate t;
    decode_tariff(tariffs->items[i], index_path("tariffs", i), r, t);
    if (!t.id.empty() && !ids.insert(t.id).second)
      r.error(tariffs->items[i].mark, join_path(index_path("tariffs", i), "id"),
              "tariff id '" + t.id + "' is used twice");
    out.tariffs.push_back(std::move(t));
  }
}

} // namespace ocppfleet::catalog
