// GetVariables / SetVariables / GetBaseReport as JSON in, JSON out; every payload we build is
// checked against the official 2.0.1 schemas installed with the test peer.
#include <gtest/gtest.h>

#include <algorithm>

#include "simulator/ocpp/rpc/payload.hpp"
#include "simulator/ocpp/v201/variable_requests.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::v201 {
namespace {

using rpc::ErrorCode;
using testing::OcppSchemaValidator;

void expect_valid_response(std::string_view action, const Json& payload) {
  const auto err = OcppSchemaValidator::v201().validate_response(action, payload);
  EXPECT_FALSE(err) << action << ": " << payload.dump() << "\n" << err.value_or("");
}

void expect_valid_request(std::string_view action, const Json& payload) {
  const auto err = OcppSchemaValidator::v201().validate_request(action, payload);
  EXPECT_FALSE(err) << action << ": " << payload.dump() << "\n" << err.value_or("");
}

Json item(std::string component, std::string variable) {
  return Json{{"component", {{"name", std::move(component)}}}, {"variable", {{"name", std::move(variable)}}}};
}

Json get_request(std::vector<Json> items) { return Json{{"getVariableData", std::move(items)}}; }

Json set_item(std::string component, std::string variable, std::string value) {
  Json i = item(std::move(component), std::move(variable));
  i["attributeValue"] = std::move(value);
  return i;
}

Json set_request(std::vector<Json> items) { return Json{{"setVariableData", std::move(items)}}; }

Json get_one(const DeviceModel& m, const Json& i) {
  const Json request = get_request({i});
  expect_valid_request("GetVariables", request);
  const Json r = get_variables_response(m, request);
  expect_valid_response("GetVariables", r);
  EXPECT_EQ(r["getVariableResult"].size(), 1u);
  return r["getVariableResult"][0];
}

Json set_one(DeviceModel& m, const Json& i, std::vector<const VariableDef*>* changed = nullptr) {
  const Json request = set_request({i});
  expect_valid_request("SetVariables", request);
  const Json r = set_variables_response(m, request, changed);
  expect_valid_response("SetVariables", r);
  EXPECT_EQ(r["setVariableResult"].size(), 1u);
  return r["setVariableResult"][0];
}

ErrorCode get_error(const Json& request) {
  DeviceModel m(standard_device_model(1));
  try {
    (void)get_variables_response(m, request);
  } catch (const rpc::PayloadError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no PayloadError for " << request.dump();
  return ErrorCode::GenericError;
}

ErrorCode set_error(DeviceModel& m, const Json& request) {
  try {
    (void)set_variables_response(m, request);
  } catch (const rpc::PayloadError& e) {
    return e.code();
  }
  ADD_FAILURE() << "no PayloadError for " << request.dump();
  return ErrorCode::GenericError;
}

TEST(GetVariables, accepted_value_and_exact_echo) {
  DeviceModel m(standard_device_model(2));
  Json r = get_one(m, item("OCPPCommCtrlr", "HeartbeatInterval"));
  EXPECT_EQ(r["attributeStatus"], "Accepted");
  EXPECT_EQ(r["attributeValue"], "300");
  EXPECT_EQ(r["component"], Json({{"name", "OCPPCommCtrlr"}}));
  EXPECT_EQ(r["variable"], Json({{"name", "HeartbeatInterval"}}));
  EXPECT_FALSE(r.contains("attributeType")); // not sent, not echoed

  Json i = item("ocppCommCtrlr", "MessageTimeout");
  i["variable"]["instance"] = "Default";
  i["attributeType"] = "Actual";
  i["customData"] = {{"vendorId", "x"}};
  r = get_one(m, i);
  EXPECT_EQ(r["attributeStatus"], "Accepted");
  EXPECT_EQ(r["attributeValue"], "30");
  EXPECT_EQ(r["attributeType"], "Actual");
  EXPECT_EQ(r["component"], Json({{"name", "ocppCommCtrlr"}})); // the requester's spelling
  EXPECT_EQ(r["variable"], Json({{"name", "MessageTimeout"}, {"instance", "Default"}}));
  EXPECT_FALSE(r.contains("customData"));
}

TEST(GetVariables, evse_and_connector_scoped) {
  DeviceModel m(standard_device_model(2));
  ASSERT_TRUE(m.set_internal("EVSE", "AvailabilityState", "Occupied", std::nullopt, 2));
  Json i = item("EVSE", "AvailabilityState");
  i["component"]["evse"] = {{"id", 2}};
  Json r = get_one(m, i);
  EXPECT_EQ(r["attributeStatus"], "Accepted");
  EXPECT_EQ(r["attributeValue"], "Occupied");
  EXPECT_EQ(r["component"], Json({{"name", "EVSE"}, {"evse", {{"id", 2}}}}));
  i["component"]["evse"]["id"] = 1;
  EXPECT_EQ(get_one(m, i)["attributeValue"], "Available");
  i["component"]["evse"]["id"] = 3;
  EXPECT_EQ(get_one(m, i)["attributeStatus"], "UnknownComponent");
  EXPECT_FALSE(get_one(m, i).contains("attributeValue"));

  Json c = item("Connector", "ConnectorType");
  c["component"]["evse"] = {{"id", 1}, {"connectorId", 1}};
  r = get_one(m, c);
  EXPECT_EQ(r["attributeStatus"], "Accepted");
  EXPECT_EQ(r["attributeValue"], "cType2");
  EXPECT_EQ(r["component"]["evse"], Json({{"id", 1}, {"connectorId", 1}}));
  c["component"]["evse"] = {{"id", 1}};
  EXPECT_EQ(get_one(m, c)["attributeStatus"], "UnknownComponent");
}

TEST(GetVariables, unknown_component_vs_unknown_variable) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(get_one(m, item("NoSuchCtrlr", "HeartbeatInterval"))["attributeStatus"], "UnknownComponent");
  EXPECT_EQ(get_one(m, item("OCPPCommCtrlr", "NoSuchVariable"))["attributeStatus"], "UnknownVariable");
  Json missing_instance = item("OCPPCommCtrlr", "MessageTimeout");
  EXPECT_EQ(get_one(m, missing_instance)["attributeStatus"], "UnknownVariable");
  Json component_instance = item("OCPPCommCtrlr", "HeartbeatInterval");
  component_instance["component"]["instance"] = "Primary";
  const Json r = get_one(m, component_instance);
  EXPECT_EQ(r["attributeStatus"], "UnknownComponent");
  EXPECT_EQ(r["component"]["instance"], "Primary");
}

TEST(GetVariables, write_only_and_other_attribute_types) {
  DeviceModel m(standard_device_model(1));
  ASSERT_TRUE(m.set_internal("SecurityCtrlr", "BasicAuthPassword", "s3cret-password-123"));
  Json r = get_one(m, item("SecurityCtrlr", "BasicAuthPassword"));
  EXPECT_EQ(r["attributeStatus"], "Rejected");
  EXPECT_FALSE(r.contains("attributeValue"));
  EXPECT_EQ(r.dump().find("s3cret"), std::string::npos);

  for (const char* type : {"Target", "MinSet", "MaxSet"}) {
    Json i = item("OCPPCommCtrlr", "HeartbeatInterval");
    i["attributeType"] = type;
    r = get_one(m, i);
    EXPECT_EQ(r["attributeStatus"], "NotSupportedAttributeType") << type;
    EXPECT_EQ(r["attributeType"], type);
    EXPECT_FALSE(r.contains("attributeValue"));
  }
  Json unknown = item("OCPPCommCtrlr", "Nope");
  unknown["attributeType"] = "Target";
  EXPECT_EQ(get_one(m, unknown)["attributeStatus"], "UnknownVariable"); // existence is checked first
}

TEST(GetVariables, items_past_the_advertised_limit_are_rejected) {
  DeviceModel m(standard_device_model(1));
  std::vector<Json> items(51, item("OCPPCommCtrlr", "HeartbeatInterval"));
  const Json r = get_variables_response(m, get_request(items));
  expect_valid_response("GetVariables", r);
  ASSERT_EQ(r["getVariableResult"].size(), 51u);
  for (std::size_t i = 0; i < 50; ++i)
    EXPECT_EQ(r["getVariableResult"][i]["attributeStatus"], "Accepted");
  EXPECT_EQ(r["getVariableResult"][50]["attributeStatus"], "Rejected");
  EXPECT_EQ(r["getVariableResult"][50]["attributeStatusInfo"]["reasonCode"], "TooManyElements");
}

TEST(MessageLimits, more_items_than_items_per_message_is_occurrence_constraint_violation) {
  DeviceModel m(standard_device_model(1));
  const Json request = get_request(std::vector<Json>(51, item("OCPPCommCtrlr", "HeartbeatInterval")));
  const auto error = message_limits_error(m, "GetVariables", request, "getVariableData", 100);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::OccurrenceConstraintViolation);
  const Json at_limit = set_request(std::vector<Json>(50, item("OCPPCommCtrlr", "HeartbeatInterval")));
  EXPECT_FALSE(message_limits_error(m, "SetVariables", at_limit, "setVariableData", 100));
}

TEST(MessageLimits, request_longer_than_bytes_per_message_is_format_violation) {
  DeviceModel m(standard_device_model(1));
  const Json request = get_request({item("OCPPCommCtrlr", "HeartbeatInterval")});
  const auto error = message_limits_error(m, "GetVariables", request, "getVariableData", 65001);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, ErrorCode::FormationViolation); // "FormatViolation" on the 2.0.1 wire
  EXPECT_FALSE(message_limits_error(m, "GetVariables", request, "getVariableData", 65000));
}

TEST(GetVariables, malformed_requests_throw_the_matching_error) {
  EXPECT_EQ(get_error(Json::array()), ErrorCode::FormationViolation);
  EXPECT_EQ(get_error(Json::object()), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(get_error(Json{{"getVariableData", Json::object()}}), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(get_error(get_request({})), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(get_error(Json{{"getVariableData", Json::array({42})}}), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(get_error(get_request({Json{{"variable", {{"name", "X"}}}}})), ErrorCode::OccurrenceConstraintViolation);
  Json i = item("OCPPCommCtrlr", "HeartbeatInterval");
  i["component"]["name"] = 5;
  EXPECT_EQ(get_error(get_request({i})), ErrorCode::TypeConstraintViolation);
  i = item(std::string(51, 'c'), "HeartbeatInterval");
  EXPECT_EQ(get_error(get_request({i})), ErrorCode::PropertyConstraintViolation);
  i = item("OCPPCommCtrlr", "HeartbeatInterval");
  i["attributeType"] = "Bogus";
  EXPECT_EQ(get_error(get_request({i})), ErrorCode::PropertyConstraintViolation);
  i = item("EVSE", "Power");
  i["component"]["evse"] = {{"id", "1"}};
  EXPECT_EQ(get_error(get_request({i})), ErrorCode::TypeConstraintViolation);
  i["component"]["evse"] = Json::object();
  EXPECT_EQ(get_error(get_request({i})), ErrorCode::OccurrenceConstraintViolation);
  // One bad item fails the whole call, even after good ones.
  EXPECT_EQ(get_error(get_request({item("OCPPCommCtrlr", "HeartbeatInterval"), Json{{"component", {{"name", "A"}}}}})),
            ErrorCode::OccurrenceConstraintViolation);
}

TEST(SetVariables, accepted_values_apply_and_report_changes) {
  DeviceModel m(standard_device_model(1));
  std::vector<const VariableDef*> changed;
  Json r = set_one(m, set_item("OCPPCommCtrlr", "HeartbeatInterval", "060"), &changed);
  EXPECT_EQ(r["attributeStatus"], "Accepted");
  EXPECT_EQ(r["component"], Json({{"name", "OCPPCommCtrlr"}}));
  EXPECT_EQ(r["variable"], Json({{"name", "HeartbeatInterval"}}));
  EXPECT_EQ(m.get("OCPPCommCtrlr", "HeartbeatInterval"), "60");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0], m.schema().find("OCPPCommCtrlr", std::nullopt, std::nullopt, "HeartbeatInterval"));
  EXPECT_EQ(get_one(m, item("OCPPCommCtrlr", "HeartbeatInterval"))["attributeValue"], "60");

  changed.clear();
  EXPECT_EQ(set_one(m, set_item("OCPPCommCtrlr", "HeartbeatInterval", "60"), &changed)["attributeStatus"], "Accepted");
  EXPECT_TRUE(changed.empty()); // same value: nothing to react to

  // Two writes of one variable in a request: the last wins, reported once.
  const Json twice = set_request({set_item("AuthCtrlr", "Enabled", "FALSE"), set_item("AuthCtrlr", "Enabled", "true"),
                                  set_item("AuthCtrlr", "LocalPreAuthorize", "True")});
  r = set_variables_response(m, twice, &changed);
  expect_valid_response("SetVariables", r);
  EXPECT_EQ(m.get_bool("AuthCtrlr", "Enabled"), true);
  EXPECT_EQ(m.get("AuthCtrlr", "LocalPreAuthorize"), "true");
  EXPECT_EQ(changed.size(), 2u);

  EXPECT_EQ(set_one(m, set_item("SampledDataCtrlr", "TxUpdatedMeasurands", "voltage,SoC"))["attributeStatus"],
            "Accepted");
  EXPECT_EQ(m.get("SampledDataCtrlr", "TxUpdatedMeasurands"), "Voltage,SoC");
  EXPECT_EQ(set_one(m, set_item("OCPPCommCtrlr", "WebSocketPingInterval", "45"))["attributeStatus"], "RebootRequired");
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "WebSocketPingInterval"), 45);
}

TEST(SetVariables, rejections_leave_the_value_alone) {
  DeviceModel m(standard_device_model(2));
  struct Case {
    Json item;
    std::string reason;
  };
  Json timeout = set_item("OCPPCommCtrlr", "MessageTimeout", "60");
  timeout["variable"]["instance"] = "Default";
  const std::vector<Case> cases{
      {timeout, "ReadOnly"},
      {set_item("TxCtrlr", "StopTxOnEVSideDisconnect", "false"), "ReadOnly"},
      {set_item("OCPPCommCtrlr", "HeartbeatInterval", "abc"), "InvalidValue"},
      {set_item("OCPPCommCtrlr", "HeartbeatInterval", "-5"), "ValueOutOfRange"},
      {set_item("OCPPCommCtrlr", "HeartbeatInterval", "100000"), "ValueOutOfRange"},
      {set_item("AuthCtrlr", "Enabled", "maybe"), "InvalidValue"},
      {set_item("SampledDataCtrlr", "TxUpdatedMeasurands", "Voltage,Temperature"), "InvalidValue"},
      {set_item("SecurityCtrlr", "BasicAuthPassword", std::string(41, 'x')), "InvalidValue"},
  };
  for (const auto& c : cases) {
    const Json r = set_one(m, c.item);
    EXPECT_EQ(r["attributeStatus"], "Rejected") << c.item.dump();
    EXPECT_EQ(r["attributeStatusInfo"]["reasonCode"], c.reason) << c.item.dump();
  }
  EXPECT_EQ(m.override_count(), 0u);

  Json evse = set_item("EVSE", "AvailabilityState", "Unavailable");
  evse["component"]["evse"] = {{"id", 1}};
  EXPECT_EQ(set_one(m, evse)["attributeStatus"], "Rejected"); // read-only to the CSMS
  EXPECT_EQ(set_one(m, set_item("NoSuchCtrlr", "X", "1"))["attributeStatus"], "UnknownComponent");
  EXPECT_EQ(set_one(m, set_item("AuthCtrlr", "X", "1"))["attributeStatus"], "UnknownVariable");
  Json target = set_item("OCPPCommCtrlr", "HeartbeatInterval", "10");
  target["attributeType"] = "Target";
  const Json r = set_one(m, target);
  EXPECT_EQ(r["attributeStatus"], "NotSupportedAttributeType");
  EXPECT_EQ(r["attributeType"], "Target");
  EXPECT_EQ(m.get("OCPPCommCtrlr", "HeartbeatInterval"), "300");
  EXPECT_EQ(m.override_count(), 0u);
}

TEST(SetVariables, write_only_password_is_writable_never_readable) {
  DeviceModel m(standard_device_model(1));
  std::vector<const VariableDef*> changed;
  EXPECT_EQ(set_one(m, set_item("SecurityCtrlr", "BasicAuthPassword", "0123456789abcdef"), &changed)["attributeStatus"],
            "Accepted");
  EXPECT_EQ(changed.size(), 1u);
  EXPECT_EQ(m.get("SecurityCtrlr", "BasicAuthPassword"), "0123456789abcdef");
  EXPECT_EQ(get_one(m, item("SecurityCtrlr", "BasicAuthPassword"))["attributeStatus"], "Rejected");
}

TEST(SetVariables, items_past_the_limit_are_rejected_unapplied) {
  DeviceModel m(standard_device_model(1));
  std::vector<Json> items(50, set_item("OCPPCommCtrlr", "HeartbeatInterval", "100"));
  items.push_back(set_item("OCPPCommCtrlr", "OfflineThreshold", "7"));
  const Json r = set_variables_response(m, set_request(items));
  expect_valid_response("SetVariables", r);
  EXPECT_EQ(r["setVariableResult"][49]["attributeStatus"], "Accepted");
  EXPECT_EQ(r["setVariableResult"][50]["attributeStatus"], "Rejected");
  EXPECT_EQ(r["setVariableResult"][50]["attributeStatusInfo"]["reasonCode"], "TooManyElements");
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "OfflineThreshold"), 60);
}

TEST(SetVariables, malformed_requests_throw_and_apply_nothing) {
  DeviceModel m(standard_device_model(1));
  EXPECT_EQ(set_error(m, Json("text")), ErrorCode::FormationViolation);
  EXPECT_EQ(set_error(m, Json::object()), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(set_error(m, set_request({})), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(set_error(m, set_request({item("OCPPCommCtrlr", "HeartbeatInterval")})),
            ErrorCode::OccurrenceConstraintViolation); // no attributeValue
  Json numeric = item("OCPPCommCtrlr", "HeartbeatInterval");
  numeric["attributeValue"] = 60;
  EXPECT_EQ(set_error(m, set_request({numeric})), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(set_error(m, set_request({set_item("SecurityCtrlr", "Identity", std::string(1001, 'x'))})),
            ErrorCode::PropertyConstraintViolation);
  // A bad second item must not leave the first applied.
  EXPECT_EQ(set_error(m, set_request({set_item("OCPPCommCtrlr", "HeartbeatInterval", "42"), numeric})),
            ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(m.get_int("OCPPCommCtrlr", "HeartbeatInterval"), 300);
  EXPECT_EQ(m.override_count(), 0u);
}

std::size_t count_if_variable(const std::vector<Json>& entries, std::string_view component, std::string_view variable) {
  return static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [&](const Json& e) {
    return e["component"]["name"] == component && e["variable"]["name"] == variable;
  }));
}

const Json* find_entry(const std::vector<Json>& entries, std::string_view component, std::string_view variable) {
  const auto it = std::find_if(entries.begin(), entries.end(), [&](const Json& e) {
    return e["component"]["name"] == component && e["variable"]["name"] == variable;
  });
  return it == entries.end() ? nullptr : &*it;
}

void expect_pages_valid(const std::vector<Json>& pages) {
  for (const auto& p : pages)
    expect_valid_request("NotifyReport", p);
}

TEST(BaseReport, report_bases_select_the_right_variables) {
  DeviceModel m(standard_device_model(2));
  ASSERT_TRUE(m.set_internal("OCPPCommCtrlr", "HeartbeatInterval", "90"));
  ASSERT_TRUE(m.set_internal("SecurityCtrlr", "BasicAuthPassword", "0123456789abcdef"));
  const auto full = base_report_entries(m, "FullInventory");
  EXPECT_EQ(full.size(), m.schema().variables().size());
  const auto config = base_report_entries(m, "ConfigurationInventory");
  const auto summary = base_report_entries(m, "SummaryInventory");
  EXPECT_LT(config.size(), full.size());
  EXPECT_EQ(summary.size(), 1u + 2u * 2u); // station + 2 EVSEs + 2 connectors
  for (const auto& e : summary)
    EXPECT_EQ(e["variable"]["name"], "AvailabilityState");
  for (const auto& e : config)
    EXPECT_NE(e["variableAttribute"][0]["mutability"], "ReadOnly") << e.dump();
  EXPECT_EQ(count_if_variable(config, "OCPPCommCtrlr", "HeartbeatInterval"), 1u);
  EXPECT_EQ(count_if_variable(config, "OCPPCommCtrlr", "MessageTimeout"), 0u);
  EXPECT_EQ(count_if_variable(full, "EVSE", "Power"), 2u);

  const Json* hb = find_entry(full, "OCPPCommCtrlr", "HeartbeatInterval");
  ASSERT_NE(hb, nullptr);
  EXPECT_EQ((*hb)["variableAttribute"][0]["value"], "90");
  EXPECT_EQ((*hb)["variableAttribute"][0]["type"], "Actual");
  EXPECT_EQ((*hb)["variableAttribute"][0]["mutability"], "ReadWrite");
  EXPECT_EQ((*hb)["variableCharacteristics"]["dataType"], "integer");
  EXPECT_EQ((*hb)["variableCharacteristics"]["unit"], "s");
  EXPECT_EQ((*hb)["variableCharacteristics"]["maxLimit"].dump(), "86400"); // an integer, not 86400.0
  EXPECT_EQ((*hb)["variableCharacteristics"]["supportsMonitoring"], false);

  const Json* pw = find_entry(full, "SecurityCtrlr", "BasicAuthPassword");
  ASSERT_NE(pw, nullptr);
  EXPECT_FALSE((*pw)["variableAttribute"][0].contains("value"));
  EXPECT_EQ((*pw)["variableAttribute"][0]["mutability"], "WriteOnly");
  EXPECT_EQ((*pw)["variableCharacteristics"]["maxLimit"], 40);

  const Json* meas = find_entry(full, "SampledDataCtrlr", "TxUpdatedMeasurands");
  ASSERT_NE(meas, nullptr);
  EXPECT_EQ((*meas)["variableCharacteristics"]["dataType"], "MemberList");
  EXPECT_NE((*meas)["variableCharacteristics"]["valuesList"].get<std::string>().find("Energy.Active.Import.Register"),
            std::string::npos);

  const Json* conn = find_entry(full, "Connector", "ConnectorType");
  ASSERT_NE(conn, nullptr);
  EXPECT_EQ((*conn)["component"]["evse"], Json({{"id", 1}, {"connectorId", 1}}));
  const Json* timeout = find_entry(full, "OCPPCommCtrlr", "MessageTimeout");
  ASSERT_NE(timeout, nullptr);
  EXPECT_EQ((*timeout)["variable"], Json({{"name", "MessageTimeout"}, {"instance", "Default"}}));

  for (const char* base : {"FullInventory", "ConfigurationInventory", "SummaryInventory"}) {
    EXPECT_TRUE(is_known_report_base(base));
    expect_pages_valid(notify_report_pages(base_report_entries(m, base), 7, "2030-01-02T03:04:05.000Z", 20));
  }
  EXPECT_FALSE(is_known_report_base("FullInventoryX"));
  EXPECT_THROW((void)base_report_entries(m, "Everything"), std::invalid_argument);
}

TEST(BaseReport, a_large_model_reports_valid_pages) {
  DeviceModel m(standard_device_model(kMaxEvses));
  const auto pages = notify_report_pages(base_report_entries(m, "FullInventory"), 1, "2030-01-02T03:04:05Z", 20);
  EXPECT_GT(pages.size(), 40u);
  expect_pages_valid(pages);
}

TEST(NotifyReportPages, pages_cover_the_entries_in_order) {
  DeviceModel m(standard_device_model(3));
  auto full = base_report_entries(m, "FullInventory");
  ASSERT_GE(full.size(), 57u);
  full.resize(57);
  const auto pages = notify_report_pages(full, 42, "2030-01-02T03:04:05.000Z", 20);
  ASSERT_EQ(pages.size(), 3u);
  std::vector<Json> all;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    expect_valid_request("NotifyReport", pages[i]);
    EXPECT_EQ(pages[i]["seqNo"], i);
    EXPECT_EQ(pages[i]["tbc"], i + 1 < pages.size());
    EXPECT_EQ(pages[i]["requestId"], 42);
    EXPECT_EQ(pages[i]["generatedAt"], "2030-01-02T03:04:05.000Z");
    for (const auto& e : pages[i]["reportData"])
      all.push_back(e);
  }
  EXPECT_EQ(pages[0]["reportData"].size(), 20u);
  EXPECT_EQ(pages[2]["reportData"].size(), 17u);
  EXPECT_EQ(all, full);
}

TEST(NotifyReportPages, edge_sizes) {
  const auto none = notify_report_pages({}, 3, "2030-01-02T03:04:05Z", 20);
  ASSERT_EQ(none.size(), 1u);
  EXPECT_FALSE(none[0].contains("reportData"));
  EXPECT_EQ(none[0]["tbc"], false);
  EXPECT_EQ(none[0]["seqNo"], 0);
  expect_valid_request("NotifyReport", none[0]);
  // The validator is live: a page without seqNo/generatedAt fails.
  EXPECT_TRUE(OcppSchemaValidator::v201().validate_request("NotifyReport", Json{{"requestId", 3}}));

  DeviceModel m(standard_device_model(1));
  auto entries = base_report_entries(m, "FullInventory");
  entries.resize(40);
  const auto exact = notify_report_pages(entries, 1, "2030-01-02T03:04:05Z", 20);
  ASSERT_EQ(exact.size(), 2u); // no empty trailing page
  EXPECT_EQ(exact[1]["tbc"], false);
  entries.resize(3);
  const auto single = notify_report_pages(entries, 1, "2030-01-02T03:04:05Z", 0); // 0 counts as 1
  ASSERT_EQ(single.size(), 3u);
  EXPECT_EQ(single[2]["seqNo"], 2);
}

} // namespace
} // namespace ocppfleet::v201
