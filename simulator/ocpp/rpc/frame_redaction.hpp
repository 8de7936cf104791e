#pragma once
// What of an OCPP frame may be stored or shown. Frames are kept in charger_logs and served by
// GET /ocpp/chargers/{id}/logs, logged at trace level and dumped by `ocppfleet run
// --frame-log-dump`, so the secrets a CSMS writes to a charger (or a charger could
// echo back) are replaced with "***" before a frame is stored:
// - 1.6 ChangeConfiguration of AuthorizationKey (the Basic auth password, security whitepaper);
// - 1.6 GetConfiguration answers: the AuthorizationKey entry's value (our chargers never send
//   it, this covers a future or foreign source of frames as well);
// - 2.0.1 SetVariables of SecurityCtrlr.BasicAuthPassword, and the value of that variable
//   in a GetVariables answer or a NotifyReport (it is WriteOnly, so ours never send it).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ocppfleet::rpc {

inline constexpr const char* kRedacted = "***";

// A CALL ([2, id, action, payload]): redacts the payload in place. Other frames are left.
void redact_call(nlohmann::json& frame);
// A CALLRESULT ([3, id, payload]) answering a CALL of `action`: redacts in place.
void redact_call_result(nlohmann::json& frame, std::string_view action);

// A frame's text as it may be logged or dumped, when the answered action is not at hand:
// CALLs as redact_call, every CALLRESULT as if it answered GetConfiguration and GetVariables
// (no other answer has those fields). Frames that cannot mention a secret are returned as
// they are without being parsed; one that may but cannot be parsed (e.g. cut by the frame
// log) is replaced whole by "[redacted: N bytes ...]".
std::string redacted_text(std::string_view text);

} // namespace ocppfleet::rpc
