#include "csms/types.hpp"

namespace ocppfleet::csms {

std::string_view to_string(CallFailureKind kind) {
  switch (kind) {
  case CallFailureKind::NotConnected: return "NotConnected";
  case CallFailureKind::QueueFull: return "QueueFull";
  case CallFailureKind::Timeout: return "Timeout";
  case CallFailureKind::ConnectionLost: return "ConnectionLost";
  case CallFailureKind::CallError: return "CallError";
  case CallFailureKind::Invalid: return "Invalid";
  }
  return "Unknown";
}

std::string_view to_string(TransactionState state) { return state == TransactionState::Ended ? "ended" : "active"; }

} // namespace ocppfleet::csms
