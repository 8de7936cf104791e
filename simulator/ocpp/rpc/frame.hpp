#pragma once
// OCPP-J framing: [2,id,action,payload] CALL, [3,id,payload] CALLRESULT,
// [4,id,code,description,details] CALLERROR. Pure functions: no I/O, no time.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <variant>

#include "simulator/ocpp/rpc/error_code.hpp"

namespace ocppfleet::rpc {

using Json = nlohmann::json;

struct Call {
  std::string id;
  std::string action;
  Json payload;
};

struct CallResult {
  std::string id;
  Json payload;
};

struct CallError {
  std::string id;
  std::string code; // as received (peer may use either dialect's spelling)
  std::string description;
  Json details;
};

// A frame we could not accept. `id` is the message id when it could be read, else "-1"
// (OCPP-J: the id a CALLERROR uses when the offending message's id is unknown).
// `reply` says whether the peer should get a CALLERROR back: never for a broken
// CALLRESULT/CALLERROR (a CALLERROR must not answer a response).
struct FrameError {
  std::string id;
  ErrorCode code;
  std::string description;
  bool reply;
};

using ParsedFrame = std::variant<Call, CallResult, CallError, FrameError>;

// Never throws. Not JSON / not an array / wrong element count / wrong element types /
// unknown message type id -> FrameError with the code OCPP-J prescribes.
ParsedFrame parse_frame(std::string_view text) noexcept;

// Compact JSON as frames carry it; invalid UTF-8 is replaced, never thrown on.
std::string dump_compact(const Json& j);

// Compact JSON. A null payload/details is sent as {}; any other non-object throws
// std::invalid_argument (a caller bug). Descriptions are cut to 255 characters (2.0.1's limit).
std::string serialize_call(std::string_view id, std::string_view action, const Json& payload);
std::string serialize_call_result(std::string_view id, const Json& payload);
std::string serialize_call_error(std::string_view id, std::string_view code, std::string_view description,
                                 const Json& details = Json::object());

} // namespace ocppfleet::rpc
