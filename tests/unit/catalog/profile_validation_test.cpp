// Field-level checks of the profile format, on profiles written to a temporary brands tree:
// each bad value is reported once, with its field path and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "simulator/catalog/profile_loader.hpp"

using namespace ocppfleet::catalog;

namespace {

// A complete, valid profile; tests replace one line to break it.
const std::string valid = R"(identity:
  brand_name: Test
  model_name: Test One
  charge_point_vendor: TestVendor
  charge_point_model: T-1
  firmware_version: "1.0"
  serial_pattern: "T{digits:4}"
hardware:
  ocpp_versions: ["1.6"]
  evses:
    - connectors:
        - {type: Type2, current: AC, phases: 3, voltage_v: 230, max_current_a: 16, max_power_kw: 11}
personality:
  supported_actions_16: [BootNotification, Heartbeat]
  config_keys_16:
    - {name: HeartbeatInterval, type: integer, default: 60}
  metering:
    measurands: [Energy.Active.Import.Register]
    sample_interval_s: 60
  delays_ms: {boot_to_status: 0, authorize_to_start: 0}
  faults: {error_codes: [GroundFailure], rate_per_hour: 0}
)";

class ProfileValidation : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ocppfleet_profile_validation_" + std::to_string(::getpid())) /
           "test";
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_.parent_path()); }

  // Loads `valid` with `from` replaced by `to` (which must occur once).
  ProfileLoad load_with(const std::string& from, const std::string& to, const std::string& name = "one.yaml") {
    std::string text = valid;
    if (!from.empty()) {
      const auto at = text.find(from);
      EXPECT_NE(at, std::string::npos) << from;
      if (at != std::string::npos) text.replace(at, from.size(), to);
    }
    const auto file = dir_ / name;
    std::ofstream{file} << text;
    return load_profile(file);
  }

  std::filesystem::path dir_;
};

void expect_error(const ProfileLoad& load, const std::string& path, int line, const std::string& text) {
  ASSERT_EQ(load.errors.size(), 1u) << (load.errors.empty() ? "no error" : load.errors[0].to_string());
  EXPECT_EQ(load.errors[0].path, path) << load.errors[0].to_string();
  EXPECT_EQ(load.errors[0].line, line) << load.errors[0].to_string();
  EXPECT_NE(load.errors[0].message.find(text), std::string::npos) << load.errors[0].to_string();
}

} // namespace

TEST_F(ProfileValidation, the_valid_profile_loads) {
  const ProfileLoad load = load_with("", "");
  ASSERT_TRUE(load.ok()) << load.errors[0].to_string();
  EXPECT_EQ(load.profile->identity.brand_slug, "test");
  EXPECT_EQ(load.profile->identity.model_slug, "one");
  // Defaults for what the profile leaves out.
  EXPECT_EQ(load.profile->personality.status_sequences.plug.front(), ocppfleet::charger::ConnectorStatus::Preparing);
  EXPECT_EQ(load.profile->personality.metering.clock_aligned_interval_s, 0);
}

TEST_F(ProfileValidation, vendor_longer_than_20_characters) {
  expect_error(load_with("TestVendor", "A Vendor Name Too Long For 1.6"), "identity.charge_point_vendor", 4,
               "at most 20");
}

TEST_F(ProfileValidation, power_above_voltage_times_current_times_phases) {
  expect_error(load_with("max_power_kw: 11}", "max_power_kw: 22}"), "hardware.evses[0].connectors[0].max_power_kw", 12,
               "11.0 kW");
}

TEST_F(ProfileValidation, unknown_connector_type) {
  expect_error(load_with("type: Type2", "type: Schuko"), "hardware.evses[0].connectors[0].type", 12, "Schuko");
}

TEST_F(ProfileValidation, dc_connector_with_phases) {
  expect_error(load_with("current: AC, phases: 3, voltage_v: 230", "current: DC, phases: 3, voltage_v: 920"),
               "hardware.evses[0].connectors[0].phases", 12, "only AC");
}

TEST_F(ProfileValidation, unknown_action_for_the_version) {
  expect_error(load_with("[BootNotification, Heartbeat]", "[BootNotification, TransactionEvent]"),
               "personality.supported_actions_16[1]", 14, "not an OCPP 1.6 action");
}

TEST_F(ProfileValidation, default_of_the_wrong_type) {
  expect_error(load_with("type: integer, default: 60", "type: integer, default: sixty"),
               "personality.config_keys_16[0].default", 16, "expected an integer");
}

TEST_F(ProfileValidation, default_outside_the_allowed_values) {
  expect_error(load_with("type: integer, default: 60}", "type: integer, default: 60, allowed: [30, 300]}"),
               "personality.config_keys_16[0].default", 16, "not one of the allowed");
}

TEST_F(ProfileValidation, unknown_measurand_and_status) {
  expect_error(load_with("measurands: [Energy.Active.Import.Register]", "measurands: [Energy]"),
               "personality.metering.measurands[0]", 18, "not an OCPP measurand");
  expect_error(load_with("  delays_ms:", "  status_sequences: {plug: [Plugged]}\n  delays_ms:"),
               "personality.status_sequences.plug[0]", 20, "not a connector status");
}

TEST_F(ProfileValidation, missing_required_field) {
  expect_error(load_with("  model_name: Test One\n", ""), "identity.model_name", 2, "missing required field");
}

TEST_F(ProfileValidation, malformed_serial_pattern) {
  expect_error(load_with("T{digits:4}", "T{digits}"), "identity.serial_pattern", 7, "width");
}

TEST_F(ProfileValidation, abstract_flag_and_file_name_must_agree) {
  expect_error(load_with("", "", "_base.yaml"), "abstract", 1, "abstract: true");
  expect_error(load_with("identity:", "abstract: true\nidentity:", "concrete.yaml"), "abstract", 1,
               "must start with '_'");
}
