#include "simulator/ocpp/rpc/frame.hpp"

#include "simulator/core/text.hpp"

#include <cstddef>
#include <stdexcept>
#include <utility>

namespace ocppfleet::rpc {

namespace {
using core::utf8_length;

constexpr const char* unknown_id = "-1";
// OCPP-J limits the message id to 36 characters (room for a UUID).
constexpr std::size_t max_id_len = 36;
// OCPP 2.0.1 limits errorDescription to 255 characters; 1.6 has no limit, so one rule fits both.
constexpr std::size_t max_description_len = 255;

// Far deeper than any OCPP message (about 8 levels). nlohmann parses iteratively but copies,
// compares and dumps recursively, so a peer's [[[[...]]]] could otherwise exhaust a shard's stack.
constexpr int max_depth = 64;

constexpr int call_type = 2;
constexpr int call_result_type = 3;
constexpr int call_error_type = 4;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

// A pre-scan, cheaper than a parser callback per value. Brackets inside strings do not count.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

FrameError reject(std::string id, ErrorCode code, std::string description, bool reply) {
  return FrameError{std::move(id), code, std::move(description), reply};
}

// The id to echo in a CALLERROR for a frame we reject. "Readable" means a string of at
// most 36 characters; anything else is answered with "-1", as for an unreadable id: we
// never echo what a CSMS can make arbitrarily long (a megabyte id would come back to it
// and sit in our frame log).
std::string readable_id(const Json& frame) {
  if (frame.size() > 1 && frame[1].is_string()) {
    const auto& id = frame[1].get_ref<const std::string&>();
    if (utf8_length(id) <= max_id_len) return id;
  }
  return unknown_id;
}

std::string_view type_name(int type) {
  switch (type) {
  case call_type: return "CALL";
  case call_result_type: return "CALLRESULT";
  default: return "CALLERROR";
  }
}

std::size_t element_count(int type) {
  switch (type) {
  case call_type: return 4;
  case call_result_type: return 3;
  default: return 5;
  }
}

// The frame is an array with a known type; checks arity and element types. Takes the frame
// by reference to move the payload out: cheaper, and a copy would recurse.
ParsedFrame parse_typed(Json& frame, int type) {
  // A CALLERROR must never answer a CALLRESULT or a CALLERROR, or two peers could ping-pong errors forever.
  const bool reply = type == call_type;
  const std::string_view name = type_name(type);

  // Arity is checked before element types: a frame of the wrong length does not conform to the
  // PDU structure (ProtocolError; 1.6 says "incomplete"), while one of the right length with a
  // misplaced type is "syntactically incorrect" (FormationViolation).
  const std::size_t expected = element_count(type);
  if (frame.size() != expected)
    return reject(readable_id(frame), ErrorCode::ProtocolError,
                  std::string{name} + ": expected " + std::to_string(expected) + " elements, got " +
                      std::to_string(frame.size()),
                  reply);

  if (!frame[1].is_string())
    return reject(unknown_id, ErrorCode::FormationViolation, std::string{name} + ": message id must be a string",
                  reply);
  std::string id = frame[1].get<std::string>();
  // FormationViolation rather than PropertyConstraintViolation: the id belongs to the RPC
  // envelope, and the Property/Type/Occurrence codes describe the action's payload.
  if (utf8_length(id) > max_id_len)
    return reject(unknown_id, ErrorCode::FormationViolation,
                  std::string{name} + ": message id longer than " + std::to_string(max_id_len) + " characters", reply);

  switch (type) {
  case call_type:
    if (!frame[2].is_string())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALL: action must be a string", reply);
    if (!frame[3].is_object())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALL: payload must be an object", reply);
    return Call{std::move(id), frame[2].get<std::string>(), std::move(frame[3])};
  case call_result_type:
    if (!frame[2].is_object())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALLRESULT: payload must be an object", reply);
    return CallResult{std::move(id), std::move(frame[2])};
  default:
    if (!frame[2].is_string())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALLERROR: error code must be a string", reply);
    if (!frame[3].is_string())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALLERROR: description must be a string", reply);
    if (!frame[4].is_object())
      return reject(std::move(id), ErrorCode::FormationViolation, "CALLERROR: details must be an object", reply);
    return CallError{std::move(id), frame[2].get<std::string>(), frame[3].get<std::string>(), std::move(frame[4])};
  }
}

std::string dump_string(std::string_view s) { return dump_compact(Json(std::string{s})); }

// `Json{}` is null, the natural way to write "no fields"; anything else non-object is a bug in
// the caller, and sending it would only earn a FormationViolation from the peer.
std::string dump_object(const Json& j, const char* what) {
  if (j.is_null()) return "{}";
  if (!j.is_object()) throw std::invalid_argument(std::string{what} + " must be a JSON object");
  return dump_compact(j);
}

// Cuts at a UTF-8 code point boundary so the JSON string stays valid.
std::string_view truncate_chars(std::string_view s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_continuation(s[i]) && chars++ == max_chars) return s.substr(0, i);
  }
  return s;
}

} // namespace

// Never throws on invalid UTF-8: descriptions may carry exception text or peer bytes.
std::string dump_compact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

ParsedFrame parse_frame(std::string_view text) noexcept {
  try {
    // OCPP-J gives no id for these, so the CALLERROR uses "-1". Not knowing the message type,
    // we answer: if it was meant as a CALL the peer is waiting for a reply.
    if (!nesting_within(text, max_depth))
      return reject(unknown_id, ErrorCode::FormationViolation,
                    "nesting deeper than " + std::to_string(max_depth) + " levels", true);
    // Non-throwing parse: a peer's garbage must not cost an exception per frame.
    Json frame = Json::parse(text.begin(), text.end(), nullptr, false);
    if (frame.is_discarded()) return reject(unknown_id, ErrorCode::FormationViolation, "not valid JSON", true);
    if (!frame.is_array()) return reject(unknown_id, ErrorCode::FormationViolation, "not a JSON array", true);
    if (frame.empty()) return reject(unknown_id, ErrorCode::FormationViolation, "empty array", true);
    if (!frame[0].is_number_integer())
      return reject(readable_id(frame), ErrorCode::FormationViolation, "message type id must be an integer", true);

    const Json& type_id = frame[0];
    for (const int type : {call_type, call_result_type, call_error_type})
      if (type_id == type) return parse_typed(frame, type);
    return reject(readable_id(frame), ErrorCode::MessageTypeNotSupported,
                  "unknown message type id " + dump_compact(type_id), true);
  } catch (...) {
    // Only allocation failure gets here; the frame is lost but the shard lives on.
    return reject(unknown_id, ErrorCode::InternalError, "could not process frame", false);
  }
}

std::string serialize_call(std::string_view id, std::string_view action, const Json& payload) {
  return "[2," + dump_string(id) + "," + dump_string(action) + "," + dump_object(payload, "CALL payload") + "]";
}

std::string serialize_call_result(std::string_view id, const Json& payload) {
  return "[3," + dump_string(id) + "," + dump_object(payload, "CALLRESULT payload") + "]";
}

std::string serialize_call_error(std::string_view id, std::string_view code, std::string_view description,
                                 const Json& details) {
  return "[4," + dump_string(id) + "," + dump_string(code) + "," +
         dump_string(truncate_chars(description, max_description_len)) + "," +
         dump_object(details, "CALLERROR details") + "]";
}

} // namespace ocppfleet::rpc
