#include <gtest/gtest.h>

#include <string>

#include "simulator/charger/config_store.hpp"

using namespace ocppfleet::charger;

namespace {

ConfigKeyDef integer_key(std::string name, std::string def, std::int64_t min, std::int64_t max) {
  ConfigKeyDef k{.name = std::move(name), .type = ConfigValueType::Integer, .default_value = std::move(def)};
  k.min = min;
  k.max = max;
  return k;
}

const ConfigSchema& schema() {
  static const ConfigSchema s{{
      integer_key("HeartbeatInterval", "86400", 1, 86'400),
      integer_key("MeterValueSampleInterval", "60", 0, 3'600),
      {.name = "NumberOfConnectors", .type = ConfigValueType::Integer, .default_value = "2", .readonly = true},
      {.name = "WebSocketPingInterval",
       .type = ConfigValueType::Integer,
       .default_value = "30",
       .reboot_required = true},
      {.name = "AuthorizeRemoteTxRequests", .type = ConfigValueType::Boolean, .default_value = "false"},
      {.name = "MeterValuesSampledData",
       .type = ConfigValueType::CsvList,
       .default_value = "Energy.Active.Import.Register",
       .allowed_members = {"Energy.Active.Import.Register", "Power.Active.Import", "SoC", "Voltage"}},
      {.name = "SupportedFeatureProfiles", .type = ConfigValueType::CsvList, .default_value = "Core"},
      {.name = "ChargeBoxLabel", .type = ConfigValueType::String, .default_value = "", .max_length = 10},
  }};
  return s;
}

} // namespace

TEST(ConfigSchema, find_is_case_sensitive) {
  EXPECT_NE(schema().find("HeartbeatInterval"), nullptr);
  EXPECT_EQ(schema().find("heartbeatinterval"), nullptr);
  EXPECT_EQ(schema().find("NoSuchKey"), nullptr);
}

TEST(ConfigStore, get_returns_the_default_until_set) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.get("HeartbeatInterval"), "86400");
  EXPECT_EQ(store.get_int("HeartbeatInterval"), 86'400);
  EXPECT_EQ(store.get_bool("AuthorizeRemoteTxRequests"), false);
}

TEST(ConfigStore, get_of_an_unknown_key_is_nullopt) {
  ConfigStore store{schema()};
  EXPECT_FALSE(store.get("NoSuchKey").has_value());
  EXPECT_FALSE(store.get_int("NoSuchKey").has_value());
  EXPECT_FALSE(store.get_bool("NoSuchKey").has_value());
}

TEST(ConfigStore, set_of_an_unknown_key_is_not_supported) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("NoSuchKey", "1"), ConfigSetResult::NotSupported);
}

TEST(ConfigStore, set_of_a_valid_value_is_accepted_and_read_back) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("HeartbeatInterval", "300"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("HeartbeatInterval"), "300");
  EXPECT_EQ(store.get_int("HeartbeatInterval"), 300);
}

TEST(ConfigStore, set_of_a_readonly_key_is_rejected_and_keeps_the_value) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("NumberOfConnectors", "4"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.get("NumberOfConnectors"), "2");
}

TEST(ConfigStore, set_of_a_reboot_required_key_returns_reboot_required_and_stores) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("WebSocketPingInterval", "10"), ConfigSetResult::RebootRequired);
  EXPECT_EQ(store.get("WebSocketPingInterval"), "10");
}

TEST(ConfigStore, invalid_value_on_a_reboot_required_key_is_rejected) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("WebSocketPingInterval", "often"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.get("WebSocketPingInterval"), "30");
}

TEST(ConfigStore, integer_range_bounds_are_inclusive) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("HeartbeatInterval", "1"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.set("HeartbeatInterval", "86400"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.set("HeartbeatInterval", "0"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.set("HeartbeatInterval", "86401"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.set("HeartbeatInterval", "-5"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.get("HeartbeatInterval"), "86400");
}

TEST(ConfigStore, integer_that_is_not_plain_decimal_is_rejected) {
  ConfigStore store{schema()};
  for (const char* bad : {"", " 60", "60 ", "6O", "1.5", "0x10", "+60", "1e3", "99999999999999999999"}) {
    EXPECT_EQ(store.set("MeterValueSampleInterval", bad), ConfigSetResult::Rejected) << '"' << bad << '"';
  }
  EXPECT_EQ(store.get("MeterValueSampleInterval"), "60");
}

TEST(ConfigStore, integer_is_stored_canonical) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("MeterValueSampleInterval", "0015"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("MeterValueSampleInterval"), "15");
}

TEST(ConfigStore, boolean_accepts_any_case_and_stores_lowercase) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("AuthorizeRemoteTxRequests", "TRUE"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("AuthorizeRemoteTxRequests"), "true");
  EXPECT_EQ(store.get_bool("AuthorizeRemoteTxRequests"), true);
  EXPECT_EQ(store.set("AuthorizeRemoteTxRequests", "False"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("AuthorizeRemoteTxRequests"), "false");
  EXPECT_EQ(store.get_bool("AuthorizeRemoteTxRequests"), false);
}

TEST(ConfigStore, boolean_rejects_other_words) {
  ConfigStore store{schema()};
  for (const char* bad : {"", "yes", "1", "0", "truee", " true"}) {
    EXPECT_EQ(store.set("AuthorizeRemoteTxRequests", bad), ConfigSetResult::Rejected) << '"' << bad << '"';
  }
}

TEST(ConfigStore, csv_members_are_trimmed_and_checked) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("MeterValuesSampledData", " Energy.Active.Import.Register , SoC,Voltage "),
            ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("MeterValuesSampledData"), "Energy.Active.Import.Register,SoC,Voltage");
}

TEST(ConfigStore, csv_with_a_member_outside_the_allowed_set_is_rejected) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("MeterValuesSampledData", "SoC,Temperature"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.set("MeterValuesSampledData", "soc"), ConfigSetResult::Rejected); // members are case-sensitive
  EXPECT_EQ(store.get("MeterValuesSampledData"), "Energy.Active.Import.Register");
}

TEST(ConfigStore, csv_with_an_empty_member_is_rejected) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("MeterValuesSampledData", "SoC,,Voltage"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.set("MeterValuesSampledData", "SoC,"), ConfigSetResult::Rejected);
}

TEST(ConfigStore, csv_empty_list_is_accepted) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("MeterValuesSampledData", ""), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("MeterValuesSampledData"), "");
}

TEST(ConfigStore, csv_without_allowed_members_accepts_any_member) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("SupportedFeatureProfiles", "Core, SmartCharging,Anything"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("SupportedFeatureProfiles"), "Core,SmartCharging,Anything");
}

TEST(ConfigStore, string_is_limited_to_max_length) {
  ConfigStore store{schema()};
  EXPECT_EQ(store.set("ChargeBoxLabel", "0123456789"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("ChargeBoxLabel"), "0123456789");
  EXPECT_EQ(store.set("ChargeBoxLabel", "0123456789A"), ConfigSetResult::Rejected);
  EXPECT_EQ(store.get("ChargeBoxLabel"), "0123456789");
}

TEST(ConfigStore, set_internal_ignores_readonly_but_validates) {
  ConfigStore store{schema()};
  EXPECT_TRUE(store.set_internal("NumberOfConnectors", "4"));
  EXPECT_EQ(store.get_int("NumberOfConnectors"), 4);
  EXPECT_FALSE(store.set_internal("NumberOfConnectors", "four"));
  EXPECT_FALSE(store.set_internal("NoSuchKey", "1"));
  EXPECT_EQ(store.get_int("NumberOfConnectors"), 4);
}

TEST(ConfigStore, setting_back_to_the_default_reads_the_default) {
  ConfigStore store{schema()};
  ASSERT_EQ(store.set("HeartbeatInterval", "300"), ConfigSetResult::Accepted);
  ASSERT_EQ(store.set("HeartbeatInterval", "86400"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("HeartbeatInterval"), "86400");
  ASSERT_EQ(store.set("HeartbeatInterval", "120"), ConfigSetResult::Accepted);
  EXPECT_EQ(store.get("HeartbeatInterval"), "120");
}

TEST(ConfigStore, stores_sharing_a_schema_are_independent) {
  ConfigStore a{schema()}, b{schema()};
  a.set("HeartbeatInterval", "300");
  b.set("AuthorizeRemoteTxRequests", "true");
  EXPECT_EQ(a.get("HeartbeatInterval"), "300");
  EXPECT_EQ(b.get("HeartbeatInterval"), "86400");
  EXPECT_EQ(a.get("AuthorizeRemoteTxRequests"), "false");
  EXPECT_EQ(b.get("AuthorizeRemoteTxRequests"), "true");
}

TEST(ConfigStore, get_int_of_a_non_integer_value_is_nullopt) {
  ConfigStore store{schema()};
  EXPECT_FALSE(store.get_int("MeterValuesSampledData").has_value());
  EXPECT_FALSE(store.get_bool("HeartbeatInterval").has_value());
}
