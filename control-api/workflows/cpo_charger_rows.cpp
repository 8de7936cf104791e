#include "control-api/workflows/cpo_charger_rows.hpp"

#include "control-api/store/charger_repo.hpp"
#include "control-api/store/errors.hpp"
#include "control-api/store/workflow_repo.hpp"

namespace ocppfleet::api {
namespace {

bool stored_for_cpo(store::Database& db, std::int64_t cpo_id, const std::string& identity) {
  auto st = db.prepare("SELECT 1 FROM chargers WHERE cpo_id = ? AND identity = ? AND deleted_at IS NULL");
  st.bind_all(cpo_id, identity);
  return st.step();
}

} // namespace

std::optional<CpoRowsFailure> insert_cpo_charger_rows(store::Database& db, const store::CpoRow& cpo,
                                                      const std::string& ws_url,
                                                      const std::vector<CpoPlanCharger>& chargers, std::size_t begin,
                                                      std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) {
    const auto& c = chargers[i];
    if (stored_for_cpo(db, cpo.id, c.identity)) continue;
    store::ChargerRow row;
    row.org_id = cpo.org_id;
    row.identity = c.identity;
    row.brand_slug = c.brand;
    row.model_slug = c.model;
    row.connector_type = c.connector_type;
    row.ws_url = ws_url;
    row.ocpp_version = c.ocpp_version;
    row.charge_point_name = c.identity;
    row.location_name = c.location_name;
    try {
      auto stored = store::insert_charger(db, std::move(row));
      store::WorkflowRunRow run;
      run.org_id = stored.org_id;
      run.kind = std::string{store::workflow_kind::charger_create};
      run.subject_id = stored.id;
      run = store::create_run(db, run, {"validate", "start_runtime", "await_boot"});
      store::set_charger_workflow_run(db, stored.id, run.id);
      store::set_charger_cpo(db, stored.id, cpo.id, c.location_id);
    } catch (const store::DuplicateIdentity&) {
      return CpoRowsFailure{"identity_conflict",
                            "a charger with identity '" + c.identity +
                                "' already exists in this organisation; choose another name_prefix",
                            "name_prefix", "charger-" + c.identity};
    }
  }
  return std::nullopt;
}

} // namespace ocppfleet::api
