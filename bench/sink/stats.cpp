#include "bench/sink/stats.hpp"

#include <cstdio>

namespace ocppfleet::bench {

namespace {
constexpr std::array<std::string_view, static_cast<std::size_t>(Action::Count_)> k_names{
    "BootNotification", "Heartbeat",   "StatusNotification", "Authorize",    "StartTransaction",
    "StopTransaction",  "MeterValues", "TransactionEvent",   "DataTransfer", "Other"};
} // namespace

Action action_from_name(std::string_view name) {
  for (std::size_t i = 0; i + 1 < k_names.size(); ++i) {
    if (k_names[i] == name) return static_cast<Action>(i);
  }
  return Action::Other;
}

std::string_view action_name(Action a) { return k_names[static_cast<std::size_t>(a)]; }

void Stats::on_open() {
  connections_total.fetch_add(1, std::memory_order_relaxed);
  const auto now_open = connections_open.fetch_add(1, std::memory_order_relaxed) + 1;
  auto peak = connections_peak.load(std::memory_order_relaxed);
  while (now_open > peak && !connections_peak.compare_exchange_weak(peak, now_open, std::memory_order_relaxed)) {
  }
}

std::string Stats::line(double uptime_s, double calls_per_s) const {
  char head[320];
  std::snprintf(
      head, sizeof head,
      "sink: uptime_s=%.1f conns_open=%lld conns_peak=%lld conns_total=%llu upgrades_failed=%llu "
      "accept_errors=%llu bad_frames=%llu calls=%llu calls_per_s=%.0f",
      uptime_s, static_cast<long long>(connections_open.load()), static_cast<long long>(connections_peak.load()),
      static_cast<unsigned long long>(connections_total.load()),
      static_cast<unsigned long long>(upgrades_failed.load()), static_cast<unsigned long long>(accept_errors.load()),
      static_cast<unsigned long long>(bad_frames.load()), static_cast<unsigned long long>(calls_total.load()),
      calls_per_s);
  std::string out{head};
  // Only actions seen so far, to keep the line short.
  for (std::size_t i = 0; i < calls_by_action.size(); ++i) {
    const auto n = calls_by_action[i].load();
    if (n == 0) continue;
    out += ' ';
    out += k_names[i];
    out += '=';
    out += std::to_string(n);
  }
  return out;
}

} // namespace ocppfleet::bench
