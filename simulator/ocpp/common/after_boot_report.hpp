#pragma once
// Session work asked for before this connection's boot-time status report went out (a
// driver starting a session, a local Authorize or StartTransaction): held, and run right
// after the report, so a CSMS hears where every connector stands before any Authorize,
// StartTransaction or TransactionEvent (issue 12, "order at boot"). The adapter decides when
// the report is out; this only keeps the work. Bounded; empty costs one empty vector.
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace ocppfleet::ocpp {

class AfterBootReport {
public:
  static constexpr std::size_t kMaxHeld = 16;

  // Keeps `fn` for run_all(); false (and nothing kept) when kMaxHeld are already waiting.
  bool hold(std::function<void()> fn) {
    if (items_.size() >= kMaxHeld) return false;
    items_.push_back(std::move(fn));
    return true;
  }
  // Runs what was held, in order (work it holds again waits for the next report).
  void run_all() {
    auto items = std::move(items_);
    items_ = {};
    for (auto& fn : items)
      fn();
  }
  void clear() { items_ = {}; }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }

private:
  std::vector<std::function<void()>> items_;
};

} // namespace ocppfleet::ocpp
