// Every message our 1.6 code builds validates against the official 1.6 schemas bundled in
// the npm package the setup installs (not ../shared): in-process, no network.
#include <gtest/gtest.h>

#include "simulator/ocpp/v16/config_keys.hpp"
#include "simulator/ocpp/v16/messages.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::v16 {
namespace {

using testing::OcppSchemaValidator;
using namespace std::chrono_literals;

const auto kT0 = std::chrono::steady_clock::time_point{} + 1h;
const auto kWall = std::chrono::system_clock::time_point{std::chrono::seconds{1'795'000'000}};

void expect_valid_request(std::string_view action, const Json& payload) {
  const auto err = OcppSchemaValidator::v16().validate_request(action, payload);
  EXPECT_FALSE(err) << action << ": " << payload.dump() << "\n" << err.value_or("");
}

TEST(V16Messages, boot_notification_validates_and_clips_long_strings) {
  charger::ChargerIdentity id;
  id.identity = "CP-1";
  id.vendor = "A vendor name that is far longer than twenty characters";
  id.model = "A model name that is far longer than twenty characters";
  id.serial_number = std::string(40, 'S');
  id.firmware_version = std::string(80, 'F');
  const auto p = boot_notification_payload(id);
  expect_valid_request("BootNotification", p);
  EXPECT_EQ(p["chargePointVendor"].get<std::string>().size(), 20u);
  EXPECT_EQ(p["chargePointSerialNumber"].get<std::string>().size(), 25u);
}

TEST(V16Messages, status_notification_validates_for_every_status) {
  using S = charger::ConnectorStatus;
  for (auto s : {S::Available, S::Preparing, S::Charging, S::SuspendedEV, S::SuspendedEVSE, S::Finishing, S::Reserved,
                 S::Unavailable, S::Faulted}) {
    const auto p = status_notification_payload(1, s, "NoError", kWall);
    expect_valid_request("StatusNotification", p);
    EXPECT_EQ(p["status"], std::string{charger::to_string(s)});
  }
}

TEST(V16Messages, unknown_fault_code_maps_to_other_error_with_vendor_code) {
  const auto p = status_notification_payload(2, charger::ConnectorStatus::Faulted, "CoolantLeak", kWall);
  expect_valid_request("StatusNotification", p);
  EXPECT_EQ(p["errorCode"], "OtherError");
  EXPECT_EQ(p["vendorErrorCode"], "CoolantLeak");
  const auto q = status_notification_payload(2, charger::ConnectorStatus::Faulted, "GroundFailure", kWall);
  EXPECT_EQ(q["errorCode"], "GroundFailure");
  EXPECT_FALSE(q.contains("vendorErrorCode"));
}

charger::ConnectorSpec dc_spec() {
  charger::ConnectorSpec spec;
  spec.current_type = charger::CurrentType::DC;
  spec.voltage_v = 800;
  spec.max_power_w = 150'000;
  spec.max_current_a = 200;
  return spec;
}

TEST(V16Messages, meter_values_validate_for_ac_and_dc_and_report_soc_only_for_dc) {
  const charger::ConnectorSpec ac_spec;
  charger::Connector ac{1, ac_spec};
  ac.plug(kT0, charger::EvSpec{});
  charger::Transaction tx;
  tx.local_id = "x-1";
  tx.id_tag = "TAG";
  ASSERT_TRUE(ac.start_transaction(kT0, tx));
  ac.advance(kT0 + 60s);
  const auto p = meter_values_payload(ac, 42, kDefaultMeasurands, "Sample.Periodic", kWall);
  expect_valid_request("MeterValues", p);
  EXPECT_EQ(p["transactionId"], 42);
  for (const auto& sv : p["meterValue"][0]["sampledValue"])
    EXPECT_NE(sv["measurand"], "SoC");

  const auto spec = dc_spec();
  charger::Connector dc{1, spec};
  dc.plug(kT0, charger::EvSpec{});
  ASSERT_TRUE(dc.start_transaction(kT0, tx));
  dc.advance(kT0 + 120s);
  const auto q = meter_values_payload(dc, 43, kDefaultMeasurands, "Sample.Periodic", kWall);
  expect_valid_request("MeterValues", q);
  bool soc = false;
  for (const auto& sv : q["meterValue"][0]["sampledValue"])
    soc |= sv["measurand"] == "SoC";
  EXPECT_TRUE(soc);
}

TEST(V16Messages, idle_meter_values_without_transaction_validate) {
  const charger::ConnectorSpec spec;
  charger::Connector c{1, spec};
  expect_valid_request("MeterValues",
                       meter_values_payload(c, std::nullopt, "Energy.Active.Import.Register", "Trigger", kWall));
}

TEST(V16Messages, stop_transaction_validates_for_every_reason_with_transaction_data) {
  const charger::ConnectorSpec spec;
  charger::Connector c{1, spec};
  c.plug(kT0, charger::EvSpec{});
  charger::Transaction tx;
  tx.local_id = "x-2";
  tx.id_tag = "TAG";
  ASSERT_TRUE(c.start_transaction(kT0, tx));
  c.advance(kT0 + 10min);
  using R = charger::StopReason;
  for (auto r : {R::Local, R::Remote, R::EVDisconnected, R::HardReset, R::SoftReset, R::PowerLoss, R::Reboot,
                 R::UnlockCommand, R::DeAuthorized, R::EmergencyStop, R::Other}) {
    auto p = stop_transaction_payload(tx, c, r, "Energy.Active.Import.Register", kWall);
    p["transactionId"] = 7;
    expect_valid_request("StopTransaction", p);
    EXPECT_EQ(p["reason"], std::string{charger::to_string(r)});
    // The default EV draws 11 kW AC (below the 22 kW connector): 10 min = 1833 Wh.
    EXPECT_NEAR(p["meterStop"].get<double>(), 1833.0, 1.0);
  }
}

TEST(V16ConfigKeys, core_keys_are_present_with_spec_mutability) {
  const auto& schema = core_config_schema();
  for (const char* key : {"HeartbeatInterval", "MeterValueSampleInterval", "AuthorizeRemoteTxRequests",
                          "ConnectionTimeOut", "MeterValuesSampledData", "NumberOfConnectors",
                          "StopTransactionOnInvalidId", "GetConfigurationMaxKeys", "SupportedFeatureProfiles"}) {
    EXPECT_NE(schema.find(key), nullptr) << key;
  }
  EXPECT_TRUE(schema.find("NumberOfConnectors")->readonly);
  EXPECT_TRUE(schema.find("SupportedFeatureProfiles")->readonly);
  EXPECT_FALSE(schema.find("HeartbeatInterval")->readonly);
  EXPECT_TRUE(schema.find("WebSocketPingInterval")->reboot_required);
}

TEST(V16ConfigKeys, defaults_are_valid_values_of_their_own_type) {
  // A default that its own validator rejects would make GetConfiguration lie.
  for (const auto& def : core_config_schema().keys()) {
    charger::ConfigStore store{core_config_schema()};
    EXPECT_TRUE(store.set_internal(def.name, def.default_value)) << def.name << "=" << def.default_value;
  }
}

TEST(V16ConfigKeys, sampled_data_rejects_unknown_measurands) {
  charger::ConfigStore store{core_config_schema()};
  EXPECT_EQ(store.set("MeterValuesSampledData", "Energy.Active.Import.Register,Voltage"),
            charger::ConfigSetResult::Accepted);
  EXPECT_EQ(store.set("MeterValuesSampledData", "Energy.Active.Import.Register,Banana"),
            charger::ConfigSetResult::Rejected);
}

} // namespace
} // namespace ocppfleet::v16
