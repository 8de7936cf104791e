#include "simulator/ocpp/rpc/frame_redaction.hpp"

#include <string>

namespace ocppfleet::rpc {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kAuthorizationKey = "AuthorizationKey";

bool is_basic_auth_password(const Json& item) {
  // {"component": {"name": "SecurityCtrlr"}, "variable": {"name": "BasicAuthPassword"}}. The
  // component is matched too (a vendor variable of that name elsewhere is not ours to hide);
  // an item without one, which the schema forbids, is treated as the secret to err safe.
  if (!item.is_object()) return false;
  const auto variable = item.find("variable");
  if (variable == item.end() || !variable->is_object() || variable->value("name", "") != "BasicAuthPassword")
    return false;
  const auto component = item.find("component");
  return component == item.end() || !component->is_object() || component->value("name", "") == "SecurityCtrlr";
}

void redact_list(Json& payload, const char* list, const char* value_field) {
  const auto it = payload.find(list);
  if (it == payload.end() || !it->is_array()) return;
  for (auto& item : *it)
    if (is_basic_auth_password(item) && item.contains(value_field)) item[value_field] = kRedacted;
}

void redact_report(Json& payload) {
  // NotifyReport: reportData[].variableAttribute[].value
  const auto it = payload.find("reportData");
  if (it == payload.end() || !it->is_array()) return;
  for (auto& item : *it) {
    if (!is_basic_auth_password(item)) continue;
    const auto attributes = item.find("variableAttribute");
    if (attributes == item.end() || !attributes->is_array()) continue;
    for (auto& a : *attributes)
      if (a.is_object() && a.contains("value")) a["value"] = kRedacted;
  }
}

} // namespace

void redact_call(Json& frame) {
  if (!frame.is_array() || frame.size() < 4 || frame[0] != 2 || !frame[2].is_string() || !frame[3].is_object()) return;
  const std::string& action = frame[2].get_ref<const std::string&>();
  auto& payload = frame[3];
  if (action == "ChangeConfiguration" && payload.value("key", "") == kAuthorizationKey && payload.contains("value")) {
    payload["value"] = kRedacted;
  } else if (action == "SetVariables") {
    redact_list(payload, "setVariableData", "attributeValue");
  } else if (action == "NotifyReport") {
    redact_report(payload);
  }
}

void redact_call_result(Json& frame, std::string_view action) {
  if (!frame.is_array() || frame.size() < 3 || frame[0] != 3 || !frame[2].is_object()) return;
  auto& payload = frame[2];
  if (action == "GetConfiguration") {
    const auto it = payload.find("configurationKey");
    if (it == payload.end() || !it->is_array()) return;
    for (auto& kv : *it)
      if (kv.is_object() && kv.value("key", "") == kAuthorizationKey && kv.contains("value")) kv["value"] = kRedacted;
  } else if (action == "GetVariables") {
    redact_list(payload, "getVariableResult", "attributeValue");
  }
}

std::string redacted_text(std::string_view text) {
  // Escapes could spell a key name in other bytes: such frames are parsed too.
  const bool may_hold_secret = text.find(kAuthorizationKey) != std::string_view::npos ||
                               text.find("BasicAuthPassword") != std::string_view::npos ||
                               text.find("\\u") != std::string_view::npos;
  if (!may_hold_secret) return std::string{text};
  Json frame = Json::parse(text, nullptr, false);
  if (frame.is_discarded())
    return "[redacted: " + std::to_string(text.size()) + " bytes that may hold a secret and do not parse]";
  const Json before = frame;
  redact_call(frame);
  if (frame.is_array() && frame.size() >= 3 && frame[0] == 3) {
    redact_call_result(frame, "GetConfiguration");
    redact_call_result(frame, "GetVariables");
  }
  return frame == before ? std::string{text} : frame.dump();
}

} // namespace ocppfleet::rpc
