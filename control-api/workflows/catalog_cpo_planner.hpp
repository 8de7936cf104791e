#pragma once
// The CpoPlanner of `ocppfleet serve`: the templates/ catalogue and the seeded generator
// (simulator/catalog) behind the control API's CPO routes and runs.
#include "control-api/workflows/cpo_runtime.hpp"
#include "simulator/catalog/template_catalog.hpp"

namespace ocppfleet::api {

class CatalogCpoPlanner final : public CpoPlanner {
public:
  explicit CatalogCpoPlanner(const catalog::TemplateCatalog& templates) : templates_(templates) {}

  [[nodiscard]] std::vector<CpoTemplateSummary> templates() const override;
  [[nodiscard]] std::optional<CpoTemplateSummary> find_template(const std::string& slug) const override;
  [[nodiscard]] std::vector<std::string> location_presets_json(const std::string& type,
                                                               const std::string& ocpp_version) const override;
  [[nodiscard]] std::variant<CpoPlan, CpoPlanError> plan(const store::CpoRow& cpo) const override;

private:
  const catalog::TemplateCatalog& templates_;
};

} // namespace ocppfleet::api
