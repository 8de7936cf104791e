// CSMS-initiated 1.6 actions. Each handler validates its payload with the rpc readers
// (bad input becomes the right CALLERROR before it can touch the model), answers, and
// defers the work that must follow its CALLRESULT.
#include "simulator/ocpp/rpc/payload.hpp"
#include "simulator/ocpp/v16/charge_point.hpp"

namespace ocppfleet::v16 {
namespace {

using rpc::HandlerOutcome;
using Deferred = ChargePoint::Deferred;

Json status(std::string_view s) { return Json{{"status", std::string{s}}}; }

HandlerOutcome remote_start(ChargePoint& cp, const Json& p) {
  const std::string id_tag = rpc::require_string(p, "idTag", 20);
  const auto connector_id = rpc::optional_int(p, "connectorId", 1, INT32_MAX);
  if (rpc::optional_object_field(p, "chargingProfile") != nullptr) {
    // Smart charging is not simulated yet; the profile is accepted and ignored.
  }
  auto& model = cp.model();
  int chosen = 0;
  if (connector_id) {
    const auto* c = model.connector(static_cast<int>(*connector_id));
    if (c == nullptr) return status("Rejected");
    chosen = c->id();
  } else {
    for (const auto& c : model.connectors()) {
      if (!c.transaction() && !c.fault() && c.availability() == charger::Availability::Operative) {
        chosen = c.id();
        break;
      }
    }
  }
  const auto* c = model.connector(chosen);
  if (c == nullptr || c->transaction() || c->fault() || c->availability() != charger::Availability::Operative)
    return status("Rejected");
  cp.defer(Deferred::RemoteStart, chosen, id_tag);
  return status("Accepted");
}

HandlerOutcome remote_stop(ChargePoint& cp, const Json& p) {
  const auto tx_id = rpc::require_int(p, "transactionId");
  for (const auto& c : cp.model().connectors()) {
    if (c.transaction() && c.transaction()->csms_id == tx_id) {
      cp.defer(Deferred::RemoteStop, c.id());
      return status("Accepted");
    }
  }
  return status("Rejected");
}

HandlerOutcome reset(ChargePoint& cp, const Json& p) {
  const std::string type = rpc::require_enum(p, "type", {"Hard", "Soft"});
  cp.defer(Deferred::Reset, 0, type);
  return status("Accepted");
}

HandlerOutcome change_configuration(ChargePoint& cp, const Json& p) {
  const std::string key = rpc::require_string(p, "key", 50);
  const std::string value = rpc::require_string(p, "value", 500);
  switch (cp.config().set(key, value)) {
  case charger::ConfigSetResult::Accepted: cp.defer(Deferred::ConfigChanged, 0, key); return status("Accepted");
  case charger::ConfigSetResult::RebootRequired: return status("RebootRequired");
  case charger::ConfigSetResult::Rejected: return status("Rejected");
  case charger::ConfigSetResult::NotSupported: return status("NotSupported");
  }
  return status("Rejected");
}

// A write-only key (AuthorizationKey, see is_write_only_key) is listed as known and writable
// but without its value, whether asked for by name or not: OCPP 1.6 §7.26 KeyValue makes
// `value` optional, and listing it as unknownKey would tell the CSMS it cannot be set.
Json config_entry(const charger::ConfigKeyDef& def, const charger::ConfigStore& store) {
  Json e{{"key", def.name}, {"readonly", def.readonly}};
  if (def.write_only) return e;
  if (auto v = store.get(def.name)) e["value"] = v->substr(0, 500);
  return e;
}

HandlerOutcome get_configuration(ChargePoint& cp, const Json& p) {
  const Json* keys = rpc::optional_array_field(p, "key");
  Json known = Json::array();
  Json unknown = Json::array();
  const auto& schema = cp.config().schema();
  if (keys == nullptr || keys->empty()) {
    for (const auto& def : schema.keys())
      known.push_back(config_entry(def, cp.config()));
  } else {
    for (const auto& k : *keys) {
      if (!k.is_string()) throw rpc::PayloadError(rpc::ErrorCode::TypeConstraintViolation, "key: expected strings");
      const auto& name = k.get_ref<const std::string&>();
      if (name.size() > 50) throw rpc::PayloadError(rpc::ErrorCode::PropertyConstraintViolation, "key: longer than 50");
      if (const auto* def = schema.find(name)) {
        known.push_back(config_entry(*def, cp.config()));
      } else {
        unknown.push_back(name);
      }
    }
  }
  Json out = Json::object();
  if (!known.empty()) out["configurationKey"] = std::move(known);
  if (!unknown.empty()) out["unknownKey"] = std::move(unknown);
  return out;
}

HandlerOutcome trigger_message(ChargePoint& cp, const Json& p) {
  const std::string what =
      rpc::require_enum(p, "requestedMessage",
                        {"BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat",
                         "MeterValues", "StatusNotification"});
  const auto connector_id = rpc::optional_int(p, "connectorId", 0, INT32_MAX);
  if (connector_id && *connector_id > cp.model().connector_count()) return status("Rejected");
  cp.defer(Deferred::Trigger, connector_id ? static_cast<int>(*connector_id) : 0, what, connector_id ? 1 : 0);
  return status("Accepted");
}

HandlerOutcome unlock_connector(ChargePoint& cp, const Json& p) {
  const auto connector_id = rpc::require_int(p, "connectorId", 0, INT32_MAX);
  if (cp.model().connector(static_cast<int>(connector_id)) == nullptr) return status("NotSupported");
  cp.defer(Deferred::Unlock, static_cast<int>(connector_id));
  return status("Unlocked");
}

HandlerOutcome change_availability(ChargePoint& cp, const Json& p) {
  const auto connector_id = rpc::require_int(p, "connectorId", 0, INT32_MAX);
  const std::string type = rpc::require_enum(p, "type", {"Inoperative", "Operative"});
  const auto wanted = type == "Operative" ? charger::Availability::Operative : charger::Availability::Inoperative;
  charger::AvailabilityChange result;
  if (connector_id == 0) {
    result = cp.model().request_availability(cp.now(), wanted);
  } else {
    auto* c = cp.model().connector(static_cast<int>(connector_id));
    if (c == nullptr) return status("Rejected");
    result = c->request_availability(cp.now(), wanted);
  }
  cp.defer(Deferred::AvailabilityChanged, static_cast<int>(connector_id));
  switch (result) {
  case charger::AvailabilityChange::Accepted: return status("Accepted");
  case charger::AvailabilityChange::Scheduled: return status("Scheduled");
  case charger::AvailabilityChange::Rejected: return status("Rejected");
  }
  return status("Rejected");
}

HandlerOutcome clear_cache(ChargePoint&, const Json&) { return status("Accepted"); }

HandlerOutcome data_transfer(ChargePoint& cp, const Json& p) {
  const std::string vendor = rpc::require_string(p, "vendorId", 255);
  (void)rpc::optional_string(p, "messageId", 50);
  if (!cp.knows_vendor(vendor)) return status("UnknownVendorId");
  Json out = status("Accepted");
  if (p.contains("data") && p["data"].is_string()) out["data"] = p["data"];
  return out;
}

} // namespace

const rpc::ActionRegistry<ChargePoint>& csms_actions() {
  static const rpc::ActionRegistry<ChargePoint> registry = [] {
    rpc::ActionRegistry<ChargePoint> r;
    r.add("RemoteStartTransaction", remote_start)
        .add("RemoteStopTransaction", remote_stop)
        .add("Reset", reset)
        .add("ChangeConfiguration", change_configuration)
        .add("GetConfiguration", get_configuration)
        .add("TriggerMessage", trigger_message)
        .add("UnlockConnector", unlock_connector)
        .add("ChangeAvailability", change_availability)
        .add("ClearCache", clear_cache)
        .add("DataTransfer", data_transfer);
    return r;
  }();
  return registry;
}

} // namespace ocppfleet::v16
