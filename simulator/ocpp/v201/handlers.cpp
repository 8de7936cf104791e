// CSMS-initiated 2.0.1 actions. Each handler validates its payload with the rpc readers
// (bad input becomes the right CALLERROR before it can touch the model), answers, and
// defers the work that must follow its CALLRESULT. Actions not listed here get
// NotImplemented from the registry.
#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/rpc/payload.hpp"
#include "simulator/ocpp/v201/charge_point.hpp"
#include "simulator/ocpp/v201/variable_requests.hpp"

namespace ocppfleet::v201 {
namespace {

using rpc::HandlerOutcome;
using Deferred = ChargePoint::Deferred;

constexpr std::size_t kReportItemsPerPage = 20;

Json status(std::string_view s) { return Json{{"status", std::string{s}}}; }

// IdTokenType: idToken (<= 36) and type are required; additionalInfo passes through.
const Json& require_id_token(const Json& p, std::string_view field) {
  const Json& token = rpc::require_object_field(p, field);
  (void)rpc::require_string(token, "idToken", 36);
  (void)rpc::require_enum(
      token, "type", {"Central", "eMAID", "ISO14443", "ISO15693", "KeyCode", "Local", "MacAddress", "NoAuthorization"});
  return token;
}

bool usable(const charger::Connector& c) {
  return !c.transaction() && !c.fault() && c.availability() == charger::Availability::Operative;
}

// EVSE id from an optional EVSEType {id, connectorId?}: 0 when absent, -1 when it names
// an EVSE or connector this station does not have (one connector per EVSE).
int evse_of(ChargePoint& cp, const Json& p) {
  const Json* evse = rpc::optional_object_field(p, "evse");
  if (evse == nullptr) return 0;
  const auto id = rpc::require_int(*evse, "id", 0, INT32_MAX);
  const auto connector = rpc::optional_int(*evse, "connectorId", 0, INT32_MAX);
  if (id == 0) return 0; // EVSE 0 is the station as a whole
  if (cp.model().connector(static_cast<int>(id)) == nullptr) return -1;
  if (connector && *connector != 1) return -1;
  return static_cast<int>(id);
}

HandlerOutcome request_start(ChargePoint& cp, const Json& p) {
  const Json& id_token = require_id_token(p, "idToken");
  const auto remote_start_id = rpc::require_int(p, "remoteStartId");
  const auto evse_id = rpc::optional_int(p, "evseId", 1, INT32_MAX);
  if (const Json* group = rpc::optional_object_field(p, "groupIdToken")) (void)require_id_token(*group, "idToken");
  (void)rpc::optional_object_field(p, "chargingProfile"); // smart charging is not simulated yet
  auto& model = cp.model();
  int chosen = 0;
  if (evse_id) {
    const auto* c = model.connector(static_cast<int>(*evse_id));
    if (c == nullptr || !usable(*c)) return status("Rejected");
    chosen = c->id();
  } else {
    for (const auto& c : model.connectors()) {
      if (usable(c)) {
        chosen = c.id();
        break;
      }
    }
  }
  if (chosen == 0) return status("Rejected");
  cp.defer(Deferred::RemoteStart, chosen, {}, remote_start_id, id_token);
  return status("Accepted");
}

HandlerOutcome request_stop(ChargePoint& cp, const Json& p) {
  const std::string tx_id = rpc::require_string(p, "transactionId", 36);
  for (const auto& c : cp.model().connectors()) {
    if (c.transaction() && c.transaction()->local_id == tx_id) {
      cp.defer(Deferred::RemoteStop, c.id());
      return status("Accepted");
    }
  }
  return status("Rejected");
}

HandlerOutcome reset(ChargePoint& cp, const Json& p) {
  const std::string type = rpc::require_enum(p, "type", {"Immediate", "OnIdle"});
  const auto evse_id = rpc::optional_int(p, "evseId", 0, INT32_MAX);
  if (evse_id && *evse_id > 0) {
    const auto* c = cp.model().connector(static_cast<int>(*evse_id));
    if (c == nullptr) return status("Rejected");
    if (type == "OnIdle" && c->transaction()) return status("Scheduled");
    cp.defer(Deferred::ResetEvse, c->id());
    return status("Accepted");
  }
  const bool busy = std::any_of(cp.model().connectors().begin(), cp.model().connectors().end(),
                                [](const charger::Connector& c) { return c.transaction().has_value(); });
  if (type == "OnIdle" && busy) {
    cp.schedule_reset_on_idle();
    return status("Scheduled");
  }
  cp.defer(Deferred::ResetStation);
  return status("Accepted");
}

HandlerOutcome change_availability(ChargePoint& cp, const Json& p) {
  const std::string wanted = rpc::require_enum(p, "operationalStatus", {"Inoperative", "Operative"});
  const int evse_id = evse_of(cp, p);
  if (evse_id < 0) return status("Rejected");
  const auto a = wanted == "Operative" ? charger::Availability::Operative : charger::Availability::Inoperative;
  const auto result = evse_id == 0 ? cp.model().request_availability(cp.now(), a)
                                   : cp.model().connector(evse_id)->request_availability(cp.now(), a);
  cp.defer(Deferred::AvailabilityChanged, evse_id);
  switch (result) {
  case charger::AvailabilityChange::Accepted: return status("Accepted");
  case charger::AvailabilityChange::Scheduled: return status("Scheduled");
  case charger::AvailabilityChange::Rejected: return status("Rejected");
  }
  return status("Rejected");
}

HandlerOutcome unlock_connector(ChargePoint& cp, const Json& p) {
  const auto evse_id = rpc::require_int(p, "evseId", 0, INT32_MAX);
  const auto connector_id = rpc::require_int(p, "connectorId", 0, INT32_MAX);
  const auto* c = cp.model().connector(static_cast<int>(evse_id));
  if (c == nullptr || connector_id != 1) return status("UnknownConnector");
  if (c->transaction()) return status("OngoingAuthorizedTransaction");
  cp.defer(Deferred::Unlock, c->id());
  return status("Unlocked");
}

HandlerOutcome trigger_message(ChargePoint& cp, const Json& p) {
  const std::string what =
      rpc::require_enum(p, "requestedMessage",
                        {"BootNotification", "LogStatusNotification", "FirmwareStatusNotification", "Heartbeat",
                         "MeterValues", "SignChargingStationCertificate", "SignV2GCertificate", "StatusNotification",
                         "TransactionEvent", "SignCombinedCertificate", "PublishFirmwareStatusNotification"});
  const int evse_id = evse_of(cp, p);
  if (evse_id < 0) return status("Rejected");
  if (what == "BootNotification") {
    // Already accepted: a new boot would only confuse the CSMS (F06.FR.17).
    if (cp.registration() == RegistrationState::Accepted) return status("Rejected");
  } else if (what == "TransactionEvent") {
    const bool any =
        std::any_of(cp.model().connectors().begin(), cp.model().connectors().end(), [&](const charger::Connector& c) {
          return c.transaction() && (evse_id == 0 || c.id() == evse_id);
        });
    if (!any) return status("Rejected");
  } else if (what != "Heartbeat" && what != "StatusNotification" && what != "MeterValues" &&
             what != "LogStatusNotification" && what != "FirmwareStatusNotification") {
    return status("NotImplemented");
  }
  cp.defer(Deferred::Trigger, evse_id, what);
  return status("Accepted");
}

HandlerOutcome get_variables(ChargePoint& cp, const Json& p) {
  if (auto error = message_limits_error(cp.device_model(), "GetVariables", p, "getVariableData", cp.inbound_bytes()))
    return *error;
  return get_variables_response(cp.device_model(), p);
}

HandlerOutcome set_variables(ChargePoint& cp, const Json& p) {
  if (auto error = message_limits_error(cp.device_model(), "SetVariables", p, "setVariableData", cp.inbound_bytes()))
    return *error;
  std::vector<const VariableDef*> changed;
  Json out = set_variables_response(cp.device_model(), p, &changed);
  for (const auto* def : changed)
    cp.defer(Deferred::VariablesChanged, 0, def->variable);
  return out;
}

HandlerOutcome get_base_report(ChargePoint& cp, const Json& p) {
  const auto request_id = rpc::require_int(p, "requestId", INT32_MIN, INT32_MAX);
  const std::string base =
      rpc::require_enum(p, "reportBase", {"ConfigurationInventory", "FullInventory", "SummaryInventory"});
  auto entries = base_report_entries(cp.device_model(), base);
  if (entries.empty()) return status("EmptyResultSet");
  auto pages = notify_report_pages(std::move(entries), static_cast<int>(request_id),
                                   core::format_timestamp(cp.clock().wall_now()), kReportItemsPerPage);
  cp.defer(Deferred::BaseReport, 0, {}, request_id, Json(std::move(pages)));
  return status("Accepted");
}

HandlerOutcome clear_cache(ChargePoint&, const Json&) { return status("Accepted"); }

HandlerOutcome data_transfer(ChargePoint& cp, const Json& p) {
  const std::string vendor = rpc::require_string(p, "vendorId", 255);
  (void)rpc::optional_string(p, "messageId", 50);
  if (!cp.knows_vendor(vendor)) return status("UnknownVendorId");
  Json out = status("Accepted");
  if (p.contains("data")) out["data"] = p["data"];
  return out;
}

} // namespace

const rpc::ActionRegistry<ChargePoint>& csms_actions() {
  static const rpc::ActionRegistry<ChargePoint> registry = [] {
    rpc::ActionRegistry<ChargePoint> r;
    r.add("RequestStartTransaction", request_start)
        .add("RequestStopTransaction", request_stop)
        .add("Reset", reset)
        .add("ChangeAvailability", change_availability)
        .add("UnlockConnector", unlock_connector)
        .add("TriggerMessage", trigger_message)
        .add("GetVariables", get_variables)
        .add("SetVariables", set_variables)
        .add("GetBaseReport", get_base_report)
        .add("ClearCache", clear_cache)
        .add("DataTransfer", data_transfer);
    return r;
  }();
  return registry;
}

} // namespace ocppfleet::v201
