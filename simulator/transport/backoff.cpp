#include "simulator/transport/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace ocppfleet::transport {

std::chrono::milliseconds Backoff::next_delay() {
  const double initial = static_cast<double>(policy_->initial.count());
  const double cap = static_cast<double>(policy_->max.count());
  const double base = std::min(cap, initial * std::pow(policy_->multiplier, static_cast<double>(attempt_)));
  if (attempt_ < 64) ++attempt_;
  const double j = std::clamp(policy_->jitter, 0.0, 1.0);
  const double factor = 1.0 + j * (2.0 * prng_.unit() - 1.0);
  const double delay = std::clamp(base * factor, 0.0, cap);
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(delay))};
}

} // namespace ocppfleet::transport
