// Secrets never reach the stored frame log: what redact_call / redact_call_result replace
// with "***" and what they leave exactly as it was.
#include <gtest/gtest.h>

#include "control-api/workflows/frame_redaction.hpp"

namespace ocppfleet::api {
namespace {

using nlohmann::json;

json call_redacted(const char* text) {
  json frame = json::parse(text);
  redact_call(frame);
  return frame;
}

json result_redacted(const char* text, std::string_view action) {
  json frame = json::parse(text);
  redact_call_result(frame, action);
  return frame;
}

TEST(FrameRedaction, change_configuration_of_authorization_key_hides_the_value_only) {
  const auto f =
      call_redacted(R"([2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3cr3t-0123456789"}])");
  EXPECT_EQ(f[3]["value"], "***");
  EXPECT_EQ(f[3]["key"], "AuthorizationKey");
  const char* other = R"([2,"2","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}])";
  EXPECT_EQ(call_redacted(other), json::parse(other));
}

TEST(FrameRedaction, get_configuration_answer_hides_the_authorization_key_value_and_keeps_the_rest) {
  const auto f = result_redacted(R"([3,"1",{"configurationKey":[
      {"key":"AuthorizationKey","readonly":false,"value":"s3cr3t-0123456789"},
      {"key":"HeartbeatInterval","readonly":false,"value":"300"}],"unknownKey":["Nope"]}])",
                                 "GetConfiguration");
  EXPECT_EQ(f[2]["configurationKey"][0]["value"], "***");
  EXPECT_EQ(f[2]["configurationKey"][1]["value"], "300");
  EXPECT_EQ(f[2]["unknownKey"][0], "Nope");
  // The same payload answering another action is not a configuration listing.
  const char* text = R"([3,"1",{"configurationKey":[{"key":"AuthorizationKey","readonly":false,"value":"x"}]}])";
  EXPECT_EQ(result_redacted(text, "DataTransfer"), json::parse(text));
  // Without a value (what our chargers send) nothing is added.
  const char* bare = R"([3,"1",{"configurationKey":[{"key":"AuthorizationKey","readonly":false}]}])";
  EXPECT_EQ(result_redacted(bare, "GetConfiguration"), json::parse(bare));
}

TEST(FrameRedaction, set_variables_of_security_ctrlr_basic_auth_password_hides_only_that_item) {
  const auto f = call_redacted(R"([2,"1","SetVariables",{"setVariableData":[
      {"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"attributeValue":"pw-0123456789abcdef"},
      {"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"},"attributeValue":"60"},
      {"component":{"name":"VendorCtrlr"},"variable":{"name":"BasicAuthPassword"},"attributeValue":"not-ours"}]}])");
  EXPECT_EQ(f[3]["setVariableData"][0]["attributeValue"], "***");
  EXPECT_EQ(f[3]["setVariableData"][1]["attributeValue"], "60");
  EXPECT_EQ(f[3]["setVariableData"][2]["attributeValue"], "not-ours");
}

TEST(FrameRedaction, basic_auth_password_values_in_get_variables_answers_and_reports_are_hidden) {
  const auto got = result_redacted(R"([3,"1",{"getVariableResult":[{"attributeStatus":"Accepted",
      "component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"attributeValue":"pw"}]}])",
                                   "GetVariables");
  EXPECT_EQ(got[2]["getVariableResult"][0]["attributeValue"], "***");
  const auto report = call_redacted(R"([2,"9","NotifyReport",{"requestId":1,"generatedAt":"2026-01-01T00:00:00Z",
      "seqNo":0,"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},
      "variableAttribute":[{"type":"Actual","value":"pw","mutability":"WriteOnly"}]}]}])");
  EXPECT_EQ(report[3]["reportData"][0]["variableAttribute"][0]["value"], "***");
  EXPECT_EQ(report[3]["reportData"][0]["variableAttribute"][0]["mutability"], "WriteOnly");
}

TEST(FrameRedaction, malformed_frames_are_left_alone_without_throwing) {
  for (const char* text : {R"([2,"1","ChangeConfiguration"])", R"([2,"1",42,{}])", R"({"a":1})", R"([3,"1","x"])",
                           R"([2,"1","SetVariables",{"setVariableData":"nope"}])",
                           R"([2,"1","SetVariables",{"setVariableData":[1,null]}])"}) {
    json a = json::parse(text);
    json b = a;
    EXPECT_NO_THROW(redact_call(a)) << text;
    EXPECT_NO_THROW(redact_call_result(a, "GetConfiguration")) << text;
    EXPECT_EQ(a, b) << text;
  }
}

} // namespace
} // namespace ocppfleet::api
