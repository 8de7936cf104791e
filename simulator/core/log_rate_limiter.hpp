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
    // The window's second and the lines it used are one atomic word: opening a window and
    // counting a line can then never interleave (with two atomics, a line counted between
    // another thread's "new window" and its reset of the count was forgotten: budget + 1).
    const auto second = static_cast<std::uint32_t>(now_s);
    std::uint64_t state = state_.load(std::memory_order_relaxed);
    for (;;) {
      const auto window = static_cast<std::uint32_t>(state >> 32U);
      const auto used = static_cast<std::uint32_t>(state);
      std::uint64_t next = 0;
      if (static_cast<std::int32_t>(second - window) > 0)
        next = (std::uint64_t{second} << 32U) | 1U; // a later second: a fresh budget
      else if (used < per_second_)
        next = state + 1;
      else
        break;
      if (state_.compare_exchange_weak(state, next, std::memory_order_relaxed))
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
  std::atomic<std::uint64_t> state_{0}; // window second << 32 | lines used in it
  std::atomic<std::uint64_t> suppressed_{0};
};

} // namespace ocppfleet::core
