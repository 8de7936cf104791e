#pragma once
// One charger's share of the fleet's transaction figures (core::FleetCounters), the same for
// both OCPP versions, so the progress line and the summary agree:
// - a transaction counts as started when the CSMS accepts its start (1.6 StartTransaction,
//   2.0.1 TransactionEvent Started with an Accepted or no idTokenInfo), and as stopped when
//   such a transaction ends;
// - a start the CSMS refuses (Authorize, StartTransaction or TransactionEvent Started answered
//   with another status) counts as rejected, by that status, and never as started;
// - the in-transaction gauge holds the accepted transactions of chargers that are online
//   (boot accepted): a charger that disconnects leaves it and comes back into it only when its
//   transaction resumes after the next accepted boot.
// Shard thread only; the counters are relaxed atomics (no lock).
#include <string_view>

#include "simulator/charger/charger_model.hpp"
#include "simulator/core/fleet_counters.hpp"

namespace ocppfleet::ocpp {

class TransactionTally {
public:
  explicit TransactionTally(core::FleetCounters& counters) noexcept : counters_(counters) {}
  ~TransactionTally(); // a charger that goes away leaves the gauge
  TransactionTally(const TransactionTally&) = delete;
  TransactionTally& operator=(const TransactionTally&) = delete;

  // The answer to a start: true when `status` is Accepted. Counts the start as started or as
  // rejected by `status`; a rejected start's transaction (if any) is never confirmed.
  bool on_start_answer(std::string_view status);
  // The answer to the Authorize before a start: true when Accepted; a refusal counts as a
  // rejected start (no transaction follows), an acceptance counts nothing yet.
  bool on_authorize_answer(std::string_view status);
  // A transaction ended; counted as stopped when its start was accepted.
  void on_ended(const charger::Transaction& tx) { on_ended(tx.confirmed); }
  void on_ended(bool confirmed);
  // Sets this charger's share of the gauge: its confirmed transactions while `online`.
  void sync(const charger::ChargerModel& model, bool online);

private:
  core::FleetCounters& counters_;
  int held_ = 0; // this charger's share of counters_.in_transaction
};

} // namespace ocppfleet::ocpp
