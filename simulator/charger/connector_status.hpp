#pragma once
#include <string_view>

namespace ocppfleet::charger {

// Version-neutral connector status, derived from physical state (never stored). The set is
// the richest one (1.6's); the 2.0.1 adapter maps it down to Available/Occupied/Reserved/
// Unavailable/Faulted.
enum class ConnectorStatus {
  Available,
  Preparing,     // plugged (or authorized) with no transaction yet
  Charging,      // transaction and the EV draws power
  SuspendedEV,   // transaction, EVSE offers power, EV draws none
  SuspendedEVSE, // transaction, EVSE offers no power (limit 0)
  Finishing,     // transaction ended, cable still plugged
  Reserved,
  Unavailable, // availability Inoperative
  Faulted,
};

std::string_view to_string(ConnectorStatus s);

} // namespace ocppfleet::charger
