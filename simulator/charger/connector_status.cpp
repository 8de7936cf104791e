#include "simulator/charger/connector_status.hpp"

namespace ocppfleet::charger {

// OCPP 1.6 ChargePointStatus spellings; the 2.0.1 adapter maps the enum itself.
std::string_view to_string(ConnectorStatus s) {
  switch (s) {
  case ConnectorStatus::Available: return "Available";
  case ConnectorStatus::Preparing: return "Preparing";
  case ConnectorStatus::Charging: return "Charging";
  case ConnectorStatus::SuspendedEV: return "SuspendedEV";
  case ConnectorStatus::SuspendedEVSE: return "SuspendedEVSE";
  case ConnectorStatus::Finishing: return "Finishing";
  case ConnectorStatus::Reserved: return "Reserved";
  case ConnectorStatus::Unavailable: return "Unavailable";
  case ConnectorStatus::Faulted: return "Faulted";
  }
  return "Unknown"; // only reachable through a cast of an out-of-range value
}

} // namespace ocppfleet::charger
