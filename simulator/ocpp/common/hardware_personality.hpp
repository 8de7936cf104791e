#pragma once
// The brand/model profile's hardware behaviour that both adapters share: power held back
// during the cable check, and the seeded fault process. Both run from the charger's own
// DelayedActions list on its shard thread; the references captured are the charger's
// members, destroyed together with the list.
#include <cstdint>

#include "simulator/charger/charger_model.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/ocpp/common/charge_point_base.hpp"
#include "simulator/ocpp/common/delayed_actions.hpp"

namespace ocppfleet::ocpp {

// A transaction just started on `c`: with a start_to_charging delay the EV draws nothing
// (SuspendedEVSE) until the delay has passed, then power flows (if the same transaction runs).
void hold_power_until_ready(DelayedActions& later, const ChargePointOptions& options, charger::ChargerModel& model,
                            charger::Connector& c, const core::Clock& clock);

// Schedules the profile's next seeded fault on `cp` (next_fault(..., faults_seen)); when it
// clears, the one after. Nothing when the profile has no fault model.
void schedule_fault(DelayedActions& later, ChargePointBase& cp, const ChargePointOptions& options,
                    const core::Clock& clock, int connectors, std::uint32_t& faults_seen);

} // namespace ocppfleet::ocpp
