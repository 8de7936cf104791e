// What a trace line or a frame dump may show of a frame: secrets redacted whatever the answered
// action, frames that cannot mention one untouched and unparsed, long frames cut.
#include <gtest/gtest.h>

#include "simulator/ocpp/rpc/frame_redaction.hpp"
#include "simulator/ocpp/rpc/frame_trace.hpp"

namespace {
using namespace ocppfleet::rpc;

TEST(RedactedText, hides_the_1_6_authorization_key_in_a_call_and_in_any_call_result) {
  EXPECT_EQ(redacted_text(R"([2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3cr3t"}])"),
            R"([2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"***"}])");
  const auto result =
      redacted_text(R"([3,"7",{"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"s3cr3t"}]}])");
  EXPECT_EQ(result.find("s3cr3t"), std::string::npos) << result;
}

TEST(RedactedText, hides_the_2_0_1_basic_auth_password_even_spelled_with_escapes) {
  const auto set = redacted_text(R"([2,"1","SetVariables",{"setVariableData":[{"attributeValue":"pw-123",
      "component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuth\u0050assword"}}]}])");
  EXPECT_EQ(set.find("pw-123"), std::string::npos) << set;
  const auto got = redacted_text(R"([3,"2",{"getVariableResult":[{"attributeStatus":"Accepted","attributeValue":"pw-9",
      "component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}])");
  EXPECT_EQ(got.find("pw-9"), std::string::npos) << got;
}

TEST(RedactedText, leaves_other_frames_as_they_are_and_replaces_an_unparseable_one_that_names_a_secret) {
  const std::string plain = R"([2,"1","Heartbeat",{}])";
  EXPECT_EQ(redacted_text(plain), plain);
  const std::string other_key = R"([2,"1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}])";
  EXPECT_EQ(redacted_text(other_key), other_key);
  EXPECT_EQ(redacted_text("not json"), "not json");
  const auto cut = redacted_text(R"([2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3c)");
  EXPECT_EQ(cut.find("s3c"), std::string::npos) << cut;
  EXPECT_NE(cut.find("[redacted:"), std::string::npos) << cut;
}

TEST(TraceText, cuts_a_long_frame_at_the_bound_and_says_how_long_it_was) {
  const std::string frame =
      "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"x\",\"data\":\"" + std::string(5000, 'D') + "\"}]";
  const auto text = trace_text(frame, 100);
  EXPECT_EQ(text.substr(0, 100), frame.substr(0, 100));
  EXPECT_EQ(text.substr(100), "...[truncated, " + std::to_string(frame.size()) + " bytes]");
  EXPECT_EQ(trace_text("[2,\"1\",\"Heartbeat\",{}]", 100), "[2,\"1\",\"Heartbeat\",{}]");
  EXPECT_EQ(arrow(Direction::ChargerToCsms), "->");
  EXPECT_EQ(arrow(Direction::CsmsToCharger), "<-");
}

} // namespace
