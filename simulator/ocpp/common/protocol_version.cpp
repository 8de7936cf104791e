#include "simulator/ocpp/common/charge_point_base.hpp"

namespace ocppfleet::ocpp {

std::string_view to_string(ProtocolVersion v) { return v == ProtocolVersion::V16 ? "1.6" : "2.0.1"; }

std::string_view subprotocol(ProtocolVersion v) { return v == ProtocolVersion::V16 ? "ocpp1.6" : "ocpp2.0.1"; }

std::optional<ProtocolVersion> parse_protocol_version(std::string_view text) {
  if (text == "1.6" || text == "ocpp1.6") return ProtocolVersion::V16;
  if (text == "2.0.1" || text == "ocpp2.0.1") return ProtocolVersion::V201;
  return std::nullopt;
}

std::string_view to_string(RegistrationState s) {
  switch (s) {
  case RegistrationState::Offline: return "offline";
  case RegistrationState::Booting: return "booting";
  case RegistrationState::Pending: return "pending";
  case RegistrationState::Rejected: return "rejected";
  case RegistrationState::Accepted: return "accepted";
  }
  return "unknown";
}

} // namespace ocppfleet::ocpp
