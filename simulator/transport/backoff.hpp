#pragma once
// Reconnect delays: exponential growth with seeded jitter, so a fleet that loses its CSMS
// does not come back as one synchronized wave, yet the same seed gives the same schedule.
#include <chrono>
#include <cstdint>

#include "simulator/core/prng.hpp"

namespace ocppfleet::transport {

struct BackoffPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{60'000};
  double multiplier = 2.0;
  double jitter = 0.3; // each delay is base * (1 ± jitter), uniformly
};

class Backoff {
public:
  // Keeps a pointer to `policy` (a Link's lives in its shared LinkConfig): it must outlive
  // the Backoff, so temporaries are refused at compile time.
  Backoff(const BackoffPolicy& policy, std::uint64_t seed) : policy_(&policy), prng_(seed) {}
  Backoff(BackoffPolicy&&, std::uint64_t) = delete;

  // The delay before the next attempt; grows with every call until reset().
  std::chrono::milliseconds next_delay();
  void reset() noexcept { attempt_ = 0; }
  [[nodiscard]] std::uint32_t attempt() const noexcept { return attempt_; }

private:
  const BackoffPolicy* policy_;
  core::Prng prng_;
  std::uint32_t attempt_ = 0;
};

} // namespace ocppfleet::transport
