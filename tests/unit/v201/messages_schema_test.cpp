// Every message the 2.0.1 builders make validates against the official 2.0.1 schemas
// bundled in the npm package the setup installs (not ../shared): in-process, no network.
#include <gtest/gtest.h>

#include "simulator/ocpp/v201/messages.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::v201 {
namespace {

using testing::OcppSchemaValidator;
using namespace std::chrono_literals;

const auto kT0 = std::chrono::steady_clock::time_point{} + 1h;
const auto kWall = std::chrono::system_clock::time_point{std::chrono::seconds{1'795'000'000}};

void expect_valid_request(std::string_view action, const Json& payload) {
  const auto err = OcppSchemaValidator::v201().validate_request(action, payload);
  EXPECT_FALSE(err) << action << ": " << payload.dump() << "\n" << err.value_or("");
}

// Real CSMSs check an ISO14443 token's form (8 or 14 hex digits), so the type follows it.
TEST(V201Messages, id_token_type_follows_the_tags_form) {
  EXPECT_EQ(id_token_type_for("04A2B3C4"), "ISO14443");
  EXPECT_EQ(id_token_type_for("04a2b3c4d5e6f7"), "ISO14443");
  EXPECT_EQ(id_token_type_for("E004A2B3C4D5E6F7"), "ISO15693");
  EXPECT_EQ(id_token_type_for("FRABC123456789"), "eMAID");
  EXPECT_EQ(id_token_type_for("FR-ABC-C12345678-9"), "eMAID");
  EXPECT_EQ(id_token_type_for("DEMO-TAG"), "Local");
  EXPECT_EQ(id_token_type_for("TAG-12"), "Local");
  EXPECT_EQ(id_token_type_for("04A2B3C"), "Local") << "7 hex digits is no card UID";
  for (const char* tag : {"04A2B3C4", "DEMO-TAG", "FRABC123456789"})
    expect_valid_request("Authorize", Json{{"idToken", local_id_token(tag)}});
}

TEST(V201Messages, boot_notification_validates_and_clips_long_strings) {
  charger::ChargerIdentity id;
  id.identity = "CP-1";
  id.vendor = std::string(80, 'V');
  id.model = "A model name that is far longer than twenty characters";
  id.serial_number = std::string(40, 'S');
  id.firmware_version = std::string(80, 'F');
  for (const char* reason : {"PowerUp", "RemoteReset", "Triggered"}) {
    const auto p = boot_notification_request(id, reason);
    expect_valid_request("BootNotification", p);
    EXPECT_EQ(p["reason"], reason);
  }
  const auto p = boot_notification_request(id, "PowerUp");
  EXPECT_EQ(p["chargingStation"]["model"].get<std::string>().size(), 20u);
  EXPECT_EQ(p["chargingStation"]["vendorName"].get<std::string>().size(), 50u);
  EXPECT_EQ(p["chargingStation"]["serialNumber"].get<std::string>().size(), 25u);
}

TEST(V201Messages, status_notification_validates_for_every_neutral_status) {
  using S = charger::ConnectorStatus;
  for (auto s : {S::Available, S::Preparing, S::Charging, S::SuspendedEV, S::SuspendedEVSE, S::Finishing, S::Reserved,
                 S::Unavailable, S::Faulted}) {
    const auto p = status_notification_request(2, 1, s, kWall);
    expect_valid_request("StatusNotification", p);
  }
  EXPECT_EQ(connector_status(S::Charging), "Occupied");
  EXPECT_EQ(connector_status(S::Finishing), "Occupied");
  EXPECT_EQ(connector_status(S::Faulted), "Faulted");
}

TEST(V201Messages, meter_values_validate_for_ac_and_dc_with_every_measurand) {
  charger::ConnectorSpec ac;
  charger::ConnectorSpec dc;
  dc.current_type = charger::CurrentType::DC;
  dc.voltage_v = 400;
  dc.max_power_w = 150'000;
  dc.max_current_a = 375;
  for (const auto* spec : {&ac, &dc}) {
    charger::Connector c{1, *spec, 1234.0};
    c.plug(kT0, charger::EvSpec{});
    c.advance(kT0 + 30s);
    const auto p =
        meter_values_request(c, "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC,Bogus",
                             "Sample.Periodic", kWall);
    expect_valid_request("MeterValues", p);
    const auto& sampled = p["meterValue"][0]["sampledValue"];
    EXPECT_EQ(sampled.size(), spec == &dc ? 5u : 4u); // SoC only for DC; unknown names skipped
    for (const auto& sv : sampled)
      EXPECT_TRUE(sv["value"].is_number()) << sv.dump();
  }
}

TEST(V201Messages, transaction_events_validate_in_each_phase) {
  charger::ConnectorSpec spec;
  charger::Connector c{1, spec};
  c.plug(kT0, charger::EvSpec{});
  charger::Transaction tx;
  tx.local_id = transaction_id_for("CP-1-1");
  ASSERT_TRUE(c.start_transaction(kT0, tx));
  const auto started =
      Json{{"eventType", "Started"},
           {"timestamp", "2026-11-23T10:00:00.000Z"},
           {"triggerReason", "RemoteStart"},
           {"seqNo", 0},
           {"transactionInfo",
            {{"transactionId", tx.local_id}, {"chargingState", std::string{charging_state(c)}}, {"remoteStartId", 5}}},
           {"idToken", local_id_token("CARD")},
           {"evse", {{"id", 1}, {"connectorId", 1}}},
           {"meterValue", Json::array({meter_value(c, "Energy.Active.Import.Register", "Transaction.Begin", kWall)})}};
  expect_valid_request("TransactionEvent", started);
  c.stop_transaction(kT0 + 10s);
  for (auto reason : {charger::StopReason::Local, charger::StopReason::Remote, charger::StopReason::EVDisconnected,
                      charger::StopReason::HardReset, charger::StopReason::DeAuthorized,
                      charger::StopReason::UnlockCommand, charger::StopReason::Other}) {
    auto ended = started;
    ended["eventType"] = "Ended";
    ended["transactionInfo"]["stoppedReason"] = std::string{stopped_reason(reason)};
    ended["transactionInfo"]["chargingState"] = std::string{charging_state(c)};
    ended["offline"] = true;
    expect_valid_request("TransactionEvent", ended);
  }
}

TEST(V201Messages, transaction_ids_fit_36_characters_and_stay_unique) {
  EXPECT_EQ(transaction_id_for("CP-1-7"), "CP-1-7");
  const std::string long_identity(48, 'X');
  const auto a = transaction_id_for(long_identity + "-1");
  const auto b = transaction_id_for(long_identity + "-2");
  const auto other = transaction_id_for(std::string(47, 'X') + "Y-1");
  EXPECT_LE(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_NE(a, other);
  EXPECT_EQ(a, transaction_id_for(long_identity + "-1")); // stable
}

} // namespace
} // namespace ocppfleet::v201
