#include "simulator/charger/meter.hpp"

#include <algorithm>

namespace ocppfleet::charger {

void Meter::set_operating_point(SteadyTime now, double power_w, double voltage_v, double current_a) {
  advance(now);
  power_w_ = power_w;
  voltage_v_ = voltage_v;
  current_a_ = current_a;
}

void Meter::advance(SteadyTime now) {
  if (!last_) {
    last_ = now; // nothing to integrate before the first known instant
    return;
  }
  if (now <= *last_) return; // backwards (or no) time: keep the register and the anchor
  const std::chrono::duration<double, std::ratio<3600>> dt_h = now - *last_;
  // An import register: a negative operating point must not run it backwards.
  energy_wh_ += std::max(power_w_, 0.0) * dt_h.count();
  last_ = now;
}

} // namespace ocppfleet::charger
