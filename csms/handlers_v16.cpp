// OCPP 1.6 CALLs a station sends. An idTag is Accepted unless the backend has an authorizer
// (csms/authorization.hpp), which then decides.
#include <cmath>

#include "csms/handlers.hpp"
#include "csms/meter.hpp"

namespace ocppfleet::csms::detail {
namespace {
namespace v16 {

using rpc::HandlerOutcome;
using rpc::Json;

// IdTagInfo for `tag` as the backend decides.
Json tag_info(const HandlerContext& ctx, const std::string& tag) {
  const auto verdict = ctx.verdict ? *ctx.verdict : ctx.backend.authorize(tag);
  Json info{{"status", ocpp_status(verdict.status)}};
  if (verdict.group_id && !verdict.group_id->empty() && verdict.group_id->size() <= 20)
    info["parentIdTag"] = *verdict.group_id;
  return info;
}

HandlerOutcome boot(HandlerContext& ctx, const Json& p) {
  auto vendor = rpc::require_string(p, "chargePointVendor", 20);
  auto model = rpc::require_string(p, "chargePointModel", 20);
  auto serial = rpc::optional_string(p, "chargePointSerialNumber", 25);
  if (!serial) serial = rpc::optional_string(p, "chargeBoxSerialNumber", 25);
  auto firmware = rpc::optional_string(p, "firmwareVersion", 50);
  {
    const std::lock_guard lock{ctx.station.mutex};
    record_boot_locked(ctx, std::move(vendor), std::move(model), serial.value_or(""), firmware.value_or(""),
                       "Accepted");
  }
  return Json{{"status", "Accepted"},
              {"currentTime", now_text(ctx)},
              {"interval", static_cast<std::int64_t>(ctx.env.heartbeat_interval.count())}};
}

HandlerOutcome heartbeat(HandlerContext& ctx, const Json&) { return Json{{"currentTime", now_text(ctx)}}; }

HandlerOutcome status_notification(HandlerContext& ctx, const Json& p) {
  ConnectorStatus s;
  s.evse_id = static_cast<int>(rpc::require_int(p, "connectorId", 0, 1000));
  s.connector_id = s.evse_id;
  s.error_code = rpc::require_enum(p, "errorCode",
                                   {"ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature",
                                    "InternalError", "LocalListConflict", "NoError", "OtherError", "OverCurrentFailure",
                                    "PowerMeterFailure", "PowerSwitchFailure", "ReaderFailure", "ResetFailure",
                                    "UnderVoltage", "OverVoltage", "WeakSignal"});
  s.status = rpc::require_enum(p, "status",
                               {"Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing",
                                "Reserved", "Unavailable", "Faulted"});
  const auto timestamp = rpc::optional_datetime(p, "timestamp");
  const std::lock_guard lock{ctx.station.mutex};
  s.timestamp = timestamp.value_or(now_text(ctx));
  record_status_locked(ctx, std::move(s));
  return Json::object();
}

HandlerOutcome authorize(HandlerContext& ctx, const Json& p) {
  const auto tag = rpc::require_string(p, "idTag", 20);
  const std::lock_guard lock{ctx.station.mutex};
  record_token_locked(ctx, tag, "ISO14443");
  return Json{{"idTagInfo", tag_info(ctx, tag)}};
}

HandlerOutcome start_transaction(HandlerContext& ctx, const Json& p) {
  TransactionSnapshot tx;
  tx.evse_id = static_cast<int>(rpc::require_int(p, "connectorId", 1, 1000));
  tx.connector_id = tx.evse_id;
  tx.id_token = rpc::require_string(p, "idTag", 20);
  tx.meter_start_wh = static_cast<double>(rpc::require_int(p, "meterStart"));
  tx.started_at = rpc::require_datetime(p, "timestamp");
  const auto id = ctx.backend.mint_transaction_id();
  tx.transaction_id = std::to_string(id);
  // A refused tag still gets its transaction recorded (the station reported it started; it
  // stops it itself, DeAuthorized, as StopTransactionOnInvalidId says).
  auto info = tag_info(ctx, tx.id_token);
  const std::lock_guard lock{ctx.station.mutex};
  record_token_locked(ctx, tx.id_token, "ISO14443");
  start_transaction_locked(ctx, std::move(tx));
  return Json{{"transactionId", id}, {"idTagInfo", std::move(info)}};
}

HandlerOutcome stop_transaction(HandlerContext& ctx, const Json& p) {
  const auto id = std::to_string(rpc::require_int(p, "transactionId"));
  const auto meter_stop = static_cast<double>(rpc::require_int(p, "meterStop"));
  auto stopped_at = rpc::require_datetime(p, "timestamp");
  const auto tag = rpc::optional_string(p, "idTag", 20);
  const auto reason = rpc::optional_enum(p, "reason",
                                         {"EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss",
                                          "Reboot", "Remote", "SoftReset", "UnlockCommand", "DeAuthorized"});
  const std::lock_guard lock{ctx.station.mutex};
  if (tag) record_token_locked(ctx, *tag, "ISO14443");
  // An unknown id (a transaction from before this database existed) is still acknowledged:
  // refusing it would make the station retry it forever.
  if (auto* tx = find_transaction_locked(ctx, id))
    end_transaction_locked(ctx, *tx, meter_stop, std::move(stopped_at), reason.value_or("Local"));
  if (tag) return Json{{"idTagInfo", tag_info(ctx, *tag)}};
  return Json::object();
}

HandlerOutcome meter_values(HandlerContext& ctx, const Json& p) {
  rpc::require_int(p, "connectorId", 0, 1000);
  const auto tx_id = rpc::optional_int(p, "transactionId");
  const auto& values = rpc::require_array_field(p, "meterValue");
  if (!tx_id) return Json::object();
  const auto wh = energy_register_wh_v16(values);
  const std::lock_guard lock{ctx.station.mutex};
  if (auto* tx = find_transaction_locked(ctx, std::to_string(*tx_id))) record_reading_locked(ctx, *tx, wh);
  return Json::object();
}

HandlerOutcome data_transfer(HandlerContext&, const Json& p) {
  rpc::require_string(p, "vendorId", 255);
  // We know no vendor extensions; UnknownVendorId is the answer the spec gives for that.
  return Json{{"status", "UnknownVendorId"}};
}

// Notifications we only acknowledge.
HandlerOutcome acknowledge(HandlerContext&, const Json&) { return Json::object(); }

HandlerTable make_table() {
  HandlerTable t;
  t.add("BootNotification", &boot)
      .add("Heartbeat", &heartbeat)
      .add("StatusNotification", &status_notification)
      .add("Authorize", &authorize)
      .add("StartTransaction", &start_transaction)
      .add("StopTransaction", &stop_transaction)
      .add("MeterValues", &meter_values)
      .add("DataTransfer", &data_transfer)
      .add("DiagnosticsStatusNotification", &acknowledge)
      .add("FirmwareStatusNotification", &acknowledge)
      .add("SecurityEventNotification", &acknowledge)
      .add("LogStatusNotification", &acknowledge)
      .add("SignedFirmwareStatusNotification", &acknowledge);
  return t;
}

} // namespace v16
} // namespace

const HandlerTable& v16_handlers() {
  static const HandlerTable table = v16::make_table();
  return table;
}

} // namespace ocppfleet::csms::detail
