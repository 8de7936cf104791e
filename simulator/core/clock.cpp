#include "simulator/core/clock.hpp"

namespace ocppfleet::core {

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

VirtualClock::VirtualClock(WallTime wall_start) : wall_start_(wall_start) {}

Clock::WallTime VirtualClock::wall_now() const {
  return wall_start_ + std::chrono::duration_cast<WallTime::duration>(
                           std::chrono::nanoseconds{elapsed_ns_.load(std::memory_order_acquire)});
}

Clock::SteadyTime VirtualClock::steady_now() const {
  return SteadyTime{std::chrono::duration_cast<SteadyTime::duration>(
      std::chrono::nanoseconds{elapsed_ns_.load(std::memory_order_acquire)})};
}

void VirtualClock::advance(std::chrono::nanoseconds d) { elapsed_ns_.fetch_add(d.count(), std::memory_order_acq_rel); }

} // namespace ocppfleet::core
