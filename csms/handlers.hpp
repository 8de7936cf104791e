#pragma once
// What the CSMS answers to a station's CALL, per version: one immutable action table each
// (rpc::ActionRegistry), version-neutral bookkeeping in recorder.cpp. No sockets: a handler
// reads the payload, updates its station under the station's mutex and collects the
// resulting rows and events in `changes`, which the caller persists and publishes after the
// lock is released.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "csms/state.hpp"
#include "csms/types.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/ocpp/rpc/registry.hpp"

namespace ocppfleet::csms::detail {

struct HandlerEnv {
  const core::Clock* clock = &core::system_clock();
  std::chrono::seconds heartbeat_interval{300};
  std::size_t max_ended_transactions = 200;
  std::chrono::seconds last_seen_persist_every{30};
};

struct Changes {
  std::optional<StationSnapshot> station;   // the station row (without connectors)
  std::vector<StatusChanged> statuses;      // rows to write: every report
  std::vector<StatusChanged> status_events; // what listeners hear: changes only
  std::vector<TransactionChanged> transactions;
  std::vector<IdTokenSnapshot> id_tokens;
  [[nodiscard]] bool empty() const { return !station && statuses.empty() && transactions.empty() && id_tokens.empty(); }
};

struct HandlerContext {
  const HandlerEnv& env;
  Backend& backend;
  Station& station;
  Changes changes;
  // Set when an Authorize request was decided remotely (Session::handle_call): the handler
  // answers with it instead of asking the backend.
  std::optional<TokenVerdict> verdict = std::nullopt;
};

using HandlerTable = rpc::ActionRegistry<HandlerContext>;
const HandlerTable& v16_handlers();
const HandlerTable& v201_handlers();

// The table for a negotiated subprotocol ("ocpp1.6" / "ocpp2.0.1").
const HandlerTable& handlers_for(std::string_view subprotocol);

// ---- version-neutral bookkeeping (recorder.cpp); the caller holds station.mutex ----
std::string now_text(const HandlerContext& ctx);
// last_seen = now. The station row goes into changes when last_seen was last persisted
// more than `last_seen_persist_every` ago (any other change of the row persists it anyway).
void touch_locked(HandlerContext& ctx);
void record_boot_locked(HandlerContext& ctx, std::string vendor, std::string model, std::string serial,
                        std::string firmware, std::string status);
void record_status_locked(HandlerContext& ctx, ConnectorStatus status);
void record_token_locked(HandlerContext& ctx, const std::string& token, const std::string& type);
TransactionSnapshot* find_transaction_locked(HandlerContext& ctx, const std::string& id);
// Creates (or, for a repeated Started, refreshes) the transaction; emits Started once.
TransactionSnapshot& start_transaction_locked(HandlerContext& ctx, TransactionSnapshot tx);
// A register reading for an active transaction; emits Updated when anything changed.
void record_reading_locked(HandlerContext& ctx, TransactionSnapshot& tx, std::optional<double> wh);
// Ends it (idempotent: a second end changes nothing); emits Ended.
void end_transaction_locked(HandlerContext& ctx, TransactionSnapshot& tx, std::optional<double> stop_wh,
                            std::string stopped_at, std::string reason);

} // namespace ocppfleet::csms::detail
