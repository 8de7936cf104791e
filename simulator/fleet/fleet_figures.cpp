#include "simulator/fleet/fleet_figures.hpp"

#include <cstdio>

namespace ocppfleet::fleet {

static_assert(transport::kLinkErrorCount <= core::FleetCounters::kLinkFailureKinds);
static_assert(ocpp::kStartRejectionCount <= core::FleetCounters::kStartRejectionKinds);

std::uint64_t FleetFigures::starts_rejected_total() const noexcept {
  std::uint64_t n = 0;
  for (const auto v : starts_rejected)
    n += v;
  return n;
}

FleetFigures read_figures(const core::FleetCounters& c) noexcept {
  constexpr auto relaxed = std::memory_order_relaxed;
  FleetFigures f;
  f.connected = c.connected.load(relaxed);
  f.booted = c.booted.load(relaxed);
  f.in_transaction = c.in_transaction.load(relaxed);
  f.failed = c.failed.load(relaxed);
  f.connects_total = c.connects_total.load(relaxed);
  f.transactions_started = c.transactions_started_total.load(relaxed);
  f.transactions_stopped = c.transactions_stopped_total.load(relaxed);
  for (int i = 1; i < ocpp::kStartRejectionCount; ++i)
    f.starts_rejected[static_cast<std::size_t>(i)] = c.starts_rejected_total[i].load(relaxed);
  for (int i = 1; i < transport::kLinkErrorCount; ++i)
    f.link_failures[static_cast<std::size_t>(i)] = c.link_failures_total[i].load(relaxed);
  return f;
}

std::string rejected_starts_text(const FleetFigures& f) {
  std::string out;
  for (int i = 1; i < ocpp::kStartRejectionCount; ++i) {
    const auto n = f.starts_rejected[static_cast<std::size_t>(i)];
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string{ocpp::name(static_cast<ocpp::StartRejection>(i))} + " " + std::to_string(n);
  }
  return out;
}

nlohmann::json rejected_starts_json(const FleetFigures& f) {
  nlohmann::json j = nlohmann::json::object();
  for (int i = 1; i < ocpp::kStartRejectionCount; ++i)
    if (const auto n = f.starts_rejected[static_cast<std::size_t>(i)]; n > 0)
      j[std::string{ocpp::name(static_cast<ocpp::StartRejection>(i))}] = n;
  return j;
}

std::string link_failures_text(const FleetFigures& f) {
  std::string out;
  for (int i = 1; i < transport::kLinkErrorCount; ++i) {
    const auto n = f.link_failures[static_cast<std::size_t>(i)];
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::string{transport::code_name(static_cast<transport::LinkError>(i))} + " " + std::to_string(n);
  }
  return out;
}

nlohmann::json link_failures_json(const FleetFigures& f) {
  nlohmann::json j = nlohmann::json::object();
  for (int i = 1; i < transport::kLinkErrorCount; ++i)
    if (const auto n = f.link_failures[static_cast<std::size_t>(i)]; n > 0)
      j[std::string{transport::code_name(static_cast<transport::LinkError>(i))}] = n;
  return j;
}

std::string progress_line(const FleetFigures& f, int total, double elapsed_s, double connects_per_s) {
  char head[256];
  std::snprintf(head, sizeof head,
                "[%7.1fs] connected %lld/%d  booted %lld  in-transaction %lld  failed %lld  connects/s %.0f", elapsed_s,
                static_cast<long long>(f.connected), total, static_cast<long long>(f.booted),
                static_cast<long long>(f.in_transaction), static_cast<long long>(f.failed), connects_per_s);
  std::string out{head};
  // Refused starts by status, and why connections end or attempts fail, counted since the
  // start: a CSMS refusing every start or a retry loop never looks like a quiet fleet.
  if (const auto rejected = rejected_starts_text(f); !rejected.empty()) out += "  rejected starts: " + rejected;
  if (const auto causes = link_failures_text(f); !causes.empty()) out += "  disconnects: " + causes;
  return out;
}

std::string transactions_summary(const FleetFigures& f) {
  std::string out = "transactions: started " + std::to_string(f.transactions_started) + ", stopped " +
                    std::to_string(f.transactions_stopped) + ", in transaction " + std::to_string(f.in_transaction) +
                    "; rejected starts " + std::to_string(f.starts_rejected_total());
  if (const auto rejected = rejected_starts_text(f); !rejected.empty()) out += " (" + rejected + ")";
  return out;
}

} // namespace ocppfleet::fleet
