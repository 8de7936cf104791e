#pragma once
// Energy meter of one connector: integrates power over (injected) time into a monotone
// energy register. Cheap: no allocation, a few doubles.
#include <chrono>
#include <optional>

namespace ocppfleet::charger {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class CurrentType { AC, DC };

class Meter {
public:
  Meter() = default;
  // The voltage is what the meter shows before the first operating point (the supply's
  // nominal voltage is present even with no load).
  explicit Meter(double initial_energy_wh, double voltage_v = 230.0)
      : energy_wh_(initial_energy_wh), voltage_v_(voltage_v) {}

  // Integrates the present power up to `now`, then switches to the new operating point.
  // Backwards time is ignored (the register never decreases).
  void set_operating_point(SteadyTime now, double power_w, double voltage_v, double current_a);
  // Integrates the present power up to `now`.
  void advance(SteadyTime now);

  [[nodiscard]] double energy_wh() const noexcept { return energy_wh_; }
  [[nodiscard]] double power_w() const noexcept { return power_w_; }
  [[nodiscard]] double voltage_v() const noexcept { return voltage_v_; }
  [[nodiscard]] double current_a() const noexcept { return current_a_; }
  // The time the register was last integrated to (nullopt before the first call); lets the
  // owner sub-step long gaps when the operating point depends on the energy delivered.
  [[nodiscard]] std::optional<SteadyTime> last_update() const noexcept { return last_; }

private:
  double energy_wh_ = 0.0;
  double power_w_ = 0.0;
  double voltage_v_ = 230.0;
  double current_a_ = 0.0;
  std::optional<SteadyTime> last_{};
};

} // namespace ocppfleet::charger
