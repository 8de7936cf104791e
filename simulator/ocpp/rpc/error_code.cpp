#include "simulator/ocpp/rpc/error_code.hpp"

#include <array>
#include <utility>

namespace ocppfleet::rpc {

std::string_view to_wire(ErrorCode code, Dialect dialect) {
  const bool v16 = dialect == Dialect::V16;
  switch (code) {
  case ErrorCode::NotImplemented: return "NotImplemented";
  case ErrorCode::NotSupported: return "NotSupported";
  case ErrorCode::InternalError: return "InternalError";
  case ErrorCode::ProtocolError: return "ProtocolError";
  case ErrorCode::SecurityError: return "SecurityError";
  case ErrorCode::FormationViolation: return v16 ? "FormationViolation" : "FormatViolation";
  case ErrorCode::PropertyConstraintViolation: return "PropertyConstraintViolation";
  // 1.6's table misspells it; a strict 1.6 peer validates against that enum.
  case ErrorCode::OccurrenceConstraintViolation:
    return v16 ? "OccurenceConstraintViolation" : "OccurrenceConstraintViolation";
  case ErrorCode::TypeConstraintViolation: return "TypeConstraintViolation";
  case ErrorCode::GenericError: return "GenericError";
  // Codes 1.6 lacks fall back to its nearest: an unknown message type is, to a 1.6 peer,
  // something we do not implement; a broken RPC envelope has no 1.6 code of its own.
  case ErrorCode::MessageTypeNotSupported: return v16 ? "NotImplemented" : "MessageTypeNotSupported";
  case ErrorCode::RpcFrameworkError: return v16 ? "GenericError" : "RpcFrameworkError";
  }
  return "GenericError"; // only an out-of-range cast gets here; still send a code the peer knows
}

std::optional<ErrorCode> error_code_from_wire(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, ErrorCode>, 14> table{{
      {"NotImplemented", ErrorCode::NotImplemented},
      {"NotSupported", ErrorCode::NotSupported},
      {"InternalError", ErrorCode::InternalError},
      {"ProtocolError", ErrorCode::ProtocolError},
      {"SecurityError", ErrorCode::SecurityError},
      {"FormationViolation", ErrorCode::FormationViolation},
      {"FormatViolation", ErrorCode::FormationViolation},
      {"PropertyConstraintViolation", ErrorCode::PropertyConstraintViolation},
      {"OccurenceConstraintViolation", ErrorCode::OccurrenceConstraintViolation},
      {"OccurrenceConstraintViolation", ErrorCode::OccurrenceConstraintViolation},
      {"TypeConstraintViolation", ErrorCode::TypeConstraintViolation},
      {"GenericError", ErrorCode::GenericError},
      {"MessageTypeNotSupported", ErrorCode::MessageTypeNotSupported},
      {"RpcFrameworkError", ErrorCode::RpcFrameworkError},
  }};
  for (const auto& [wire, code] : table)
    if (wire == s) return code;
  return std::nullopt;
}

} // namespace ocppfleet::rpc
