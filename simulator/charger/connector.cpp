#include "simulator/charger/charger_model.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace ocppfleet::charger {

namespace {

using Hours = std::chrono::duration<double, std::ratio<3600>>;

// The simple DC model (no curve): full power up to the knee, then a linear taper to a tenth.
constexpr double dc_taper_knee = 0.8;
constexpr double dc_taper_floor = 0.1;
// Where power follows SoC, long gaps are integrated in steps no longer than this.
constexpr std::chrono::seconds taper_step{15};
// Below this the battery (or the distance to the knee) counts as reached; keeps float
// rounding from producing a tail of nanosecond steps.
constexpr double energy_epsilon_wh = 1e-6;
// A Li-ion pack's voltage rises roughly linearly over the usable SoC window, about -10 %
// (empty) to +5 % (full) around its nominal voltage (NMC cells: ~3.3 V to ~4.1 V).
constexpr double pack_voltage_at_empty = 0.90;
constexpr double pack_voltage_span = 0.15;

double simple_dc_taper(double soc) {
  if (soc >= 1.0) return 0.0;
  if (soc <= dc_taper_knee) return 1.0;
  return 1.0 - (1.0 - dc_taper_floor) * (soc - dc_taper_knee) / (1.0 - dc_taper_knee);
}

// The parts of the plugged EV the physics reads (Connector::PluggedEv is private).
struct EvView {
  double battery_wh;
  double max_ac_power_w;
  double max_dc_power_w;
  const ChargingCurve* dc_curve;
  double battery_voltage_v;
  int ac_phases;
};

double ev_soc(double battery_wh, double energy_wh) {
  return battery_wh > 0.0 ? std::clamp(energy_wh / battery_wh, 0.0, 1.0) : 1.0;
}

int ac_phases_used(const ConnectorSpec& spec, int ev_phases) {
  const int connector = std::max(spec.phases, 1);
  return ev_phases > 0 ? std::min(ev_phases, connector) : connector;
}

// DC output voltage: the pack's voltage at this SoC (the charger follows the battery),
// capped by the connector's maximum; the connector's own voltage when the EV names none.
double dc_voltage(const ConnectorSpec& spec, const EvView& ev, double soc) {
  if (ev.battery_voltage_v <= 0.0) return spec.voltage_v;
  return std::min(spec.voltage_v, ev.battery_voltage_v * (pack_voltage_at_empty + pack_voltage_span * soc));
}

struct OperatingPoint {
  double power_w = 0.0;
  double voltage_v = 0.0;
  double current_a = 0.0;
};

OperatingPoint operating_point(const ConnectorSpec& spec, const EvView& ev, double soc, bool delivering,
                               std::optional<double> limit_w) {
  OperatingPoint op;
  if (spec.current_type == CurrentType::AC) {
    const int phases = ac_phases_used(spec, ev.ac_phases);
    op.voltage_v = spec.voltage_v;
    if (delivering && soc < 1.0) { // a full EV draws nothing, AC or DC
      op.power_w = std::min({spec.max_power_w, phases * spec.voltage_v * spec.max_current_a, ev.max_ac_power_w});
    }
    if (limit_w) op.power_w = std::min(op.power_w, *limit_w);
    op.power_w = std::max(op.power_w, 0.0);
    const double volts_total = phases * spec.voltage_v;
    op.current_a = volts_total > 0.0 ? op.power_w / volts_total : 0.0;
    return op;
  }
  op.voltage_v = dc_voltage(spec, ev, soc);
  if (delivering && soc < 1.0) {
    const double ev_limit = ev.dc_curve ? std::min(ev.max_dc_power_w, ev.dc_curve->max_power_at(soc))
                                        : ev.max_dc_power_w * simple_dc_taper(soc);
    op.power_w = std::min(spec.max_power_w, ev_limit);
    // The cable's current limit binds for low-voltage packs on high-power chargers.
    if (ev.battery_voltage_v > 0.0) op.power_w = std::min(op.power_w, op.voltage_v * spec.max_current_a);
  }
  if (limit_w) op.power_w = std::min(op.power_w, *limit_w);
  op.power_w = std::max(op.power_w, 0.0);
  op.current_a = op.voltage_v > 0.0 ? op.power_w / op.voltage_v : 0.0;
  return op;
}

} // namespace

double ChargingCurve::max_power_at(double soc) const noexcept {
  if (points.empty()) return std::numeric_limits<double>::infinity();
  if (soc <= points.front().soc) return points.front().max_power_w;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const Point& a = points[i - 1];
    const Point& b = points[i];
    if (soc <= b.soc) {
      const double span = b.soc - a.soc;
      return span > 0.0 ? a.max_power_w + (b.max_power_w - a.max_power_w) * (soc - a.soc) / span : b.max_power_w;
    }
  }
  return points.back().max_power_w;
}

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
  if (!plugged_) return std::nullopt;
  return 100.0 * ev_soc(ev_.battery_wh, ev_energy_wh_);
}

int Connector::active_phases() const noexcept {
  if (spec_->current_type == CurrentType::DC) return 1;
  return ac_phases_used(*spec_, plugged_ ? ev_.ac_phases : 0);
}

void Connector::plug(SteadyTime now, const EvSpec& ev) {
  advance(now);
  plugged_ = true;
  finishing_ = false; // a new vehicle starts a new session
  ev_suspended_ = false;
  ev_ = PluggedEv{std::max(ev.battery_wh, 0.0),
                  ev.max_ac_power_w,
                  ev.max_dc_power_w,
                  ev.dc_curve,
                  static_cast<float>(std::max(ev.battery_voltage_v, 0.0)),
                  static_cast<std::uint8_t>(std::clamp(ev.ac_phases, 0, 3))};
  ev_energy_wh_ = std::clamp(ev.initial_soc, 0.0, 1.0) * ev_.battery_wh;
  recompute(now);
}

void Connector::unplug(SteadyTime now) {
  advance(now);
  plugged_ = false;
  finishing_ = false;
  ev_suspended_ = false;
  ev_ = PluggedEv{};
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
  // the battery fills and, for DC, at the knee and along the taper (simple model) or all
  // along the curve / pack voltage. Step to those points so a long gap integrates the same
  // energy as many short ones.
  const bool dc = spec_->current_type == CurrentType::DC;
  const bool follows_soc = dc && (ev_.dc_curve != nullptr || ev_.battery_voltage_v > 0.0F);
  auto t = meter_.last_update();
  while (t && *t < now && plugged_ && meter_.power_w() > 0.0) {
    const double p = meter_.power_w();
    const double battery = ev_.battery_wh;
    const double to_full = battery - ev_energy_wh_;
    const double to_knee = dc_taper_knee * battery - ev_energy_wh_;
    const Hours remaining = now - *t;
    Hours step = remaining;
    if (dc && !follows_soc && to_knee > energy_epsilon_wh) {
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
  if (plugged_) {
    const double battery = ev_.battery_wh;
    ev_energy_wh_ = std::min(ev_energy_wh_ + (meter_.energy_wh() - before_wh), battery);
    if (battery - ev_energy_wh_ < energy_epsilon_wh) ev_energy_wh_ = battery;
  }

  const bool delivering = tx_ && plugged_ && !ev_suspended_ && !fault_;
  const EvView ev{
      ev_.battery_wh, ev_.max_ac_power_w, ev_.max_dc_power_w, ev_.dc_curve, static_cast<double>(ev_.battery_voltage_v),
      ev_.ac_phases};
  OperatingPoint op = operating_point(*spec_, ev, ev_soc(ev_.battery_wh, ev_energy_wh_), delivering, offered_limit_w_);
  if (!plugged_) op.voltage_v = spec_->voltage_v; // nothing on the output: the supply's nominal voltage
  meter_.set_operating_point(now, op.power_w, op.voltage_v, op.current_a);
}

} // namespace ocppfleet::charger
