#include "simulator/catalog/template_catalog.hpp"

#include <algorithm>

#include "simulator/catalog/cpo_template_loader.hpp"

namespace ocppfleet::catalog {

std::optional<std::string> normalize_ocpp_version(std::string_view v) {
  if (v.size() > 4 && (v.substr(0, 4) == "OCPP" || v.substr(0, 4) == "ocpp")) v.remove_prefix(4);
  if (v == "1.6" || v == "2.0.1") return std::string{v};
  return std::nullopt;
}

std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TemplateCatalog::TemplateCatalog(std::filesystem::path templates_dir, Catalog& brands)
    : dir_(std::move(templates_dir)) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir_, ec)) {
    errors_.push_back(LoadError{dir_.string(), 0, 0, {}, "no templates directory"});
    return;
  }
  for (const auto& file : yaml_files_in(dir_)) {
    TemplateLoad load = load_cpo_template(file, &brands);
    errors_.insert(errors_.end(), load.errors.begin(), load.errors.end());
    if (load.tmpl) templates_.push_back(std::move(load.tmpl));
  }
  for (const auto& file : yaml_files_in(dir_ / "locations")) {
    PresetLoad load = load_location_preset(file, &brands);
    errors_.insert(errors_.end(), load.errors.begin(), load.errors.end());
    if (load.preset) presets_.push_back(std::move(load.preset));
  }
  // The file names are the slugs (checked by the loaders), so sorting files sorted these.
}

std::vector<TemplateSummary> TemplateCatalog::list() const {
  std::vector<TemplateSummary> out;
  for (const auto& t : templates_) {
    out.push_back(TemplateSummary{t->slug, t->version, t->description, t->default_locations, t->default_chargers(),
                                  t->default_chargers_per_location, t->max_locations, t->max_chargers_per_location,
                                  t->country_codes()});
  }
  return out;
}

std::shared_ptr<const CpoTemplate> TemplateCatalog::find(std::string_view slug) const {
  for (const auto& t : templates_)
    if (t->slug == slug) return t;
  return nullptr;
}

std::vector<std::shared_ptr<const LocationPreset>> TemplateCatalog::presets(std::string_view type,
                                                                            std::string_view ocpp_version) const {
  std::optional<std::string> version;
  if (!ocpp_version.empty()) {
    version = normalize_ocpp_version(ocpp_version);
    if (!version) return {};
  }
  std::vector<std::shared_ptr<const LocationPreset>> out;
  for (const auto& p : presets_) {
    if (!type.empty() && p->type != type) continue;
    if (version && !p->all_groups_speak(*version)) continue;
    out.push_back(p);
  }
  return out;
}

std::shared_ptr<const LocationPreset> TemplateCatalog::find_preset(std::string_view slug) const {
  for (const auto& p : presets_)
    if (p->slug == slug) return p;
  return nullptr;
}

} // namespace ocppfleet::catalog
