#pragma once
// The templates/ tree: templates/<slug>.yaml CPO templates (files starting with '_' are
// bases they extend), templates/locations/<slug>.yaml single-location presets and
// templates/schema/. Everything is loaded and checked against the brand catalogue once, in
// the constructor (start-up); afterwards the catalogue is immutable, so any thread may read
// it without locks. A file that fails to load is left out and its errors kept.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/load_error.hpp"

namespace ocppfleet::catalog {

// What the template gallery shows for one template (GET /ocpi/templates/cpos).
struct TemplateSummary {
  std::string slug;
  int version = 1;
  std::string description;
  int locations = 0;             // default
  int chargers = 0;              // default total: locations x chargers_per_location
  int chargers_per_location = 0; // default
  int max_locations = 0;
  int max_chargers_per_location = 0;
  std::vector<std::string> countries; // alpha-2, sorted
};

// "1.6", "OCPP1.6", "ocpp1.6" -> "1.6"; "2.0.1", "OCPP2.0.1" -> "2.0.1"; else nullopt.
std::optional<std::string> normalize_ocpp_version(std::string_view v);

class TemplateCatalog {
public:
  // Loads every template and preset under `templates_dir`, checking brand/models in `brands`
  // (which must outlive this object).
  TemplateCatalog(std::filesystem::path templates_dir, Catalog& brands);

  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  [[nodiscard]] const std::vector<LoadError>& errors() const noexcept { return errors_; }

  // Sorted by slug.
  [[nodiscard]] const std::vector<std::shared_ptr<const CpoTemplate>>& templates() const noexcept { return templates_; }
  [[nodiscard]] std::vector<TemplateSummary> list() const;
  // Null when no template has that slug.
  [[nodiscard]] std::shared_ptr<const CpoTemplate> find(std::string_view slug) const;

  // Presets, sorted by slug. `type` AC, DC or AC-DC; `ocpp_version` in any form
  // normalize_ocpp_version accepts: a preset matches when every group speaks it. An empty
  // filter matches all; an unknown type or version matches none.
  [[nodiscard]] std::vector<std::shared_ptr<const LocationPreset>> presets(std::string_view type = {},
                                                                           std::string_view ocpp_version = {}) const;
  [[nodiscard]] std::shared_ptr<const LocationPreset> find_preset(std::string_view slug) const;

private:
  std::filesystem::path dir_;
  std::vector<std::shared_ptr<const CpoTemplate>> templates_;
  std::vector<std::shared_ptr<const LocationPreset>> presets_;
  std::vector<LoadError> errors_;
};

// Every *.yaml directly in `dir`, sorted (the catalogue's and `validate`'s file order).
std::vector<std::filesystem::path> yaml_files_in(const std::filesystem::path& dir);

} // namespace ocppfleet::catalog
