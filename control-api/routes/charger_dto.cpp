#include "control-api/routes/charger_dto.hpp"

namespace ocppfleet::api {
namespace {
nlohmann::json opt(const store::OptText& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
} // namespace

nlohmann::json error_json(const store::OptText& stored) {
  if (!stored) return nullptr;
  auto parsed = nlohmann::json::parse(*stored, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
}

nlohmann::json charger_json(const store::ChargerRow& row) {
  return {{"charger_id", row.id},
          {"identity", row.identity},
          {"brand_slug", opt(row.brand_slug)},
          {"model_slug", opt(row.model_slug)},
          {"connector_type", opt(row.connector_type)},
          {"ws_url", row.ws_url},
          {"ocpp_version", row.ocpp_version},
          {"charge_point_name", opt(row.charge_point_name)},
          {"location_id", opt(row.location_id)},
          {"location_name", opt(row.location_name)},
          {"status", row.status},
          {"runtime_state", row.runtime_state},
          {"workflow_run_id", opt(row.workflow_run_id)},
          {"error", error_json(row.error_json)},
          {"provisioned_at", opt(row.provisioned_at)},
          {"created_at", row.created_at},
          {"updated_at", row.updated_at}};
}

} // namespace ocppfleet::api
