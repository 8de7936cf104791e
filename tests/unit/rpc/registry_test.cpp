#include "simulator/ocpp/rpc/registry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace ocppfleet::rpc {
namespace {

struct FakeCharger {
  int resets = 0;
  std::int64_t last_connector = -1;
};

HandlerOutcome on_reset(FakeCharger& charger, const Json& payload) {
  require_enum(payload, "type", {"Hard", "Soft"});
  ++charger.resets;
  return Json{{"status", "Accepted"}};
}

HandlerOutcome on_unlock(FakeCharger& charger, const Json& payload) {
  charger.last_connector = require_int(payload, "connectorId", 0);
  return Json{{"status", "Unlocked"}};
}

HandlerOutcome on_refuse(FakeCharger&, const Json&) {
  return HandlerError{ErrorCode::NotSupported, "disabled by profile"};
}

HandlerOutcome on_std_throw(FakeCharger&, const Json&) { throw std::runtime_error("disk on fire"); }

HandlerOutcome on_odd_throw(FakeCharger&, const Json&) { throw 42; }

ActionRegistry<FakeCharger> make_registry() {
  ActionRegistry<FakeCharger> registry;
  registry.add("Reset", &on_reset)
      .add("UnlockConnector", &on_unlock)
      .add("ClearCache", &on_refuse)
      .add("GetDiagnostics", &on_std_throw)
      .add("DataTransfer", &on_odd_throw);
  return registry;
}

// By value: callers pass the temporary outcome of dispatch().
HandlerError expect_error(const HandlerOutcome& outcome) {
  const auto* error = std::get_if<HandlerError>(&outcome);
  if (error == nullptr) {
    ADD_FAILURE() << "expected a HandlerError, got " << std::get<Json>(outcome).dump();
    return HandlerError{ErrorCode::GenericError, "<no error>"};
  }
  return *error;
}

TEST(ActionRegistry, dispatches_to_the_registered_handler_with_context) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerOutcome outcome = registry.dispatch(charger, Call{"1", "Reset", Json{{"type", "Soft"}}});
  ASSERT_TRUE(std::holds_alternative<Json>(outcome));
  EXPECT_EQ(std::get<Json>(outcome), Json({{"status", "Accepted"}}));
  EXPECT_EQ(charger.resets, 1);
}

TEST(ActionRegistry, size_and_find_reflect_registered_actions) {
  const auto registry = make_registry();
  EXPECT_EQ(registry.size(), 5U);
  EXPECT_EQ(registry.find("Reset"), &on_reset);
  EXPECT_EQ(registry.find("Heartbeat"), nullptr);
}

TEST(ActionRegistry, unknown_action_is_not_implemented) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerError e = expect_error(registry.dispatch(charger, Call{"1", "FlyToTheMoon", Json::object()}));
  EXPECT_EQ(e.code, ErrorCode::NotImplemented);
  EXPECT_NE(e.description.find("FlyToTheMoon"), std::string::npos);
}

TEST(ActionRegistry, action_lookup_is_case_sensitive) {
  const auto registry = make_registry();
  FakeCharger charger;
  EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "reset", Json{{"type", "Soft"}}})).code,
            ErrorCode::NotImplemented);
  EXPECT_EQ(charger.resets, 0);
}

TEST(ActionRegistry, missing_field_maps_to_occurrence_violation) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerError e = expect_error(registry.dispatch(charger, Call{"1", "UnlockConnector", Json::object()}));
  EXPECT_EQ(e.code, ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(e.description, "connectorId: required field missing");
  EXPECT_EQ(charger.last_connector, -1);
}

TEST(ActionRegistry, wrong_type_maps_to_type_violation) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerError e =
      expect_error(registry.dispatch(charger, Call{"1", "UnlockConnector", Json{{"connectorId", "1"}}}));
  EXPECT_EQ(e.code, ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description, "connectorId: expected integer");
}

TEST(ActionRegistry, out_of_range_maps_to_property_violation) {
  const auto registry = make_registry();
  FakeCharger charger;
  EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "UnlockConnector", Json{{"connectorId", -1}}})).code,
            ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "Reset", Json{{"type", "Medium"}}})).code,
            ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(charger.resets, 0);
}

TEST(ActionRegistry, handler_error_is_passed_through) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerError e = expect_error(registry.dispatch(charger, Call{"1", "ClearCache", Json::object()}));
  EXPECT_EQ(e.code, ErrorCode::NotSupported);
  EXPECT_EQ(e.description, "disabled by profile");
}

TEST(ActionRegistry, std_exception_maps_to_internal_error_with_its_message) {
  const auto registry = make_registry();
  FakeCharger charger;
  const HandlerError e = expect_error(registry.dispatch(charger, Call{"1", "GetDiagnostics", Json::object()}));
  EXPECT_EQ(e.code, ErrorCode::InternalError);
  EXPECT_EQ(e.description, "disk on fire");
}

TEST(ActionRegistry, non_std_exception_maps_to_internal_error) {
  const auto registry = make_registry();
  FakeCharger charger;
  EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "DataTransfer", Json::object()})).code,
            ErrorCode::InternalError);
}

TEST(ActionRegistry, non_object_payload_is_formation_violation_before_the_handler_runs) {
  const auto registry = make_registry();
  FakeCharger charger;
  for (const Json& payload : {Json::array(), Json(), Json("Soft")}) {
    EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "Reset", payload})).code, ErrorCode::FormationViolation)
        << payload.dump();
  }
  EXPECT_EQ(charger.resets, 0);
}

TEST(ActionRegistry, unknown_action_wins_over_bad_payload) {
  const auto registry = make_registry();
  FakeCharger charger;
  EXPECT_EQ(expect_error(registry.dispatch(charger, Call{"1", "Nope", Json::array()})).code, ErrorCode::NotImplemented);
}

TEST(ActionRegistry, parsed_call_dispatches_end_to_end) {
  const auto registry = make_registry();
  FakeCharger charger;
  const ParsedFrame parsed = parse_frame(R"([2,"9","UnlockConnector",{"connectorId":3}])");
  ASSERT_TRUE(std::holds_alternative<Call>(parsed));
  const HandlerOutcome outcome = registry.dispatch(charger, std::get<Call>(parsed));
  ASSERT_TRUE(std::holds_alternative<Json>(outcome));
  EXPECT_EQ(serialize_call_result(std::get<Call>(parsed).id, std::get<Json>(outcome)),
            R"([3,"9",{"status":"Unlocked"}])");
  EXPECT_EQ(charger.last_connector, 3);
}

} // namespace
} // namespace ocppfleet::rpc
