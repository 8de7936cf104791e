// OCPP 2.0.1 CALLs a station sends. An idToken is Accepted unless the backend has an
// authorizer (csms/authorization.hpp), which then decides.
#include "csms/handlers.hpp"
#include "csms/meter.hpp"

namespace ocppfleet::csms::detail {
namespace {
namespace v201 {

using rpc::HandlerOutcome;
using rpc::Json;

const std::initializer_list<std::string_view> id_token_types = {"Central", "eMAID", "ISO14443",   "ISO15693",
                                                                "KeyCode", "Local", "MacAddress", "NoAuthorization"};

struct IdToken {
  std::string value;
  std::string type;
};

IdToken read_id_token(const Json& field) {
  return IdToken{rpc::require_string(field, "idToken", 36), rpc::require_enum(field, "type", id_token_types)};
}

// IdTokenInfo for `token` as the backend decides. NoAuthorization (no token to check: a
// free-vend start) is always Accepted.
Json token_info(const HandlerContext& ctx, const IdToken& token) {
  if (token.type == "NoAuthorization") return Json{{"status", "Accepted"}};
  const auto verdict = ctx.verdict ? *ctx.verdict : ctx.backend.authorize(token.value);
  Json info{{"status", ocpp_status(verdict.status)}};
  if (verdict.group_id && !verdict.group_id->empty() && verdict.group_id->size() <= 36)
    info["groupIdToken"] = Json{{"idToken", *verdict.group_id}, {"type", "Central"}};
  return info;
}

HandlerOutcome boot(HandlerContext& ctx, const Json& p) {
  const auto& station = rpc::require_object_field(p, "chargingStation");
  auto model = rpc::require_string(station, "model", 20);
  auto vendor = rpc::require_string(station, "vendorName", 50);
  auto serial = rpc::optional_string(station, "serialNumber", 25);
  auto firmware = rpc::optional_string(station, "firmwareVersion", 50);
  rpc::require_enum(p, "reason",
                    {"ApplicationReset", "FirmwareUpdate", "LocalReset", "PowerUp", "RemoteReset", "ScheduledReset",
                     "Triggered", "Unknown", "Watchdog"});
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
  s.timestamp = rpc::require_datetime(p, "timestamp");
  s.status = rpc::require_enum(p, "connectorStatus", {"Available", "Occupied", "Reserved", "Unavailable", "Faulted"});
  s.evse_id = static_cast<int>(rpc::require_int(p, "evseId", 0, 1000));
  s.connector_id = static_cast<int>(rpc::require_int(p, "connectorId", 0, 1000));
  s.error_code = "NoError";
  const std::lock_guard lock{ctx.station.mutex};
  record_status_locked(ctx, std::move(s));
  return Json::object();
}

HandlerOutcome authorize(HandlerContext& ctx, const Json& p) {
  const auto token = read_id_token(rpc::require_object_field(p, "idToken"));
  auto info = token_info(ctx, token);
  const std::lock_guard lock{ctx.station.mutex};
  record_token_locked(ctx, token.value, token.type);
  return Json{{"idTokenInfo", std::move(info)}};
}

HandlerOutcome transaction_event(HandlerContext& ctx, const Json& p) {
  const auto event = rpc::require_enum(p, "eventType", {"Started", "Updated", "Ended"});
  const auto timestamp = rpc::require_datetime(p, "timestamp");
  rpc::require_string(p, "triggerReason", 64);
  rpc::require_int(p, "seqNo", 0);
  const auto& info = rpc::require_object_field(p, "transactionInfo");
  const auto id = rpc::require_string(info, "transactionId", 36);
  const auto stopped_reason = rpc::optional_string(info, "stoppedReason", 64);
  std::optional<IdToken> token;
  if (const auto* field = rpc::optional_object_field(p, "idToken")) token = read_id_token(*field);
  std::optional<std::pair<int, int>> evse;
  if (const auto* field = rpc::optional_object_field(p, "evse")) {
    const auto evse_id = static_cast<int>(rpc::require_int(*field, "id", 0, 1000));
    evse = std::pair{evse_id, static_cast<int>(rpc::optional_int(*field, "connectorId", 0, 1000).value_or(1))};
  }
  std::optional<double> wh;
  if (const auto* values = rpc::optional_array_field(p, "meterValue")) wh = energy_register_wh_v201(*values);
  std::optional<Json> token_answer;
  if (token) token_answer = token_info(ctx, *token);

  const std::lock_guard lock{ctx.station.mutex};
  if (token) record_token_locked(ctx, token->value, token->type);
  auto* tx = find_transaction_locked(ctx, id);
  // Updated/Ended for a transaction we never saw start (started offline, or before this
  // database) opens it first, so its energy and end are still recorded.
  if (tx == nullptr || event == "Started") {
    TransactionSnapshot fresh;
    fresh.transaction_id = id;
    if (evse) std::tie(fresh.evse_id, fresh.connector_id) = *evse;
    if (token) fresh.id_token = token->value;
    fresh.meter_start_wh = wh;
    fresh.started_at = timestamp;
    tx = &start_transaction_locked(ctx, std::move(fresh));
    if (event == "Started") wh.reset(); // already the start reading
  }
  if (token && tx->id_token.empty()) tx->id_token = token->value;
  if (evse && tx->evse_id == 0) std::tie(tx->evse_id, tx->connector_id) = *evse;
  if (event == "Ended")
    end_transaction_locked(ctx, *tx, wh, timestamp, stopped_reason.value_or("Local"));
  else
    record_reading_locked(ctx, *tx, wh);
  // 2.0.1 requires idTokenInfo when the request carried an idToken.
  if (token_answer) return Json{{"idTokenInfo", std::move(*token_answer)}};
  return Json::object();
}

HandlerOutcome data_transfer(HandlerContext&, const Json& p) {
  rpc::require_string(p, "vendorId", 255);
  return Json{{"status", "UnknownVendorId"}};
}

HandlerOutcome acknowledge(HandlerContext&, const Json&) { return Json::object(); }

HandlerTable make_table() {
  HandlerTable t;
  t.add("BootNotification", &boot)
      .add("Heartbeat", &heartbeat)
      .add("StatusNotification", &status_notification)
      .add("Authorize", &authorize)
      .add("TransactionEvent", &transaction_event)
      .add("MeterValues", &acknowledge)
      .add("DataTransfer", &data_transfer)
      .add("NotifyReport", &acknowledge)
      .add("NotifyEvent", &acknowledge)
      .add("SecurityEventNotification", &acknowledge)
      .add("FirmwareStatusNotification", &acknowledge)
      .add("LogStatusNotification", &acknowledge);
  return t;
}

} // namespace v201
} // namespace

const HandlerTable& v201_handlers() {
  static const HandlerTable table = v201::make_table();
  return table;
}

} // namespace ocppfleet::csms::detail
