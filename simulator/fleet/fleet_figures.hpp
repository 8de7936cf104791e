#pragma once
// One reading of the fleet's counters, and the words for it. `ocppfleet run` prints its
// progress lines, its summary and --summary-json from these, so the three always agree on
// what "in transaction", "started" and "rejected" mean (ocpp/common/transaction_tally.hpp).
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>

#include "simulator/core/fleet_counters.hpp"
#include "simulator/ocpp/common/start_rejection.hpp"
#include "simulator/transport/link_error.hpp"

namespace ocppfleet::fleet {

struct FleetFigures {
  std::int64_t connected = 0;
  std::int64_t booted = 0;
  std::int64_t in_transaction = 0; // accepted transactions of online chargers, now
  std::int64_t failed = 0;
  std::uint64_t connects_total = 0;
  std::uint64_t transactions_started = 0;                                  // starts the CSMS accepted
  std::uint64_t transactions_stopped = 0;                                  // of those, ended
  std::array<std::uint64_t, ocpp::kStartRejectionCount> starts_rejected{}; // by ocpp::StartRejection
  std::array<std::uint64_t, transport::kLinkErrorCount> link_failures{};   // by transport::LinkError

  [[nodiscard]] std::uint64_t starts_rejected_total() const noexcept;
};

FleetFigures read_figures(const core::FleetCounters& c) noexcept;

// "ConcurrentTx 7, Invalid 1" in status order; empty when none was refused.
std::string rejected_starts_text(const FleetFigures& f);
// {"ConcurrentTx": 7, ...}, only the statuses seen.
nlohmann::json rejected_starts_json(const FleetFigures& f);
// "closed_by_peer 120, http_not_found 3" in code order; empty when none.
std::string link_failures_text(const FleetFigures& f);
nlohmann::json link_failures_json(const FleetFigures& f);

// "[   12.0s] connected 9/10  booted 9  in-transaction 2  failed 0  connects/s 3
//  rejected starts: ConcurrentTx 7  disconnects: closed_by_peer 1" (no newline).
std::string progress_line(const FleetFigures& f, int total, double elapsed_s, double connects_per_s);
// "transactions: started 3, stopped 1, in transaction 2; rejected starts 7 (ConcurrentTx 7)"
std::string transactions_summary(const FleetFigures& f);

} // namespace ocppfleet::fleet
