#pragma once
// Counters shared by every sink session. Plain relaxed atomics: the sink is a load
// generator's counterpart, and exact cross-counter consistency in a stats line is not
// worth a lock on the hot path.
#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocppfleet::bench {

// Actions the sink recognises; anything else is counted as Other.
enum class Action : std::uint8_t {
  BootNotification,
  Heartbeat,
  StatusNotification,
  Authorize,
  StartTransaction,
  StopTransaction,
  MeterValues,
  TransactionEvent,
  DataTransfer,
  Other,
  Count_, // number of entries, not an action
};

Action action_from_name(std::string_view name);
std::string_view action_name(Action a);

struct Stats {
  std::atomic<std::uint64_t> connections_total{0}; // WebSocket upgrades accepted
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::int64_t> connections_peak{0};
  std::atomic<std::uint64_t> upgrades_failed{0}; // TCP accepted but no WebSocket session
  std::atomic<std::uint64_t> accept_errors{0};   // e.g. EMFILE at accept()
  std::atomic<std::uint64_t> bad_frames{0};      // not an OCPP CALL we could parse
  std::atomic<std::uint64_t> calls_total{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Action::Count_)> calls_by_action{};

  void on_open();
  void on_close() { connections_open.fetch_sub(1, std::memory_order_relaxed); }
  void on_call(Action a) {
    calls_total.fetch_add(1, std::memory_order_relaxed);
    calls_by_action[static_cast<std::size_t>(a)].fetch_add(1, std::memory_order_relaxed);
  }

  // One line, space-separated key=value pairs (easy to read and to parse from scripts).
  std::string line(double uptime_s, double calls_per_s) const;
};

} // namespace ocppfleet::bench
