#pragma once
// The CpoPlanner of `ocppfleet serve`: the templates/ catalogue and the seeded generator
// (simulator/catalog) behind the control API's CPO routes and runs.
#include "control-api/workflows/cpo_runtime.hpp"
#include "simulator/catalog/template_catalog.hpp"

namespace ocppfleet::api {

class CatalogCpoPlanner final : public CpoPlanner {
public:
  // `brands` resolves the models of added locations (thread-safe, outlives the planner).
  CatalogCpoPlanner(const catalog::TemplateCatalog& templates, catalog::Catalog& brands)
      : templates_(templates), brands_(brands) {}

  [[nodiscard]] std::vector<CpoTemplateSummary> templates() const override;
  [[nodiscard]] std::optional<CpoTemplateSummary> find_template(const std::string& slug) const override;
  [[nodiscard]] std::vector<std::string> location_presets_json(const std::string& type,
                                                               const std::string& ocpp_version) const override;
  [[nodiscard]] std::variant<CpoPlan, CpoPlanError> plan(const store::CpoRow& cpo) const override;
  [[nodiscard]] std::variant<CpoAddedPlan, CpoPlanError>
  plan_added_locations(const store::CpoRow& cpo, std::int64_t first_number,
                       const std::string& items_json) const override;

private:
  const catalog::TemplateCatalog& templates_;
  catalog::Catalog& brands_;
};

} // namespace ocppfleet::api
