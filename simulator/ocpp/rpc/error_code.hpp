#pragma once
#include <optional>
#include <string_view>

namespace ocppfleet::rpc {

// Version-neutral CALLERROR codes. The wire spelling depends on the dialect: 1.6 says
// "OccurenceConstraintViolation" and "FormationViolation"; 2.0.1 says
// "OccurrenceConstraintViolation" and "FormatViolation".
enum class ErrorCode {
  NotImplemented,
  NotSupported,
  InternalError,
  ProtocolError,
  SecurityError,
  FormationViolation,
  PropertyConstraintViolation,
  OccurrenceConstraintViolation,
  TypeConstraintViolation,
  GenericError,
  MessageTypeNotSupported, // 2.0.1 only; 1.6 falls back to NotImplemented
  RpcFrameworkError,       // 2.0.1 only; 1.6 falls back to GenericError
};

enum class Dialect { V16, V201 };

std::string_view to_wire(ErrorCode code, Dialect dialect);
// Accepts either dialect's spelling.
std::optional<ErrorCode> error_code_from_wire(std::string_view s);

} // namespace ocppfleet::rpc
