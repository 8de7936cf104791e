#include "simulator/ocpp/rpc/frame.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "simulator/ocpp/rpc/error_code.hpp"

namespace ocppfleet::rpc {
namespace {

FrameError expect_frame_error(const std::string& text) {
  const ParsedFrame parsed = parse_frame(text);
  const auto* error = std::get_if<FrameError>(&parsed);
  if (error == nullptr) {
    ADD_FAILURE() << "expected a FrameError for " << text << ", got variant index " << parsed.index();
    return FrameError{"", ErrorCode::GenericError, "", false};
  }
  return *error;
}

// --- well-formed frames ---

TEST(ParseFrame, call_yields_id_action_and_payload) {
  const ParsedFrame parsed = parse_frame(R"([2,"19223201","BootNotification",{"chargePointVendor":"VendorX"}])");
  const auto* call = std::get_if<Call>(&parsed);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->id, "19223201");
  EXPECT_EQ(call->action, "BootNotification");
  EXPECT_EQ(call->payload, Json({{"chargePointVendor", "VendorX"}}));
}

TEST(ParseFrame, call_result_yields_id_and_payload) {
  const ParsedFrame parsed = parse_frame(R"([3,"19223201",{"status":"Accepted","interval":300}])");
  const auto* result = std::get_if<CallResult>(&parsed);
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(result->id, "19223201");
  EXPECT_EQ(result->payload.at("interval"), 300);
}

TEST(ParseFrame, call_error_keeps_code_as_received) {
  const ParsedFrame parsed = parse_frame(R"([4,"7","OccurenceConstraintViolation","idTag missing",{"field":"idTag"}])");
  const auto* error = std::get_if<CallError>(&parsed);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->id, "7");
  EXPECT_EQ(error->code, "OccurenceConstraintViolation");
  EXPECT_EQ(error->description, "idTag missing");
  EXPECT_EQ(error->details, Json({{"field", "idTag"}}));
}

TEST(ParseFrame, whitespace_between_elements_is_accepted) {
  const ParsedFrame parsed = parse_frame(" [ 2 , \"1\" , \"Heartbeat\" , { } ] \n");
  const auto* call = std::get_if<Call>(&parsed);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->action, "Heartbeat");
  EXPECT_TRUE(call->payload.is_object());
}

TEST(ParseFrame, message_id_of_exactly_36_characters_is_accepted) {
  const std::string id(36, 'a');
  const ParsedFrame parsed = parse_frame(R"([2,")" + id + R"(","Heartbeat",{}])");
  ASSERT_TRUE(std::holds_alternative<Call>(parsed));
  EXPECT_EQ(std::get<Call>(parsed).id, id);
}

// --- frames whose id cannot be known: CALLERROR id "-1" ---

TEST(ParseFrame, garbage_text_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error("this is not json");
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, truncated_json_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error(R"([2,"1","Heartbeat",{)");
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, empty_text_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error("");
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
}

TEST(ParseFrame, json_object_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error(R"({"messageTypeId":2,"id":"1"})");
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, json_scalar_is_formation_violation_with_unknown_id) {
  for (const char* text : {"42", R"("[2,\"1\",\"Heartbeat\",{}]")", "null", "true"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.id, "-1") << text;
    EXPECT_EQ(e.code, ErrorCode::FormationViolation) << text;
  }
}

TEST(ParseFrame, empty_array_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error("[]");
  EXPECT_EQ(e.id, "-1");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, non_integer_message_type_is_formation_violation_echoing_readable_id) {
  for (const char* text : {R"(["2","abc","Heartbeat",{}])", R"([2.0,"abc","Heartbeat",{}])", R"([null,"abc"])"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::FormationViolation) << text;
    EXPECT_EQ(e.id, "abc") << text;
    EXPECT_TRUE(e.reply) << text;
  }
}

// Frame depth: the outer array is level 1, the payload object level 2.
std::string call_nested_to_depth(int depth) {
  std::string payload = "1";
  for (int level = 2; level <= depth; ++level)
    payload = R"({"a":)" + payload + "}";
  return R"([2,"abc","DataTransfer",)" + payload + "]";
}

TEST(ParseFrame, nesting_up_to_64_levels_is_accepted) {
  EXPECT_TRUE(std::holds_alternative<Call>(parse_frame(call_nested_to_depth(64))));
}

TEST(ParseFrame, nesting_deeper_than_64_levels_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error(call_nested_to_depth(65));
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "-1");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, million_level_nesting_is_refused_without_crashing) {
  const std::string text = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_EQ(expect_frame_error(text).code, ErrorCode::FormationViolation);
}

TEST(ParseFrame, brackets_inside_strings_do_not_count_as_nesting) {
  const std::string brackets(100, '[');
  const ParsedFrame parsed = parse_frame(R"([2,"abc","DataTransfer",{"data":")" + brackets + R"(\"{{"}])");
  ASSERT_TRUE(std::holds_alternative<Call>(parsed));
  EXPECT_EQ(std::get<Call>(parsed).payload.at("data"), brackets + "\"{{");
}

// --- unknown message type ---

TEST(ParseFrame, unknown_message_type_is_message_type_not_supported_with_its_id) {
  const FrameError e = expect_frame_error(R"([5,"abc","Heartbeat",{}])");
  EXPECT_EQ(e.code, ErrorCode::MessageTypeNotSupported);
  EXPECT_EQ(e.id, "abc");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, unknown_message_type_without_readable_id_uses_unknown_id) {
  for (const char* text : {"[0]", "[-2,1]", "[18446744073709551615]", "[7,{}]"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::MessageTypeNotSupported) << text;
    EXPECT_EQ(e.id, "-1") << text;
    EXPECT_TRUE(e.reply) << text;
  }
}

// --- wrong element count: ProtocolError, id kept when readable ---

TEST(ParseFrame, call_with_too_few_elements_is_protocol_error_with_its_id) {
  const FrameError e = expect_frame_error(R"([2,"abc","Heartbeat"])");
  EXPECT_EQ(e.code, ErrorCode::ProtocolError);
  EXPECT_EQ(e.id, "abc");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, call_with_too_many_elements_is_protocol_error_with_its_id) {
  const FrameError e = expect_frame_error(R"([2,"abc","Heartbeat",{},{}])");
  EXPECT_EQ(e.code, ErrorCode::ProtocolError);
  EXPECT_EQ(e.id, "abc");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, bare_call_type_is_protocol_error_with_unknown_id) {
  const FrameError e = expect_frame_error("[2]");
  EXPECT_EQ(e.code, ErrorCode::ProtocolError);
  EXPECT_EQ(e.id, "-1");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, call_result_with_wrong_element_count_is_protocol_error_without_reply) {
  for (const char* text : {R"([3,"abc"])", R"([3,"abc",{},{}])"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::ProtocolError) << text;
    EXPECT_EQ(e.id, "abc") << text;
    EXPECT_FALSE(e.reply) << text;
  }
}

TEST(ParseFrame, call_error_with_wrong_element_count_is_protocol_error_without_reply) {
  for (const char* text : {R"([4,"abc","GenericError","boom"])", R"([4,"abc","GenericError","boom",{},1])"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::ProtocolError) << text;
    EXPECT_EQ(e.id, "abc") << text;
    EXPECT_FALSE(e.reply) << text;
  }
}

// --- wrong element types: FormationViolation ---

TEST(ParseFrame, call_with_numeric_id_is_formation_violation_with_unknown_id) {
  const FrameError e = expect_frame_error(R"([2,19223201,"Heartbeat",{}])");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "-1");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, call_with_non_string_action_is_formation_violation_with_its_id) {
  const FrameError e = expect_frame_error(R"([2,"abc",7,{}])");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "abc");
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, call_with_non_object_payload_is_formation_violation_with_its_id) {
  for (const char* text :
       {R"([2,"abc","Heartbeat",[]])", R"([2,"abc","Heartbeat",null])", R"([2,"abc","Heartbeat","{}"])"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::FormationViolation) << text;
    EXPECT_EQ(e.id, "abc") << text;
    EXPECT_TRUE(e.reply) << text;
  }
}

TEST(ParseFrame, message_id_longer_than_36_characters_is_formation_violation_answered_as_id_minus_one) {
  const std::string id(37, 'a');
  const FrameError e = expect_frame_error(R"([2,")" + id + R"(","Heartbeat",{}])");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "-1"); // never echoed: a CSMS could make it megabytes long
  EXPECT_TRUE(e.reply);
}

TEST(ParseFrame, over_long_id_is_not_echoed_in_a_protocol_error_either) {
  const std::string id(100'000, 'a');
  const FrameError e = expect_frame_error(R"([2,")" + id + R"(","Heartbeat"])");
  EXPECT_EQ(e.code, ErrorCode::ProtocolError);
  EXPECT_EQ(e.id, "-1");
}

TEST(ParseFrame, message_id_length_counts_characters_not_bytes) {
  std::string id;
  for (int i = 0; i < 36; ++i)
    id += "\xC3\xA9"; // 36 x U+00E9, 72 bytes
  EXPECT_TRUE(std::holds_alternative<Call>(parse_frame(R"([2,")" + id + R"(","Heartbeat",{}])")));
}

TEST(ParseFrame, call_result_with_non_object_payload_is_formation_violation_without_reply) {
  const FrameError e = expect_frame_error(R"([3,"abc","Accepted"])");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "abc");
  EXPECT_FALSE(e.reply);
}

TEST(ParseFrame, call_result_with_numeric_id_is_formation_violation_without_reply) {
  const FrameError e = expect_frame_error(R"([3,42,{}])");
  EXPECT_EQ(e.code, ErrorCode::FormationViolation);
  EXPECT_EQ(e.id, "-1");
  EXPECT_FALSE(e.reply);
}

TEST(ParseFrame, call_error_with_wrong_element_types_is_formation_violation_without_reply) {
  for (const char* text : {R"([4,"abc",1,"boom",{}])", R"([4,"abc","GenericError",null,{}])",
                           R"([4,"abc","GenericError","boom",[]])", R"([4,1,"GenericError","boom",{}])"}) {
    const FrameError e = expect_frame_error(text);
    EXPECT_EQ(e.code, ErrorCode::FormationViolation) << text;
    EXPECT_FALSE(e.reply) << text;
  }
}

TEST(ParseFrame, frame_errors_describe_the_problem) {
  EXPECT_NE(expect_frame_error(R"([2,"abc","Heartbeat"])").description.find("expected 4 elements"), std::string::npos);
  EXPECT_NE(expect_frame_error(R"([2,"abc",7,{}])").description.find("action"), std::string::npos);
}

// --- serialization ---

TEST(SerializeFrame, call_is_compact_json) {
  EXPECT_EQ(serialize_call("1", "Authorize", Json{{"idTag", "ABC"}}), R"([2,"1","Authorize",{"idTag":"ABC"}])");
}

TEST(SerializeFrame, null_payload_is_sent_as_empty_object) {
  EXPECT_EQ(serialize_call("1", "Heartbeat", Json{}), R"([2,"1","Heartbeat",{}])");
  EXPECT_EQ(serialize_call_result("1", Json{}), R"([3,"1",{}])");
  EXPECT_EQ(serialize_call_error("1", "GenericError", "x", Json{}), R"([4,"1","GenericError","x",{}])");
}

TEST(SerializeFrame, non_object_payload_is_refused) {
  EXPECT_THROW(serialize_call("1", "Heartbeat", Json::array()), std::invalid_argument);
  EXPECT_THROW(serialize_call_result("1", Json("Accepted")), std::invalid_argument);
  EXPECT_THROW(serialize_call_error("1", "GenericError", "x", Json(3)), std::invalid_argument);
}

TEST(SerializeFrame, call_result_is_compact_json) {
  EXPECT_EQ(serialize_call_result("abc", Json{{"status", "Accepted"}}), R"([3,"abc",{"status":"Accepted"}])");
}

TEST(SerializeFrame, call_error_defaults_to_empty_details) {
  EXPECT_EQ(serialize_call_error("abc", "NotImplemented", "Unknown action: Foo"),
            R"([4,"abc","NotImplemented","Unknown action: Foo",{}])");
}

TEST(SerializeFrame, strings_are_json_escaped) {
  const std::string frame = serialize_call_error("a\"b", "GenericError", "line\nbreak \\ \"quoted\"");
  const ParsedFrame parsed = parse_frame(frame);
  const auto* error = std::get_if<CallError>(&parsed);
  ASSERT_NE(error, nullptr) << frame;
  EXPECT_EQ(error->id, "a\"b");
  EXPECT_EQ(error->description, "line\nbreak \\ \"quoted\"");
}

TEST(SerializeFrame, long_description_is_cut_to_255_characters_on_a_character_boundary) {
  std::string description = "x";
  for (int i = 0; i < 300; ++i)
    description += "\xC3\xA9"; // U+00E9, two bytes each
  const ParsedFrame parsed = parse_frame(serialize_call_error("1", "InternalError", description));
  const auto* error = std::get_if<CallError>(&parsed);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->description, description.substr(0, 1 + 254 * 2));
}

TEST(SerializeFrame, invalid_utf8_in_description_does_not_throw) {
  std::string frame;
  EXPECT_NO_THROW(frame = serialize_call_error("1", "InternalError", "bad \xFF byte"));
  EXPECT_TRUE(std::holds_alternative<CallError>(parse_frame(frame))) << frame;
}

TEST(SerializeFrame, round_trips_through_parse) {
  const Json payload = {{"connectorId", 1}, {"meterValue", Json::array({{{"timestamp", "2026-01-01T00:00:00Z"}}})}};
  const ParsedFrame parsed = parse_frame(serialize_call("42", "MeterValues", payload));
  const auto* call = std::get_if<Call>(&parsed);
  ASSERT_NE(call, nullptr);
  EXPECT_EQ(call->id, "42");
  EXPECT_EQ(call->action, "MeterValues");
  EXPECT_EQ(call->payload, payload);
}

// --- error code spellings ---

TEST(ErrorCodeWire, v16_uses_its_own_misspellings) {
  EXPECT_EQ(to_wire(ErrorCode::OccurrenceConstraintViolation, Dialect::V16), "OccurenceConstraintViolation");
  EXPECT_EQ(to_wire(ErrorCode::FormationViolation, Dialect::V16), "FormationViolation");
}

TEST(ErrorCodeWire, v201_uses_corrected_spellings) {
  EXPECT_EQ(to_wire(ErrorCode::OccurrenceConstraintViolation, Dialect::V201), "OccurrenceConstraintViolation");
  EXPECT_EQ(to_wire(ErrorCode::FormationViolation, Dialect::V201), "FormatViolation");
}

TEST(ErrorCodeWire, v201_only_codes_fall_back_in_v16) {
  EXPECT_EQ(to_wire(ErrorCode::MessageTypeNotSupported, Dialect::V16), "NotImplemented");
  EXPECT_EQ(to_wire(ErrorCode::RpcFrameworkError, Dialect::V16), "GenericError");
  EXPECT_EQ(to_wire(ErrorCode::MessageTypeNotSupported, Dialect::V201), "MessageTypeNotSupported");
  EXPECT_EQ(to_wire(ErrorCode::RpcFrameworkError, Dialect::V201), "RpcFrameworkError");
}

TEST(ErrorCodeWire, shared_codes_are_spelled_alike_in_both_dialects) {
  for (const ErrorCode code :
       {ErrorCode::NotImplemented, ErrorCode::NotSupported, ErrorCode::InternalError, ErrorCode::ProtocolError,
        ErrorCode::SecurityError, ErrorCode::PropertyConstraintViolation, ErrorCode::TypeConstraintViolation,
        ErrorCode::GenericError}) {
    EXPECT_EQ(to_wire(code, Dialect::V16), to_wire(code, Dialect::V201));
    EXPECT_EQ(error_code_from_wire(to_wire(code, Dialect::V16)), code);
  }
}

TEST(ErrorCodeWire, every_spelling_of_both_dialects_is_recognised) {
  EXPECT_EQ(error_code_from_wire("OccurenceConstraintViolation"), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(error_code_from_wire("OccurrenceConstraintViolation"), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(error_code_from_wire("FormationViolation"), ErrorCode::FormationViolation);
  EXPECT_EQ(error_code_from_wire("FormatViolation"), ErrorCode::FormationViolation);
  EXPECT_EQ(error_code_from_wire("MessageTypeNotSupported"), ErrorCode::MessageTypeNotSupported);
  EXPECT_EQ(error_code_from_wire("RpcFrameworkError"), ErrorCode::RpcFrameworkError);
  EXPECT_EQ(error_code_from_wire("PropertyConstraintViolation"), ErrorCode::PropertyConstraintViolation);
}

TEST(ErrorCodeWire, unknown_or_miscased_spelling_is_not_recognised) {
  EXPECT_EQ(error_code_from_wire("notimplemented"), std::nullopt);
  EXPECT_EQ(error_code_from_wire(""), std::nullopt);
  EXPECT_EQ(error_code_from_wire("Teapot"), std::nullopt);
}

} // namespace
} // namespace ocppfleet::rpc
