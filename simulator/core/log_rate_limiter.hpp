#pragma once
// Lock-free "at most N lines per second" for log lines any shard may write (e.g. one per
// disconnect: a 10,000-charger storm must not flood the console). Past the budget lines are
// counted instead of written; the first line allowed in a later second learns how many were
// held back, so the log can say so in one line. Relaxed atomics only, no lock.
#include <atomic>
#include <cstdint>

namespace ocppfleet::core {

class LogRateLimiter {
public:
  explicit LogRateLimiter(std::uint32_t per_second) noexcept : per_second_(per_second) {}

  struct Decision {
    bool log = false;             // write this line
    std::uint64_t suppressed = 0; // lines held back since the last one written (say so first)
  };
  // `now_s`: a monotonic time in whole seconds (the caller's clock).
  Decision admit(std::int64_t now_s) noexcept {
    std::int64_t window = window_.load(std::memory_order_relaxed);
    if (now_s > window && window_.compare_exchange_strong(window, now_s, std::memory_order_relaxed)) {
      used_.store(0, std::memory_order_relaxed);
    }
    if (used_.fetch_add(1, std::memory_order_relaxed) < per_second_) {
      return Decision{true, suppressed_.exchange(0, std::memory_order_relaxed)};
    }
    suppressed_.fetch_add(1, std::memory_order_relaxed);
    return Decision{false, 0};
  }
  [[nodiscard]] std::uint64_t suppressed() const noexcept { return suppressed_.load(std::memory_order_relaxed); }
  // The held-back count, reset (for a closing "N not logged" line).
  std::uint64_t take_suppressed() noexcept { return suppressed_.exchange(0, std::memory_order_relaxed); }

private:
  std::uint32_t per_second_;
  std::atomic<std::int64_t> window_{INT64_MIN};
  std::atomic<std::uint32_t> used_{0};
  std::atomic<std::uint64_t> suppressed_{0};
};

} // namespace ocppfleet::core
