#include "simulator/ocpp/common/hardware_personality.hpp"

namespace ocppfleet::ocpp {

void hold_power_until_ready(DelayedActions& later, const ChargePointOptions& options, charger::ChargerModel& model,
                            charger::Connector& c, const core::Clock& clock) {
  const auto delay = hardware_delays(options).start_to_charging;
  if (delay.count() <= 0 || !c.transaction()) return;
  c.set_offered_limit_w(clock.steady_now(), 0.0);
  later.after(clock.steady_now() + delay, [&model, &clock, id = c.id(), tx = c.transaction()->local_id] {
    auto* conn = model.connector(id);
    if (conn != nullptr && conn->transaction() && conn->transaction()->local_id == tx)
      conn->set_offered_limit_w(clock.steady_now(), std::nullopt);
  });
}

void schedule_fault(DelayedActions& later, ChargePointBase& cp, const ChargePointOptions& options,
                    const core::Clock& clock, int connectors, std::uint32_t& faults_seen) {
  const auto fault = next_fault(options, cp.identity(), connectors, faults_seen);
  if (!fault) return;
  later.after(clock.steady_now() + fault->after, [&later, &cp, &options, &clock, connectors, &faults_seen, f = *fault] {
    ++faults_seen;
    cp.inject_fault(f.connector_id, f.error_code);
    later.after(clock.steady_now() + f.lasts,
                [&later, &cp, &options, &clock, connectors, &faults_seen, id = f.connector_id] {
                  cp.clear_fault(id);
                  schedule_fault(later, cp, options, clock, connectors, faults_seen);
                });
  });
}

} // namespace ocppfleet::ocpp
