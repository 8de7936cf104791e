// The 2.0.1 device model: shared schema, per-charger overrides, value validation and
// canonical forms, the standard variables.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <thread>

#include "simulator/ocpp/v201/device_model.hpp"

namespace ocppfleet::v201 {
namespace {

// The per-charger object is the headline memory figure: a schema pointer and an empty vector.
static_assert(sizeof(DeviceModel) <= 64);

const VariableDef& def_of(const DeviceModelSchema& schema, std::string_view component, std::string_view variable,
                          std::optional<std::string_view> instance = std::nullopt,
                          std::optional<int> evse = std::nullopt, std::optional<int> connector = std::nullopt) {
  const VariableDef* d = schema.find(component, evse, connector, variable, instance);
  if (d == nullptr) throw std::logic_error("missing " + std::string{component} + "." + std::string{variable});
  return *d;
}

TEST(DeviceModelSchemaCache, same_instance_per_evse_count_and_bounds_checked) {
  const DeviceModelSchema& a = standard_device_model(2);
  EXPECT_EQ(&a, &standard_device_model(2));
  EXPECT_NE(&a, &standard_device_model(1));
  EXPECT_THROW((void)standard_device_model(-1), std::invalid_argument);
  EXPECT_THROW((void)standard_device_model(kMaxEvses + 1), std::invalid_argument);
  EXPECT_NO_THROW((void)standard_device_model(kMaxEvses));
  EXPECT_NO_THROW((void)standard_device_model(0));
}

TEST(DeviceModelSchemaCache, concurrent_first_use_yields_one_instance) {
  std::vector<const DeviceModelSchema*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = &standard_device_model(7); });
  }
  for (auto& t : threads)
    t.join();
  for (const auto* s : seen)
    EXPECT_EQ(s, seen.front());
}

TEST(DeviceModel, fresh_model_holds_no_overrides) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(m.override_count(), 0u);
  EXPECT_EQ(&m.schema(), &standard_device_model(1));
}

TEST(DeviceModel, standard_defaults_and_shapes) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "HeartbeatInterval"), 300);
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "MessageTimeout", "Default"), 30);
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "MessageAttempts", "TransactionEvent"), 3);
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent"), 10);
  EXPECT_EQ(m.get_int("SampledDataCtrlr", "TxUpdatedInterval"), 60);
  EXPECT_EQ(m.get("SampledDataCtrlr", "TxUpdatedMeasurands"),
            "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage");
  EXPECT_EQ(m.get_bool("AuthCtrlr", "AuthorizeRemoteStart"), true);
  EXPECT_EQ(m.get_bool("TxCtrlr", "StopTxOnEVSideDisconnect"), true);
  EXPECT_EQ(m.get("TxCtrlr", "TxStartPoint"), "Authorized,EVConnected");
  EXPECT_EQ(m.get("TxCtrlr", "TxStopPoint"), "EVConnected,Authorized");
  EXPECT_EQ(m.get_int("SecurityCtrlr", "SecurityProfile"), 1);
  EXPECT_EQ(m.get_int("DeviceDataCtrlr", "ItemsPerMessage", "GetReport"), 20);
  EXPECT_EQ(m.get_int("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables"), 50);
  EXPECT_EQ(m.get_int("DeviceDataCtrlr", "ItemsPerMessage", "SetVariables"), 50);
  EXPECT_EQ(m.get("ChargingStation", "AvailabilityState"), "Available");
  EXPECT_EQ(m.get("EVSE", "AvailabilityState", std::nullopt, 1), "Available");
  EXPECT_EQ(m.get_decimal("EVSE", "Power", std::nullopt, 1), 0.0);
  EXPECT_EQ(m.get_int("EVSE", "SupplyPhases", std::nullopt, 1), 3);
  EXPECT_EQ(m.get("Connector", "ConnectorType", std::nullopt, 1, 1), "cType2");

  const auto& schema = m.schema();
  EXPECT_EQ(def_of(schema, "OCPPCommCtrlr", "MessageTimeout", "Default").mutability, Mutability::ReadOnly);
  EXPECT_EQ(def_of(schema, "SecurityCtrlr", "BasicAuthPassword").mutability, Mutability::WriteOnly);
  EXPECT_EQ(def_of(schema, "SecurityCtrlr", "BasicAuthPassword").max_length, 40u);
  EXPECT_EQ(def_of(schema, "SampledDataCtrlr", "TxUpdatedMeasurands").type, DataType::MemberList);
  EXPECT_EQ(def_of(schema, "OCPPCommCtrlr", "HeartbeatInterval").unit, "s");
  // Names the brief requires, all present.
  for (const auto& [c, v] :
       std::vector<std::pair<std::string, std::string>>{{"OCPPCommCtrlr", "NetworkProfileConnectionAttempts"},
                                                        {"OCPPCommCtrlr", "OfflineThreshold"},
                                                        {"OCPPCommCtrlr", "RetryBackOffRepeatTimes"},
                                                        {"OCPPCommCtrlr", "RetryBackOffRandomRange"},
                                                        {"OCPPCommCtrlr", "RetryBackOffWaitMinimum"},
                                                        {"OCPPCommCtrlr", "WebSocketPingInterval"},
                                                        {"OCPPCommCtrlr", "ResetRetries"},
                                                        {"SampledDataCtrlr", "Enabled"},
                                                        {"SampledDataCtrlr", "TxStartedMeasurands"},
                                                        {"SampledDataCtrlr", "TxEndedMeasurands"},
                                                        {"SampledDataCtrlr", "TxEndedInterval"},
                                                        {"AlignedDataCtrlr", "Interval"},
                                                        {"AlignedDataCtrlr", "Measurands"},
                                                        {"AuthCtrlr", "Enabled"},
                                                        {"AuthCtrlr", "LocalAuthorizeOffline"},
                                                        {"AuthCtrlr", "LocalPreAuthorize"},
                                                        {"AuthCacheCtrlr", "Enabled"},
                                                        {"TxCtrlr", "EVConnectionTimeOut"},
                                                        {"TxCtrlr", "StopTxOnInvalidId"},
                                                        {"SecurityCtrlr", "Identity"},
                                                        {"ChargingStation", "Available"}}) {
    EXPECT_TRUE(m.get(c, v).has_value()) << c << "." << v;
  }
  for (const char* inst : {"GetReport", "GetVariables", "SetVariables"}) {
    EXPECT_TRUE(m.get("DeviceDataCtrlr", "BytesPerMessage", inst).has_value()) << inst;
  }
}

// A valid value different from the default, for any standard definition.
std::string other_value(const VariableDef& d) {
  switch (d.type) {
  case DataType::Boolean: return d.default_value == "true" ? "false" : "true";
  case DataType::Integer:
    return d.max && std::stod(d.default_value) >= *d.max ? std::to_string(static_cast<long long>(*d.max) - 1)
                                                         : std::to_string(std::stoll(d.default_value) + 1);
  case DataType::Decimal: return "1.5";
  case DataType::DateTime: return "2030-01-02T03:04:05Z";
  case DataType::OptionList:
  case DataType::SequenceList:
  case DataType::MemberList:
    for (const auto& v : d.values_list) {
      if (v != d.default_value) return v;
    }
    return "x";
  case DataType::String: return "some-value";
  }
  return "";
}

TEST(DeviceModel, every_standard_variable_follows_its_mutability) {
  const auto& schema = standard_device_model(2);
  for (const VariableDef& d : schema.variables()) {
    SCOPED_TRACE(d.component + "." + d.variable + (d.instance ? "[" + *d.instance + "]" : "") +
                 (d.evse_id ? " evse " + std::to_string(*d.evse_id) : ""));
    DeviceModel m(schema);
    const std::string alt = other_value(d);
    ASSERT_NE(alt, d.default_value);
    ASSERT_TRUE(canonical_value(d, alt).has_value()) << alt;
    if (d.mutability == Mutability::ReadOnly) {
      EXPECT_EQ(m.set(d, alt), SetStatus::ReadOnly);
      EXPECT_EQ(m.value(d), d.default_value);
      EXPECT_EQ(m.override_count(), 0u);
      EXPECT_TRUE(m.set_internal(d, alt)); // the station itself may change read-only values
    } else {
      EXPECT_EQ(m.set(d, alt), d.reboot_required ? SetStatus::RebootRequired : SetStatus::Accepted);
    }
    EXPECT_EQ(m.value(d), *canonical_value(d, alt));
    EXPECT_EQ(m.override_count(), 1u);
    // The lookup by names sees the same value, also when written in another case.
    std::string upper = d.variable;
    for (auto& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(m.get(d.component, upper, d.instance, d.evse_id, d.connector_id), m.value(d));
    // Back to the default frees the override.
    EXPECT_TRUE(m.set_internal(d, d.default_value));
    EXPECT_EQ(m.override_count(), 0u);
  }
}

TEST(DeviceModel, overrides_are_per_charger) {
  const auto& schema = standard_device_model(1);
  DeviceModel a(schema), b(schema);
  EXPECT_TRUE(a.set_internal("OCPPCommCtrlr", "HeartbeatInterval", "120"));
  EXPECT_EQ(a.get_int("OCPPCommCtrlr", "HeartbeatInterval"), 120);
  EXPECT_EQ(b.get_int("OCPPCommCtrlr", "HeartbeatInterval"), 300);
  EXPECT_EQ(b.override_count(), 0u);
  EXPECT_TRUE(a.set_internal("OCPPCommCtrlr", "HeartbeatInterval", "150"));
  EXPECT_EQ(a.override_count(), 1u); // replaced, not appended
}

TEST(DeviceModel, evse_scoped_variables_are_distinct_per_evse) {
  DeviceModel m(standard_device_model(2));
  EXPECT_TRUE(m.set_internal("EVSE", "AvailabilityState", "Occupied", std::nullopt, 1));
  EXPECT_EQ(m.get("EVSE", "AvailabilityState", std::nullopt, 1), "Occupied");
  EXPECT_EQ(m.get("EVSE", "AvailabilityState", std::nullopt, 2), "Available");
  EXPECT_TRUE(m.set_internal("Connector", "AvailabilityState", "Faulted", std::nullopt, 2, 1));
  EXPECT_EQ(m.get("Connector", "AvailabilityState", std::nullopt, 2, 1), "Faulted");
  EXPECT_EQ(m.get("Connector", "AvailabilityState", std::nullopt, 1, 1), "Available");
  EXPECT_EQ(m.get("EVSE", "AvailabilityState", std::nullopt, 3), std::nullopt);          // no EVSE 3
  EXPECT_EQ(m.get("EVSE", "AvailabilityState"), std::nullopt);                           // EVSE needs an id
  EXPECT_EQ(m.get("Connector", "ConnectorType", std::nullopt, 1), std::nullopt);         // needs the connector
  EXPECT_EQ(m.get("OCPPCommCtrlr", "HeartbeatInterval", std::nullopt, 1), std::nullopt); // station-level only
  EXPECT_FALSE(m.set_internal("EVSE", "AvailabilityState", "Available", std::nullopt, 3));

  const auto& schema = m.schema();
  EXPECT_TRUE(schema.has_component("EVSE", 2, std::nullopt));
  EXPECT_FALSE(schema.has_component("EVSE", 3, std::nullopt));
  EXPECT_TRUE(schema.has_component("connector", 1, 1));
  EXPECT_FALSE(schema.has_component("Connector", 1, 2));
  EXPECT_TRUE(schema.has_component("ocppcommctrlr", std::nullopt, std::nullopt));
  EXPECT_FALSE(schema.has_component("NoSuchCtrlr", std::nullopt, std::nullopt));
}

TEST(DeviceModel, instances_must_match) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(m.get("OCPPCommCtrlr", "MessageTimeout"), std::nullopt);
  EXPECT_EQ(m.get("OCPPCommCtrlr", "MessageTimeout", "default"), "30"); // case-insensitive
  EXPECT_EQ(m.get("OCPPCommCtrlr", "HeartbeatInterval", "Default"), std::nullopt);
  EXPECT_EQ(m.get("DeviceDataCtrlr", "ItemsPerMessage", "NoSuchMessage"), std::nullopt);
}

TEST(DeviceModel, typed_getters_reject_other_types) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(m.get_int("AuthCtrlr", "Enabled"), std::nullopt);
  EXPECT_EQ(m.get_bool("OCPPCommCtrlr", "HeartbeatInterval"), std::nullopt);
  EXPECT_EQ(m.get_decimal("OCPPCommCtrlr", "HeartbeatInterval"), 300.0);
  EXPECT_EQ(m.get_int("NoSuch", "Thing"), std::nullopt);
  EXPECT_FALSE(m.set_internal("NoSuch", "Thing", "1"));
}

TEST(DeviceModel, csms_writes_are_validated) {
  DeviceModel m(standard_device_model(1));
  const auto& s = m.schema();
  const auto& hb = def_of(s, "OCPPCommCtrlr", "HeartbeatInterval");
  EXPECT_EQ(m.set(hb, "-1"), SetStatus::OutOfRange);
  EXPECT_EQ(m.set(hb, "86401"), SetStatus::OutOfRange);
  EXPECT_EQ(m.set(hb, "abc"), SetStatus::InvalidValue);
  EXPECT_EQ(m.set(hb, "12.5"), SetStatus::InvalidValue);
  EXPECT_EQ(m.set(hb, ""), SetStatus::InvalidValue);
  EXPECT_EQ(m.set(hb, "99999999999999999999"), SetStatus::InvalidValue);
  EXPECT_EQ(m.override_count(), 0u);
  EXPECT_EQ(m.set(def_of(s, "OCPPCommCtrlr", "WebSocketPingInterval"), "60"), SetStatus::RebootRequired);
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "WebSocketPingInterval"), 60);
  EXPECT_EQ(m.set(def_of(s, "SecurityCtrlr", "SecurityProfile"), "2"), SetStatus::ReadOnly);
  EXPECT_TRUE(m.set_internal("SecurityCtrlr", "SecurityProfile", "2"));
  EXPECT_FALSE(m.set_internal("SecurityCtrlr", "SecurityProfile", "4")); // internal writes still validate
  EXPECT_EQ(m.get_int("SecurityCtrlr", "SecurityProfile"), 2);
  const auto& pw = def_of(s, "SecurityCtrlr", "BasicAuthPassword");
  EXPECT_EQ(m.set(pw, std::string(41, 'p')), SetStatus::InvalidValue);
  EXPECT_EQ(m.set(pw, std::string(40, 'p')), SetStatus::Accepted);
  EXPECT_EQ(m.get("SecurityCtrlr", "BasicAuthPassword"), std::string(40, 'p')); // readable by the station
  EXPECT_EQ(m.set(def_of(s, "ClockCtrlr", "TimeSource"), "NTP,Heartbeat"), SetStatus::Accepted);
  EXPECT_EQ(m.set(def_of(s, "ClockCtrlr", "TimeSource"), "Sundial"), SetStatus::InvalidValue);
}

TEST(CanonicalValue, forms_per_data_type) {
  const auto& s = standard_device_model(1);
  const auto& hb = def_of(s, "OCPPCommCtrlr", "HeartbeatInterval");
  EXPECT_EQ(canonical_value(hb, "007"), "7");
  EXPECT_EQ(canonical_value(hb, "-0"), "0");
  EXPECT_EQ(canonical_value(hb, "+5"), std::nullopt);
  EXPECT_EQ(canonical_value(hb, " 5"), std::nullopt);
  EXPECT_EQ(canonical_value(hb, "1e3"), std::nullopt);

  const auto& en = def_of(s, "AuthCtrlr", "Enabled");
  EXPECT_EQ(canonical_value(en, "TRUE"), "true");
  EXPECT_EQ(canonical_value(en, "False"), "false");
  EXPECT_EQ(canonical_value(en, "1"), std::nullopt);
  EXPECT_EQ(canonical_value(en, "yes"), std::nullopt);

  const auto& power = def_of(s, "EVSE", "Power", std::nullopt, 1);
  EXPECT_EQ(canonical_value(power, "1.50"), "1.5");
  EXPECT_EQ(canonical_value(power, "2e3"), "2000");
  EXPECT_EQ(canonical_value(power, "-0.0"), "0");
  EXPECT_EQ(canonical_value(power, "22000"), "22000");
  EXPECT_EQ(canonical_value(power, "nan"), std::nullopt);
  EXPECT_EQ(canonical_value(power, "inf"), std::nullopt);
  EXPECT_EQ(canonical_value(power, "1.5kW"), std::nullopt);

  const auto& meas = def_of(s, "SampledDataCtrlr", "TxUpdatedMeasurands");
  EXPECT_EQ(canonical_value(meas, " voltage , Current.Import "), "Voltage,Current.Import");
  EXPECT_EQ(canonical_value(meas, ""), "");
  EXPECT_EQ(canonical_value(meas, "Voltage,,SoC"), std::nullopt);
  EXPECT_EQ(canonical_value(meas, "Voltage,voltage"), std::nullopt); // a set has no duplicates
  EXPECT_EQ(canonical_value(meas, "Energy.Active.Import.Register,Temperature"), std::nullopt);

  const auto& avail = def_of(s, "EVSE", "AvailabilityState", std::nullopt, 1);
  EXPECT_EQ(canonical_value(avail, "unavailable"), "Unavailable");
  EXPECT_EQ(canonical_value(avail, "Available,Faulted"), std::nullopt);
  EXPECT_EQ(canonical_value(avail, "Charging"), std::nullopt);

  ValueError why = ValueError::Invalid;
  EXPECT_EQ(canonical_value(hb, "100000", &why), std::nullopt);
  EXPECT_EQ(why, ValueError::OutOfRange);
  EXPECT_EQ(canonical_value(hb, "x", &why), std::nullopt);
  EXPECT_EQ(why, ValueError::Invalid);

  VariableDef text{.component = "C", .variable = "V", .type = DataType::String, .max_length = 3};
  EXPECT_EQ(canonical_value(text, "\xC3\xA9\xC3\xA9\xC3\xA9"), "\xC3\xA9\xC3\xA9\xC3\xA9"); // 3 characters, 6 bytes
  EXPECT_EQ(canonical_value(text, "abcd"), std::nullopt);
  VariableDef when{.component = "C", .variable = "V", .type = DataType::DateTime, .default_value = ""};
  EXPECT_EQ(canonical_value(when, "2030-01-02T03:04:05.123+01:00"), "2030-01-02T03:04:05.123+01:00");
  EXPECT_EQ(canonical_value(when, "2030-01-02 03:04:05"), std::nullopt);
  EXPECT_EQ(canonical_value(when, "yesterday"), std::nullopt);
}

VariableDef simple(std::string component, std::string variable, std::string value) {
  VariableDef d;
  d.component = std::move(component);
  d.variable = std::move(variable);
  d.default_value = std::move(value);
  return d;
}

TEST(DeviceModelSchema, rejects_inconsistent_definitions) {
  EXPECT_NO_THROW(DeviceModelSchema({simple("A", "x", ""), simple("A", "y", "")}));
  EXPECT_THROW(DeviceModelSchema({simple("A", "x", ""), simple("a", "X", "")}), std::invalid_argument);
  auto with_instance = simple("A", "x", "");
  with_instance.instance = "I";
  EXPECT_NO_THROW(DeviceModelSchema({simple("A", "x", ""), with_instance}));
  auto bad_default = simple("A", "n", "abc");
  bad_default.type = DataType::Integer;
  EXPECT_THROW(DeviceModelSchema({bad_default}), std::invalid_argument);
  auto not_canonical = simple("A", "b", "TRUE");
  not_canonical.type = DataType::Boolean;
  EXPECT_THROW(DeviceModelSchema({not_canonical}), std::invalid_argument);
  auto long_list = simple("A", "l", "");
  long_list.type = DataType::MemberList;
  long_list.values_list.assign(100, std::string(10, 'm'));
  EXPECT_THROW(DeviceModelSchema({long_list}), std::invalid_argument);
  auto orphan = simple("Connector", "c", "");
  orphan.connector_id = 1;
  EXPECT_THROW(DeviceModelSchema({orphan}), std::invalid_argument);
  auto long_unit = simple("A", "u", "");
  long_unit.unit = std::string(17, 'u');
  EXPECT_THROW(DeviceModelSchema({long_unit}), std::invalid_argument);
  EXPECT_THROW(DeviceModelSchema({simple(std::string(51, 'c'), "x", "")}), std::invalid_argument);
}

TEST(DeviceModelSchema, standard_schema_scales_with_evses) {
  const auto& one = standard_device_model(1);
  const auto& three = standard_device_model(3);
  EXPECT_EQ(three.variables().size() - one.variables().size(),
            2 * (one.variables().size() - standard_device_model(0).variables().size()));
  std::set<int> evses;
  for (const auto& d : three.variables()) {
    if (d.evse_id) evses.insert(*d.evse_id);
  }
  EXPECT_EQ(evses, (std::set<int>{1, 2, 3}));
}

} // namespace
} // namespace ocppfleet::v201
