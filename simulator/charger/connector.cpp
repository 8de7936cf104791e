#include "simulator/charger/charger_model.hpp"

#include <algorithm>
#include <utility>

namespace ocppfleet::charger {

namespace {

using Hours = std::chrono::duration<double, std::ratio<3600>>;

// DC charging runs at full power up to the knee, then tapers linearly to a tenth of it.
constexpr double dc_taper_knee = 0.8;
constexpr double dc_taper_floor = 0.1;
// Inside the taper power follows SoC, so long gaps are integrated in short steps.
constexpr std::chrono::seconds taper_step{15};
// Below this the battery (or the distance to the knee) counts as reached; keeps float
// rounding from producing a tail of nanosecond steps.
constexpr double energy_epsilon_wh = 1e-6;

double dc_taper(double soc) {
  if (soc >= 1.0) return 0.0;
  if (soc <= dc_taper_knee) return 1.0;
  return 1.0 - (1.0 - dc_taper_floor) * (soc - dc_taper_knee) / (1.0 - dc_taper_knee);
}

double ev_soc(const EvSpec& ev, double energy_wh) {
  return ev.battery_wh > 0.0 ? std::clamp(energy_wh / ev.battery_wh, 0.0, 1.0) : 1.0;
}

double deliverable_power_w(const ConnectorSpec& spec, const EvSpec& ev, double soc, std::optional<double> limit_w) {
  if (soc >= 1.0) return 0.0; // a full EV draws nothing, AC or DC
  double p = 0.0;
  if (spec.current_type == CurrentType::AC) {
    p = std::min({spec.max_power_w, spec.phases * spec.voltage_v * spec.max_current_a, ev.max_ac_power_w});
  } else {
    p = std::min(spec.max_power_w, ev.max_dc_power_w * dc_taper(soc));
  }
  if (limit_w) p = std::min(p, *limit_w);
  return std::max(p, 0.0);
}

} // namespace

Connector::Connector(int id, const ConnectorSpec& spec, double initial_energy_wh)
    : spec_(&spec), id_(id), meter_(initial_energy_wh, spec.voltage_v) {}

ConnectorStatus Connector::status() const noexcept {
  if (fault_) return ConnectorStatus::Faulted;
  if (availability_ == Availability::Inoperative && !tx_) return ConnectorStatus::Unavailable;
  if (tx_) {
    if (ev_drawing()) return ConnectorStatus::Charging;
    if (offered_limit_w_ && *offered_limit_w_ <= 0.0) return ConnectorStatus::SuspendedEVSE;
    return ConnectorStatus::SuspendedEV; // EV paused, full, or (unexpectedly) unplugged
  }
  if (finishing_) return ConnectorStatus::Finishing;
  if (plugged_) return ConnectorStatus::Preparing;
  if (reserved_) return ConnectorStatus::Reserved;
  return ConnectorStatus::Available;
}

bool Connector::ev_drawing() const noexcept { return meter_.power_w() > 0.0; }

std::optional<double> Connector::soc_percent() const noexcept {
  if (!ev_) return std::nullopt;
  return 100.0 * ev_soc(*ev_, ev_energy_wh_);
}

void Connector::plug(SteadyTime now, const EvSpec& ev) {
  advance(now);
  plugged_ = true;
  finishing_ = false; // a new vehicle starts a new session
  ev_suspended_ = false;
  ev_ = ev;
  ev_energy_wh_ = std::clamp(ev.initial_soc, 0.0, 1.0) * std::max(ev.battery_wh, 0.0);
  recompute(now);
}

void Connector::unplug(SteadyTime now) {
  advance(now);
  plugged_ = false;
  finishing_ = false;
  ev_suspended_ = false;
  ev_.reset();
  ev_energy_wh_ = 0.0;
  recompute(now);
}

void Connector::set_ev_suspended(SteadyTime now, bool suspended) {
  advance(now);
  ev_suspended_ = suspended;
  recompute(now);
}

void Connector::set_offered_limit_w(SteadyTime now, std::optional<double> limit_w) {
  advance(now);
  offered_limit_w_ = limit_w;
  recompute(now);
}

void Connector::set_fault(SteadyTime now, Fault f) {
  advance(now);
  fault_ = std::move(f);
  recompute(now);
}

void Connector::clear_fault(SteadyTime now) {
  advance(now);
  fault_.reset();
  recompute(now);
}

AvailabilityChange Connector::request_availability(SteadyTime now, Availability a) {
  advance(now);
  if (a == availability_) {
    scheduled_availability_.reset(); // asking for the present state cancels a pending change
    return AvailabilityChange::Accepted;
  }
  if (a == Availability::Inoperative && tx_) {
    scheduled_availability_ = a;
    return AvailabilityChange::Scheduled;
  }
  availability_ = a;
  scheduled_availability_.reset();
  recompute(now);
  return AvailabilityChange::Accepted;
}

bool Connector::start_transaction(SteadyTime now, Transaction tx) {
  if (!plugged_ || fault_ || availability_ != Availability::Operative || tx_) return false;
  advance(now);
  tx.meter_start_wh = meter_.energy_wh();
  tx_ = std::move(tx);
  finishing_ = false;
  reserved_ = false;
  recompute(now);
  return true;
}

std::optional<Transaction> Connector::stop_transaction(SteadyTime now) {
  if (!tx_) return std::nullopt;
  advance(now);
  std::optional<Transaction> ended = std::move(tx_);
  tx_.reset();
  finishing_ = plugged_;
  if (scheduled_availability_) {
    availability_ = *scheduled_availability_;
    scheduled_availability_.reset();
  }
  recompute(now);
  return ended;
}

void Connector::advance(SteadyTime now) {
  // Power is constant between operating-point changes, and it changes with SoC only when
  // the battery fills, at the DC knee, and along the DC taper. Step to those points so a
  // long gap integrates the same energy as many short ones.
  auto t = meter_.last_update();
  while (t && *t < now && ev_ && meter_.power_w() > 0.0) {
    const double p = meter_.power_w();
    const double battery = ev_->battery_wh;
    const double to_full = battery - ev_energy_wh_;
    const double to_knee = dc_taper_knee * battery - ev_energy_wh_;
    const bool dc = spec_->current_type == CurrentType::DC;
    const Hours remaining = now - *t;
    Hours step = remaining;
    if (dc && to_knee > energy_epsilon_wh) {
      step = std::min(step, Hours{to_knee / p});
    } else {
      step = std::min(step, Hours{to_full / p});
      if (dc) step = std::min<Hours>(step, taper_step);
    }
    // Round up so the breakpoint is actually reached; at least one tick so time moves.
    const auto tick = std::max(std::chrono::ceil<SteadyTime::duration>(step), SteadyTime::duration{1});
    const SteadyTime step_end = step < remaining ? std::min(now, *t + tick) : now;
    recompute(step_end);
    t = step_end;
  }
  recompute(now);
}

void Connector::recompute(SteadyTime now) {
  const double before_wh = meter_.energy_wh();
  meter_.advance(now);
  if (ev_) {
    const double battery = std::max(ev_->battery_wh, 0.0);
    ev_energy_wh_ = std::min(ev_energy_wh_ + (meter_.energy_wh() - before_wh), battery);
    if (battery - ev_energy_wh_ < energy_epsilon_wh) ev_energy_wh_ = battery;
  }

  double power_w = 0.0;
  const bool delivering = tx_ && plugged_ && ev_ && !ev_suspended_ && !fault_;
  if (delivering) power_w = deliverable_power_w(*spec_, *ev_, ev_soc(*ev_, ev_energy_wh_), offered_limit_w_);

  const ConnectorSpec& s = *spec_;
  const double volts_total = s.current_type == CurrentType::AC ? s.phases * s.voltage_v : s.voltage_v;
  const double current_a = volts_total > 0.0 ? power_w / volts_total : 0.0;
  meter_.set_operating_point(now, power_w, s.voltage_v, current_a);
}

} // namespace ocppfleet::charger
