#include "control-api/app/catalog_commands.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/cpo_template_loader.hpp"
#include "simulator/catalog/ev_profiles.hpp"
#include "simulator/catalog/profile_loader.hpp"
#include "simulator/catalog/yaml_tree.hpp"

namespace ocppfleet::app {
namespace {

namespace fs = std::filesystem;
using catalog::LoadError;

// The files `validate` checks: each argument, or every *.yaml below a directory argument.
std::vector<fs::path> expand(const std::vector<std::string>& args) {
  std::vector<fs::path> out;
  for (const auto& a : args) {
    std::error_code ec;
    if (!fs::is_directory(a, ec)) {
      out.emplace_back(a);
      continue;
    }
    std::vector<fs::path> found;
    for (auto it = fs::recursive_directory_iterator(a, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".yaml") found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

enum class FileKind { Profile, EvProfiles, Template, Preset };

// What a file holds, by its top-level keys: brands/evs.yaml has `evs:`, a CPO template has
// `charger_groups:`/`caps:`/`pools:` and a location preset `site:`; anything else is a profile.
FileKind kind_of(const fs::path& file) {
  const catalog::ParsedYaml parsed = catalog::parse_yaml_file(file);
  if (!parsed.root || !parsed.root->is_map()) return FileKind::Profile;
  if (parsed.root->find("evs") != nullptr) return FileKind::EvProfiles;
  if (catalog::looks_like_cpo_template(*parsed.root)) return FileKind::Template;
  if (catalog::looks_like_location_preset(*parsed.root)) return FileKind::Preset;
  return FileKind::Profile;
}

int validate(const CatalogOptions& o, const char* argv0) {
  std::vector<std::string> args = o.files;
  if (o.templates_dir) args.push_back(*o.templates_dir);
  if (args.empty()) {
    std::fprintf(stderr, "validate: give FILE|DIR... and/or --templates DIR\n");
    return 2;
  }
  // Templates name brand/models: they are checked against this catalogue, built on the
  // first template (and shared, so each profile loads once).
  std::unique_ptr<catalog::Catalog> brands;
  const auto brand_catalog = [&]() -> catalog::Catalog& {
    if (!brands) brands = std::make_unique<catalog::Catalog>(o.brands_dir ? *o.brands_dir : default_brands_dir(argv0));
    return *brands;
  };
  std::size_t bad = 0;
  const auto files = expand(args);
  for (const auto& file : files) {
    std::vector<LoadError> errors;
    const char* kind = "profile";
    switch (kind_of(file)) {
    case FileKind::EvProfiles:
      errors = catalog::load_ev_catalog(file).errors;
      kind = "EV profiles";
      break;
    case FileKind::Template: {
      const catalog::TemplateLoad load = catalog::load_cpo_template(file, &brand_catalog());
      errors = load.errors;
      kind = load.base ? "template base" : "CPO template";
      break;
    }
    case FileKind::Preset:
      errors = catalog::load_location_preset(file, &brand_catalog()).errors;
      kind = "location preset";
      break;
    case FileKind::Profile: {
      const catalog::ProfileLoad load = catalog::load_profile(file);
      errors = load.errors;
      if (load.abstract) kind = "abstract profile";
      break;
    }
    }
    for (const auto& e : errors)
      std::fprintf(stderr, "%s\n", e.to_string().c_str());
    if (errors.empty()) {
      std::printf("ok: %s (%s)\n", file.string().c_str(), kind);
    } else {
      ++bad;
    }
  }
  std::printf("%zu file%s checked, %zu invalid\n", files.size(), files.size() == 1 ? "" : "s", bad);
  return bad == 0 && !files.empty() ? 0 : 1;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

// "2x CCS2", "CCS2+CHAdeMO", "Type2": the connector types of a model, counted.
std::string connector_summary(const catalog::Hardware& hw) {
  std::map<std::string, int> counts;
  std::vector<std::string> order;
  for (const auto& evse : hw.evses)
    for (const auto& c : evse.connectors)
      if (counts[c.type]++ == 0) order.push_back(c.type);
  std::vector<std::string> parts;
  for (const auto& t : order)
    parts.push_back(counts[t] > 1 ? std::to_string(counts[t]) + "x " + t : t);
  return join(parts, "+");
}

std::string format_kw(double watts) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", watts / 1000.0);
  return buf;
}

nlohmann::json to_json(const catalog::ModelProfile& p) {
  const auto& id = p.identity;
  nlohmann::json connectors = nlohmann::json::array();
  std::set<std::string> types;
  for (std::size_t e = 0; e < p.hardware.evses.size(); ++e) {
    const auto& evse = p.hardware.evses[e];
    for (std::size_t c = 0; c < evse.connectors.size(); ++c) {
      const auto& con = evse.connectors[c];
      const bool ac = con.spec.current_type == charger::CurrentType::AC;
      types.insert(con.type);
      nlohmann::json j{{"evse", e + 1},
                       {"connector", c + 1},
                       {"type", con.type},
                       {"cable", con.cable},
                       {"current", ac ? "AC" : "DC"},
                       {"voltage_v", con.spec.voltage_v},
                       {"max_current_a", con.spec.max_current_a},
                       {"max_power_kw", con.spec.max_power_w / 1000.0}};
      if (ac) j["phases"] = con.spec.phases;
      connectors.push_back(std::move(j));
    }
  }
  return nlohmann::json{{"slug", id.slug()},
                        {"brand", id.brand_slug},
                        {"brand_name", id.brand_name},
                        {"model", id.model_slug},
                        {"model_name", id.model_name},
                        {"charge_point_vendor", id.vendor},
                        {"charge_point_model", id.model},
                        {"firmware_version", id.firmware_version},
                        {"ocpp_versions", p.hardware.ocpp_versions},
                        {"evses", p.hardware.evses.size()},
                        {"connectors", std::move(connectors)},
                        {"connector_types", std::vector<std::string>(types.begin(), types.end())},
                        {"max_power_kw", p.hardware.max_power_w() / 1000.0}};
}

void print_table(const std::vector<std::shared_ptr<const catalog::ModelProfile>>& profiles) {
  std::vector<std::vector<std::string>> rows{
      {"BRAND", "MODEL", "VENDOR / MODEL (BootNotification)", "OCPP", "EVSES", "CONNECTORS", "MAX KW"}};
  for (const auto& p : profiles) {
    rows.push_back({p->identity.brand_name, p->identity.slug(), p->identity.vendor + " / " + p->identity.model,
                    join(p->hardware.ocpp_versions, ","), std::to_string(p->hardware.evses.size()),
                    connector_summary(p->hardware), format_kw(p->hardware.max_power_w())});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

int list_catalog(const CatalogOptions& o, const char* argv0) {
  const std::string dir = o.brands_dir ? *o.brands_dir : default_brands_dir(argv0);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::fprintf(stderr, "error: no brands directory at %s (give --brands-dir or set OCPPFLEET_BRANDS_DIR)\n",
                 dir.c_str());
    return 1;
  }
  catalog::Catalog cat{dir};
  const catalog::Catalog::All all = cat.load_all();
  const catalog::EvCatalogLoad evs = cat.evs();
  std::vector<LoadError> errors = all.errors;
  std::error_code exists_ec;
  if (fs::exists(fs::path{dir} / "evs.yaml", exists_ec))
    errors.insert(errors.end(), evs.errors.begin(), evs.errors.end());

  if (o.json) {
    std::map<std::string, std::pair<std::string, int>> brands; // slug -> (name, models)
    nlohmann::json models = nlohmann::json::array();
    for (const auto& p : all.profiles) {
      auto& b = brands[p->identity.brand_slug];
      b.first = p->identity.brand_name;
      ++b.second;
      models.push_back(to_json(*p));
    }
    nlohmann::json brand_list = nlohmann::json::array();
    for (const auto& [slug, b] : brands)
      brand_list.push_back({{"slug", slug}, {"name", b.first}, {"models", b.second}});
    nlohmann::json ev_list = nlohmann::json::array();
    if (evs.catalog)
      for (const auto& ev : evs.catalog->evs())
        ev_list.push_back({{"id", ev.id}, {"name", ev.name}, {"weight", ev.weight}});
    nlohmann::json error_list = nlohmann::json::array();
    for (const auto& e : errors)
      error_list.push_back(e.to_string());
    const nlohmann::json out{{"brands_dir", dir},
                             {"brands", std::move(brand_list)},
                             {"models", std::move(models)},
                             {"evs", std::move(ev_list)},
                             {"errors", std::move(error_list)}};
    // Replace invalid UTF-8 (a profile may hold anything) rather than throw.
    std::printf("%s\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    print_table(all.profiles);
    std::set<std::string> brands;
    for (const auto& p : all.profiles)
      brands.insert(p->identity.brand_slug);
    std::printf("%zu models from %zu brands in %s", all.profiles.size(), brands.size(), dir.c_str());
    if (evs.catalog) std::printf("; %zu EV profiles", evs.catalog->evs().size());
    std::printf("\n");
  }
  for (const auto& e : errors)
    std::fprintf(stderr, "%s\n", e.to_string().c_str());
  return errors.empty() ? 0 : 1;
}

} // namespace

void add_catalog_commands(CLI::App& app, CatalogOptions& o) {
  CLI::App* validate = app.add_subcommand(
      "validate", "Check brand/model profiles, brands/evs.yaml, CPO templates and location presets: exit 0 when all "
                  "are valid, 1 otherwise");
  validate->add_option("files", o.files, "Files, or directories to check every *.yaml in")->type_name("FILE");
  validate
      ->add_option("--templates", o.templates_dir,
                   "A templates directory to check (every template and templates/locations preset)")
      ->type_name("DIR");
  validate
      ->add_option("--brands-dir", o.brands_dir,
                   "Brands directory templates are checked against (default: as for `catalog`)")
      ->type_name("DIR");
  CLI::App* list = app.add_subcommand("catalog", "List the brand/model profiles (table, or JSON with --json)");
  list->add_option("--brands-dir", o.brands_dir,
                   "Brands directory (default: $OCPPFLEET_BRANDS_DIR, else brands/ near the executable, else ./brands)")
      ->type_name("DIR");
  list->add_flag("--json", o.json, "Print JSON instead of a table");
}

std::optional<int> run_catalog_command(const CLI::App& app, const CatalogOptions& o, const char* argv0) {
  try {
    if (app.got_subcommand("validate")) return validate(o, argv0);
    if (app.got_subcommand("catalog")) return list_catalog(o, argv0);
  } catch (const std::exception& e) {
    // The loaders do not throw; this is for a filesystem error while listing directories.
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return std::nullopt;
}

std::string default_brands_dir(const char* argv0) {
  if (const char* env = std::getenv("OCPPFLEET_BRANDS_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    fs::path dir = exe.parent_path();
    for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
      const fs::path candidate = dir / "brands";
      if (fs::is_directory(candidate / "schema", ec)) return candidate.string();
      if (dir == dir.parent_path()) break;
    }
  }
  if (fs::is_directory("brands", ec)) return "brands";
#ifdef OCPPFLEET_SOURCE_BRANDS_DIR
  // A build outside the source tree still finds the tree it was built from.
  if (fs::is_directory(OCPPFLEET_SOURCE_BRANDS_DIR, ec)) return OCPPFLEET_SOURCE_BRANDS_DIR;
#endif
  return "brands";
}

std::string default_templates_dir(const char* argv0) {
  if (const char* env = std::getenv("OCPPFLEET_TEMPLATES_DIR"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec && argv0) exe = fs::absolute(argv0, ec);
  if (!exe.empty()) {
    fs::path dir = exe.parent_path();
    for (int up = 0; up < 5 && !dir.empty(); ++up, dir = dir.parent_path()) {
      const fs::path candidate = dir / "templates";
      if (fs::is_directory(candidate / "schema", ec)) return candidate.string();
      if (dir == dir.parent_path()) break;
    }
  }
  if (fs::is_directory("templates", ec)) return "templates";
#ifdef OCPPFLEET_SOURCE_TEMPLATES_DIR
  if (fs::is_directory(OCPPFLEET_SOURCE_TEMPLATES_DIR, ec)) return OCPPFLEET_SOURCE_TEMPLATES_DIR;
#endif
  return "templates";
}

} // namespace ocppfleet::app
