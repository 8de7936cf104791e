#pragma once
// What of an OCPP frame may be stored. Frames are kept in charger_logs and served by
// GET /ocpp/chargers/{id}/logs, so the secrets a CSMS writes to a charger (or a charger could
// echo back) are replaced with "***" before a frame is stored:
// - 1.6 ChangeConfiguration of AuthorizationKey (the Basic auth password, security whitepaper);
// - 1.6 GetConfiguration answers: the AuthorizationKey entry's value (our chargers never send
//   it, this covers a future or foreign source of frames as well);
// - 2.0.1 SetVariables of SecurityCtrlr.BasicAuthPassword, and the value of that variable
//   in a GetVariables answer or a NotifyReport (it is WriteOnly, so ours never send it).
#include <nlohmann/json.hpp>

#include <string_view>

namespace ocppfleet::api {

inline constexpr const char* kRedacted = "***";

// A CALL ([2, id, action, payload]): redacts the payload in place. Other frames are left.
void redact_call(nlohmann::json& frame);
// A CALLRESULT ([3, id, payload]) answering a CALL of `action`: redacts in place.
void redact_call_result(nlohmann::json& frame, std::string_view action);

} // namespace ocppfleet::api
