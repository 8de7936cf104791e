#pragma once
// Loads one CPO template file (templates/<slug>.yaml) or one location preset
// (templates/locations/<slug>.yaml): parse, follow `extends:` (a template may take its
// pools from a base file named `_*.yaml` beside it), decode and validate. Never throws;
// every problem is a LoadError with file, line, column and field path, like profiles.
//
// With a brand catalogue, each brand/model a template or preset names must exist in
// brands/ (and speak the OCPP versions and connector types it claims). Without one (null)
// those checks are skipped: useful for tests of the format alone.
#include <filesystem>
#include <memory>
#include <vector>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/load_error.hpp"
#include "simulator/catalog/yaml_tree.hpp"

namespace ocppfleet::catalog {

struct TemplateLoad {
  std::shared_ptr<const CpoTemplate> tmpl; // null when there are errors or the file is a base
  std::vector<LoadError> errors;
  bool base = false; // a `_*.yaml` file: only parsed here, checked through the templates extending it

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

TemplateLoad load_cpo_template(const std::filesystem::path& file, Catalog* brands);

struct PresetLoad {
  std::shared_ptr<const LocationPreset> preset;
  std::vector<LoadError> errors;

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

PresetLoad load_location_preset(const std::filesystem::path& file, Catalog* brands);

// What a parsed document is, by its top-level keys: a template has `charger_groups` or `caps`, a
// location preset has `site`; a template base (`_*.yaml`) has at least `pools`. `ocppfleet validate` uses these to pick
// the loader.
bool looks_like_cpo_template(const YamlNode& root);
bool looks_like_location_preset(const YamlNode& root);

} // namespace ocppfleet::catalog
