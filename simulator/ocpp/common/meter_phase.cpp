#include "simulator/ocpp/common/meter_phase.hpp"

#include <string>

#include "simulator/core/prng.hpp"

namespace ocppfleet::ocpp {

std::chrono::milliseconds meter_phase(std::uint64_t seed, std::string_view identity,
                                      std::chrono::milliseconds interval) {
  if (interval.count() <= 0) return std::chrono::milliseconds{0};
  std::string label{"meter-phase/"};
  label += identity;
  core::Prng prng{core::derive_seed(seed, label)};
  // One draw per (charger, interval): the charger keeps its place in the interval.
  return std::chrono::milliseconds{1 +
                                   static_cast<std::int64_t>(prng.below(static_cast<std::uint64_t>(interval.count())))};
}

} // namespace ocppfleet::ocpp
