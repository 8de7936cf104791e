#pragma once
// Work a charger does later, on its own shard thread: the hardware's delays from its
// brand/model profile (first status after boot, authorize -> start, cable check before the
// EV draws), and seeded faults and their end. Empty for a charger with nothing pending: one
// empty vector per charger. The adapter folds earliest() into its one protocol timer and
// calls run_due() from it (and before handling a frame, so a jump of a virtual clock is
// caught up before anything reads the model).
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace ocppfleet::ocpp {

class DelayedActions {
public:
  using Time = std::chrono::steady_clock::time_point;

  void after(Time at, std::function<void()> fn) { items_.emplace_back(at, std::move(fn)); }
  [[nodiscard]] std::optional<Time> earliest() const {
    std::optional<Time> out;
    for (const auto& [at, fn] : items_)
      if (!out || at < *out) out = at;
    return out;
  }
  // Runs everything due at `now`, earliest first; actions may schedule new ones.
  void run_due(Time now) {
    for (;;) {
      auto it = std::min_element(items_.begin(), items_.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
      if (it == items_.end() || it->first > now) return;
      auto fn = std::move(it->second);
      items_.erase(it);
      fn();
    }
  }
  void clear() { items_.clear(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

private:
  std::vector<std::pair<Time, std::function<void()>>> items_;
};

} // namespace ocppfleet::ocpp
