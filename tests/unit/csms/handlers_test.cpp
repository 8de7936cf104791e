// The CSMS's answers and bookkeeping without sockets: each CALL goes through the version's
// action table on a virtual clock; every answer is checked against the official schema.
#include <gtest/gtest.h>

#include "csms/handlers.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::csms::detail {
namespace {

using ocppfleet::testing::OcppSchemaValidator;
using namespace std::chrono_literals;

class CsmsHandlers : public ::testing::Test {
protected:
  CsmsHandlers() : backend_("default", true), station_("default", "CP-1") { env_.clock = &clock_; }

  // Dispatches one CALL; a CALLRESULT must validate against <action>.conf.
  rpc::HandlerOutcome call(std::string_view subprotocol, const std::string& action, const Json& payload) {
    HandlerContext ctx{env_, backend_, station_, {}, std::nullopt};
    auto outcome = handlers_for(subprotocol).dispatch(ctx, rpc::Call{"m1", action, payload});
    last_changes_ = std::move(ctx.changes);
    if (const auto* result = std::get_if<Json>(&outcome)) {
      const auto err = OcppSchemaValidator::for_subprotocol(subprotocol).validate_response(action, *result);
      EXPECT_FALSE(err) << action << " answer " << result->dump() << ": " << err.value_or("");
    }
    return outcome;
  }

  Json ok(std::string_view subprotocol, const std::string& action, const Json& payload) {
    // The request itself must be schema-valid too, or the test would prove nothing.
    const auto err = OcppSchemaValidator::for_subprotocol(subprotocol).validate_request(action, payload);
    EXPECT_FALSE(err) << "test sends an invalid " << action << ": " << err.value_or("");
    auto outcome = call(subprotocol, action, payload);
    const auto* result = std::get_if<Json>(&outcome);
    EXPECT_TRUE(result) << action << " failed: " << std::get<rpc::HandlerError>(outcome).description;
    return result ? *result : Json{};
  }

  rpc::HandlerError error(std::string_view subprotocol, const std::string& action, const Json& payload) {
    auto outcome = call(subprotocol, action, payload);
    EXPECT_TRUE(std::holds_alternative<rpc::HandlerError>(outcome)) << action << " unexpectedly accepted";
    return std::holds_alternative<rpc::HandlerError>(outcome) ? std::get<rpc::HandlerError>(outcome)
                                                              : rpc::HandlerError{};
  }

  static Json meter_v16(const std::string& wh) {
    return Json::array(
        {{{"timestamp", "2026-01-01T00:05:00Z"},
          {"sampledValue", Json::array({{{"value", "230.1"}, {"measurand", "Voltage"}, {"unit", "V"}},
                                        {{"value", wh}, {"measurand", "Energy.Active.Import.Register"}}})}}});
  }

  static Json meter_v201(double kwh) {
    return Json::array({{{"timestamp", "2026-01-01T00:05:00Z"},
                         {"sampledValue", Json::array({{{"value", kwh},
                                                        {"measurand", "Energy.Active.Import.Register"},
                                                        {"unitOfMeasure", {{"unit", "kWh"}}}}})}}});
  }

  core::VirtualClock clock_;
  HandlerEnv env_;
  Backend backend_;
  Station station_;
  Changes last_changes_;
};

TEST_F(CsmsHandlers, v16_boot_is_accepted_with_the_configured_interval_and_recorded) {
  env_.heartbeat_interval = 120s;
  const auto r = ok("ocpp1.6", "BootNotification",
                    {{"chargePointVendor", "ABB"},
                     {"chargePointModel", "Terra"},
                     {"chargePointSerialNumber", "SN-1"},
                     {"firmwareVersion", "1.2.3"}});
  EXPECT_EQ(r["status"], "Accepted");
  EXPECT_EQ(r["interval"], 120);
  EXPECT_EQ(r["currentTime"], "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(station_.info.vendor, "ABB");
  EXPECT_EQ(station_.info.model, "Terra");
  EXPECT_EQ(station_.info.serial_number, "SN-1");
  EXPECT_EQ(station_.info.firmware_version, "1.2.3");
  EXPECT_EQ(station_.info.boot_status, "Accepted");
  ASSERT_TRUE(last_changes_.station);
  EXPECT_EQ(last_changes_.station->vendor, "ABB");
}

TEST_F(CsmsHandlers, v16_full_session_records_statuses_token_and_energy) {
  ok("ocpp1.6", "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Available"}});
  ASSERT_EQ(last_changes_.status_events.size(), 1u);
  // The same status again is written (new timestamp) but is no event.
  ok("ocpp1.6", "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Available"}});
  EXPECT_EQ(last_changes_.statuses.size(), 1u);
  EXPECT_TRUE(last_changes_.status_events.empty());

  EXPECT_EQ(ok("ocpp1.6", "Authorize", {{"idTag", "TAG-1"}})["idTagInfo"]["status"], "Accepted");
  const auto start =
      ok("ocpp1.6", "StartTransaction",
         {{"connectorId", 1}, {"idTag", "TAG-1"}, {"meterStart", 1000}, {"timestamp", "2026-01-01T00:00:00Z"}});
  const auto id = start["transactionId"].get<std::int64_t>();
  ASSERT_EQ(last_changes_.transactions.size(), 1u);
  EXPECT_EQ(last_changes_.transactions[0].change, TransactionChange::Started);
  ok("ocpp1.6", "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Charging"}});

  ok("ocpp1.6", "MeterValues", {{"connectorId", 1}, {"transactionId", id}, {"meterValue", meter_v16("1500")}});
  ASSERT_EQ(last_changes_.transactions.size(), 1u);
  EXPECT_EQ(last_changes_.transactions[0].change, TransactionChange::Updated);
  EXPECT_DOUBLE_EQ(last_changes_.transactions[0].transaction.energy_wh, 500);

  const auto stop = ok("ocpp1.6", "StopTransaction",
                       {{"transactionId", id},
                        {"meterStop", 3500},
                        {"timestamp", "2026-01-01T01:00:00Z"},
                        {"idTag", "TAG-1"},
                        {"reason", "EVDisconnected"}});
  EXPECT_EQ(stop["idTagInfo"]["status"], "Accepted");
  const auto& tx = station_.transactions.at(std::to_string(id));
  EXPECT_EQ(tx.state, TransactionState::Ended);
  EXPECT_DOUBLE_EQ(tx.energy_wh, 2500);
  EXPECT_EQ(tx.stop_reason, "EVDisconnected");
  EXPECT_EQ(tx.id_token, "TAG-1");
  EXPECT_EQ(tx.stopped_at, "2026-01-01T01:00:00Z");
  EXPECT_EQ(station_.connectors.at({1, 1}).status, "Charging");
  EXPECT_TRUE(station_.tokens.contains("TAG-1"));
}

// A fixed verdict per token; everything else Invalid (what an eMSP-backed CPO does).
class TableAuthorizer final : public Authorizer {
public:
  [[nodiscard]] TokenVerdict authorize(std::string_view token) const override {
    if (token == "GOOD") return {TokenVerdict::Status::accepted, "FLEET-7"};
    if (token == "STOLEN") return {TokenVerdict::Status::blocked, std::nullopt};
    return {TokenVerdict::Status::invalid, std::nullopt};
  }
};

TEST_F(CsmsHandlers, v16_idtags_are_decided_by_the_backends_authorizer) {
  backend_.set_authorizer(std::make_shared<TableAuthorizer>());
  const auto good = ok("ocpp1.6", "Authorize", {{"idTag", "GOOD"}})["idTagInfo"];
  EXPECT_EQ(good["status"], "Accepted");
  EXPECT_EQ(good["parentIdTag"], "FLEET-7");
  EXPECT_EQ(ok("ocpp1.6", "Authorize", {{"idTag", "STOLEN"}})["idTagInfo"]["status"], "Blocked");
  EXPECT_EQ(ok("ocpp1.6", "Authorize", {{"idTag", "NOBODY"}})["idTagInfo"]["status"], "Invalid");
  // A start on a refused tag is recorded (the station did start) but answered Invalid, so
  // the station stops it itself.
  const auto start =
      ok("ocpp1.6", "StartTransaction",
         {{"connectorId", 1}, {"idTag", "NOBODY"}, {"meterStart", 0}, {"timestamp", "2026-01-01T00:00:00Z"}});
  EXPECT_EQ(start["idTagInfo"]["status"], "Invalid");
  EXPECT_EQ(last_changes_.transactions.size(), 1u);
  // Without an authorizer, every tag is accepted again.
  backend_.set_authorizer(nullptr);
  EXPECT_EQ(ok("ocpp1.6", "Authorize", {{"idTag", "NOBODY"}})["idTagInfo"]["status"], "Accepted");
}

TEST_F(CsmsHandlers, v201_idtokens_are_decided_by_the_backends_authorizer) {
  backend_.set_authorizer(std::make_shared<TableAuthorizer>());
  const auto good = ok("ocpp2.0.1", "Authorize", {{"idToken", {{"idToken", "GOOD"}, {"type", "ISO14443"}}}});
  EXPECT_EQ(good["idTokenInfo"]["status"], "Accepted");
  EXPECT_EQ(good["idTokenInfo"]["groupIdToken"]["idToken"], "FLEET-7");
  EXPECT_EQ(ok("ocpp2.0.1", "Authorize",
               {{"idToken", {{"idToken", "STOLEN"}, {"type", "ISO14443"}}}})["idTokenInfo"]["status"],
            "Blocked");
  const auto started = ok("ocpp2.0.1", "TransactionEvent",
                          {{"eventType", "Started"},
                           {"timestamp", "2026-01-01T00:00:00Z"},
                           {"triggerReason", "Authorized"},
                           {"seqNo", 0},
                           {"transactionInfo", {{"transactionId", "TX-9"}}},
                           {"idToken", {{"idToken", "NOBODY"}, {"type", "ISO14443"}}},
                           {"evse", {{"id", 1}, {"connectorId", 1}}}});
  EXPECT_EQ(started["idTokenInfo"]["status"], "Invalid");
  // NoAuthorization carries no token to check.
  EXPECT_EQ(ok("ocpp2.0.1", "Authorize",
               {{"idToken", {{"idToken", ""}, {"type", "NoAuthorization"}}}})["idTokenInfo"]["status"],
            "Accepted");
}

TEST_F(CsmsHandlers, v16_transaction_ids_are_unique_per_backend_and_survive_observed_ids) {
  backend_.observe_transaction_id(41);
  const Json start{{"connectorId", 1}, {"idTag", "T"}, {"meterStart", 0}, {"timestamp", "2026-01-01T00:00:00Z"}};
  EXPECT_EQ(ok("ocpp1.6", "StartTransaction", start)["transactionId"], 42);
  EXPECT_EQ(ok("ocpp1.6", "StartTransaction", start)["transactionId"], 43);
}

TEST_F(CsmsHandlers, v16_stop_of_an_unknown_transaction_is_acknowledged) {
  const auto r = ok("ocpp1.6", "StopTransaction",
                    {{"transactionId", 999}, {"meterStop", 5}, {"timestamp", "2026-01-01T00:00:00Z"}});
  EXPECT_EQ(r, Json::object());
  EXPECT_TRUE(last_changes_.transactions.empty());
}

TEST_F(CsmsHandlers, last_seen_alone_is_persisted_at_most_every_30_seconds) {
  auto touch = [&] {
    HandlerContext ctx{env_, backend_, station_, {}, std::nullopt};
    const std::lock_guard lock{station_.mutex};
    touch_locked(ctx);
    return ctx.changes.station.has_value();
  };
  EXPECT_TRUE(touch());
  clock_.advance(10s);
  EXPECT_FALSE(touch());
  EXPECT_EQ(station_.info.last_seen, "2026-01-01T00:00:10.000Z"); // in memory it is always current
  clock_.advance(21s);
  EXPECT_TRUE(touch());
  // A boot in between is written whatever the throttle says.
  ok("ocpp1.6", "BootNotification", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}});
  EXPECT_TRUE(last_changes_.station);
}

TEST_F(CsmsHandlers, v16_data_transfer_and_notifications) {
  EXPECT_EQ(ok("ocpp1.6", "DataTransfer", {{"vendorId", "acme"}})["status"], "UnknownVendorId");
  EXPECT_EQ(ok("ocpp1.6", "Heartbeat", Json::object()).size(), 1u);
  EXPECT_EQ(ok("ocpp1.6", "FirmwareStatusNotification", {{"status", "Idle"}}), Json::object());
  EXPECT_EQ(ok("ocpp1.6", "DiagnosticsStatusNotification", {{"status", "Idle"}}), Json::object());
}

TEST_F(CsmsHandlers, bad_payloads_get_the_matching_error_codes) {
  EXPECT_EQ(error("ocpp1.6", "BootNotification", {{"chargePointVendor", "x"}}).code,
            rpc::ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(error("ocpp1.6", "StartTransaction",
                  {{"connectorId", "1"}, {"idTag", "T"}, {"meterStart", 0}, {"timestamp", "2026-01-01T00:00:00Z"}})
                .code,
            rpc::ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(
      error("ocpp1.6", "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Dancing"}})
          .code,
      rpc::ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(error("ocpp1.6", "TransactionEvent", Json::object()).code, rpc::ErrorCode::NotImplemented);
  EXPECT_EQ(error("ocpp2.0.1", "StartTransaction", Json::object()).code, rpc::ErrorCode::NotImplemented);
  EXPECT_EQ(error("ocpp2.0.1", "TransactionEvent", {{"eventType", "Started"}}).code,
            rpc::ErrorCode::OccurrenceConstraintViolation);
  // The 1.6 wire spelling of the occurrence code is the specification's misspelling.
  EXPECT_EQ(rpc::to_wire(rpc::ErrorCode::OccurrenceConstraintViolation, rpc::Dialect::V16),
            "OccurenceConstraintViolation");
}

TEST_F(CsmsHandlers, v201_boot_status_and_transaction_events_record_energy) {
  const auto boot =
      ok("ocpp2.0.1", "BootNotification",
         {{"chargingStation", {{"model", "Satellite"}, {"vendorName", "Kempower"}, {"serialNumber", "S2"}}},
          {"reason", "PowerUp"}});
  EXPECT_EQ(boot["status"], "Accepted");
  EXPECT_EQ(station_.info.vendor, "Kempower");
  ok("ocpp2.0.1", "StatusNotification",
     {{"timestamp", "2026-01-01T00:00:00Z"}, {"connectorStatus", "Occupied"}, {"evseId", 2}, {"connectorId", 1}});
  EXPECT_EQ(station_.connectors.at({2, 1}).status, "Occupied");
  EXPECT_EQ(station_.connectors.at({2, 1}).error_code, "NoError");

  const Json token{{"idToken", "RFID-7"}, {"type", "ISO14443"}};
  EXPECT_EQ(ok("ocpp2.0.1", "Authorize", {{"idToken", token}})["idTokenInfo"]["status"], "Accepted");
  auto event = [&](const std::string& type, int seq, double kwh) {
    Json p{{"eventType", type},
           {"timestamp", "2026-01-01T00:0" + std::to_string(seq) + ":00Z"},
           {"triggerReason", type == "Ended" ? "EVCommunicationLost" : "MeterValuePeriodic"},
           {"seqNo", seq},
           {"transactionInfo", {{"transactionId", "tx-201"}}},
           {"meterValue", meter_v201(kwh)}};
    if (type == "Started") {
      p["idToken"] = token;
      p["evse"] = {{"id", 2}, {"connectorId", 1}};
    }
    if (type == "Ended") p["transactionInfo"]["stoppedReason"] = "EVDisconnected";
    return ok("ocpp2.0.1", "TransactionEvent", p);
  };
  EXPECT_EQ(event("Started", 0, 10.0)["idTokenInfo"]["status"], "Accepted");
  EXPECT_EQ(event("Updated", 1, 10.75), Json::object()); // no idToken: no idTokenInfo
  EXPECT_DOUBLE_EQ(station_.transactions.at("tx-201").energy_wh, 750);
  event("Ended", 2, 12.5);
  const auto& tx = station_.transactions.at("tx-201");
  EXPECT_EQ(tx.state, TransactionState::Ended);
  EXPECT_DOUBLE_EQ(tx.meter_start_wh.value_or(-1), 10000);
  EXPECT_DOUBLE_EQ(tx.energy_wh, 2500);
  EXPECT_EQ(tx.evse_id, 2);
  EXPECT_EQ(tx.connector_id, 1);
  EXPECT_EQ(tx.id_token, "RFID-7");
  EXPECT_EQ(tx.stop_reason, "EVDisconnected");
  EXPECT_EQ(station_.tokens.at("RFID-7").type, "ISO14443");
  EXPECT_EQ(ok("ocpp2.0.1", "DataTransfer", {{"vendorId", "acme"}})["status"], "UnknownVendorId");
  EXPECT_EQ(ok("ocpp2.0.1", "NotifyReport", {{"requestId", 1}, {"generatedAt", "2026-01-01T00:00:00Z"}, {"seqNo", 0}}),
            Json::object());
}

TEST_F(CsmsHandlers, v201_updated_for_an_unknown_transaction_opens_it) {
  ok("ocpp2.0.1", "TransactionEvent",
     {{"eventType", "Updated"},
      {"timestamp", "2026-01-01T00:00:00Z"},
      {"triggerReason", "MeterValuePeriodic"},
      {"seqNo", 3},
      {"transactionInfo", {{"transactionId", "late"}}},
      {"meterValue", meter_v201(2.0)}});
  ASSERT_TRUE(station_.transactions.contains("late"));
  EXPECT_EQ(station_.transactions.at("late").state, TransactionState::Active);
  EXPECT_DOUBLE_EQ(station_.transactions.at("late").meter_start_wh.value_or(-1), 2000);
}

TEST_F(CsmsHandlers, ended_transactions_beyond_the_cap_leave_memory) {
  env_.max_ended_transactions = 2;
  for (int i = 0; i < 4; ++i) {
    const auto id = ok("ocpp1.6", "StartTransaction",
                       {{"connectorId", 1},
                        {"idTag", "T"},
                        {"meterStart", 0},
                        {"timestamp", "2026-01-01T00:00:00Z"}})["transactionId"];
    ok("ocpp1.6", "StopTransaction", {{"transactionId", id}, {"meterStop", 10}, {"timestamp", "2026-01-01T00:01:00Z"}});
    // The Ended change still carries the whole transaction for the store and listeners.
    ASSERT_EQ(last_changes_.transactions.size(), 1u);
    EXPECT_EQ(last_changes_.transactions[0].transaction.state, TransactionState::Ended);
  }
  EXPECT_EQ(station_.transactions.size(), 2u);
  EXPECT_TRUE(station_.transactions.contains("3"));
  EXPECT_TRUE(station_.transactions.contains("4"));
}

} // namespace
} // namespace ocppfleet::csms::detail
