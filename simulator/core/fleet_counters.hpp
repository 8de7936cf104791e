#pragma once
// Fleet-wide live figures, shared by every charger of a fleet (never per charger): a few
// relaxed atomics that shard threads bump and any thread reads for progress output.
#include <atomic>
#include <cstdint>

#include "simulator/core/latency_histogram.hpp"

namespace ocppfleet::core {

struct FleetCounters {
  std::atomic<std::int64_t> connected{0}; // links open now
  std::atomic<std::int64_t> booted{0};    // chargers whose BootNotification is Accepted now
  // Transactions the CSMS accepted, running now on chargers that are online (boot accepted):
  // a charger that disconnects leaves it (ocpp/common/transaction_tally.hpp).
  std::atomic<std::int64_t> in_transaction{0};
  std::atomic<std::int64_t> failed{0}; // chargers whose link stopped on a non-retryable error
  std::atomic<std::uint64_t> connects_total{0};
  std::atomic<std::uint64_t> disconnects_total{0};
  std::atomic<std::uint64_t> boots_accepted_total{0};
  std::atomic<std::uint64_t> boots_rejected_total{0};
  std::atomic<std::uint64_t> calls_sent_total{0};
  std::atomic<std::uint64_t> call_errors_total{0}; // CALLERROR answers to our calls
  std::atomic<std::uint64_t> call_timeouts_total{0};
  // Transaction messages the CSMS failed to process (timeout or CALLERROR): resent, and
  // given up after the configured attempts (TransactionMessageAttempts / MessageAttempts).
  std::atomic<std::uint64_t> calls_retried_total{0};
  std::atomic<std::uint64_t> calls_abandoned_total{0};
  std::atomic<std::uint64_t> calls_received_total{0};
  std::atomic<std::uint64_t> transactions_started_total{0}; // starts the CSMS accepted
  std::atomic<std::uint64_t> transactions_stopped_total{0}; // of those, ended
  // Starts the CSMS refused (idTagInfo / idTokenInfo status not Accepted), by status, indexed
  // by ocpp::StartRejection (core knows no OCPP: ocpp/common static_asserts that they fit).
  static constexpr int kStartRejectionKinds = 16;
  std::atomic<std::uint64_t> starts_rejected_total[kStartRejectionKinds] = {};
  std::atomic<std::uint64_t> frames_dropped_total{0}; // outbound queue full
  // Ended connections and failed attempts by cause, indexed by transport::LinkError (core
  // knows no transport: the adapters static_assert that every code fits).
  static constexpr int kLinkFailureKinds = 32;
  std::atomic<std::uint64_t> link_failures_total[kLinkFailureKinds] = {};
  ActionLatencies latency; // CALL -> CALLRESULT/CALLERROR, per action
};

inline void bump(std::atomic<std::int64_t>& c, std::int64_t d = 1) { c.fetch_add(d, std::memory_order_relaxed); }
inline void bump(std::atomic<std::uint64_t>& c, std::uint64_t d = 1) { c.fetch_add(d, std::memory_order_relaxed); }

} // namespace ocppfleet::core
