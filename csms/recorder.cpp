// Version-neutral bookkeeping shared by the 1.6 and 2.0.1 handlers.
#include <algorithm>

#include "csms/handlers.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::csms::detail {
namespace {

StationSnapshot station_row(const Station& station) {
  StationSnapshot row = station.info;
  row.connectors.clear();
  return row;
}

void recompute_energy(TransactionSnapshot& tx) {
  const auto end = tx.meter_stop_wh ? tx.meter_stop_wh : tx.meter_last_wh;
  tx.energy_wh = tx.meter_start_wh && end ? std::max(0.0, *end - *tx.meter_start_wh) : 0.0;
}

void emit(HandlerContext& ctx, TransactionChange change, const TransactionSnapshot& tx) {
  ctx.changes.transactions.push_back(TransactionChanged{change, tx});
}

// Keeps memory bounded for long runs: the oldest ended transactions leave memory (the
// database keeps them).
void trim_ended(HandlerContext& ctx) {
  auto& st = ctx.station;
  while (st.ended.size() > ctx.env.max_ended_transactions) {
    st.transactions.erase(st.ended.front());
    st.ended.pop_front();
  }
}

} // namespace

std::string now_text(const HandlerContext& ctx) { return core::format_timestamp(ctx.env.clock->wall_now()); }

void touch_locked(HandlerContext& ctx) {
  ctx.station.info.last_seen = now_text(ctx);
  const auto now = ctx.env.clock->steady_now();
  if (ctx.station.last_seen_persisted && now - *ctx.station.last_seen_persisted < ctx.env.last_seen_persist_every)
    return;
  ctx.station.last_seen_persisted = now;
  ctx.changes.station = station_row(ctx.station);
}

void record_boot_locked(HandlerContext& ctx, std::string vendor, std::string model, std::string serial,
                        std::string firmware, std::string status) {
  auto& info = ctx.station.info;
  info.vendor = std::move(vendor);
  info.model = std::move(model);
  info.serial_number = std::move(serial);
  info.firmware_version = std::move(firmware);
  info.boot_status = std::move(status);
  info.last_boot_at = now_text(ctx);
  ctx.changes.station = station_row(ctx.station);
}

void record_status_locked(HandlerContext& ctx, ConnectorStatus status) {
  auto& slot = ctx.station.connectors[{status.evse_id, status.connector_id}];
  const bool changed = slot.status != status.status || slot.error_code != status.error_code;
  slot = status;
  // Every report is persisted (its timestamp moved); only a change is an event.
  StatusChanged row{ctx.station.info.backend, ctx.station.info.identity, std::move(status)};
  if (changed) ctx.changes.status_events.push_back(row);
  ctx.changes.statuses.push_back(std::move(row));
}

void record_token_locked(HandlerContext& ctx, const std::string& token, const std::string& type) {
  if (token.empty()) return;
  const auto now = now_text(ctx);
  auto& t = ctx.station.tokens[token];
  if (t.first_seen.empty()) t.first_seen = now;
  t.backend = ctx.station.info.backend;
  t.id_token = token;
  t.type = type;
  t.identity = ctx.station.info.identity;
  t.last_seen = now;
  ctx.changes.id_tokens.push_back(t);
}

TransactionSnapshot* find_transaction_locked(HandlerContext& ctx, const std::string& id) {
  const auto it = ctx.station.transactions.find(id);
  return it == ctx.station.transactions.end() ? nullptr : &it->second;
}

TransactionSnapshot& start_transaction_locked(HandlerContext& ctx, TransactionSnapshot tx) {
  tx.backend = ctx.station.info.backend;
  tx.identity = ctx.station.info.identity;
  tx.state = TransactionState::Active;
  tx.updated_at = now_text(ctx);
  recompute_energy(tx);
  auto [it, inserted] = ctx.station.transactions.try_emplace(tx.transaction_id, tx);
  if (!inserted) {
    // A repeated Started (a retry after a lost answer): keep what we knew, fill the gaps.
    auto& known = it->second;
    if (!known.meter_start_wh) known.meter_start_wh = tx.meter_start_wh;
    if (known.id_token.empty()) known.id_token = tx.id_token;
    recompute_energy(known);
    emit(ctx, TransactionChange::Updated, known);
    return known;
  }
  emit(ctx, TransactionChange::Started, it->second);
  return it->second;
}

void record_reading_locked(HandlerContext& ctx, TransactionSnapshot& tx, std::optional<double> wh) {
  if (!wh || tx.state == TransactionState::Ended) return;
  if (!tx.meter_start_wh) tx.meter_start_wh = wh; // a Started without a reading: the first one counts
  tx.meter_last_wh = wh;
  recompute_energy(tx);
  tx.updated_at = now_text(ctx);
  emit(ctx, TransactionChange::Updated, tx);
}

void end_transaction_locked(HandlerContext& ctx, TransactionSnapshot& tx, std::optional<double> stop_wh,
                            std::string stopped_at, std::string reason) {
  if (tx.state == TransactionState::Ended) return;
  if (stop_wh) {
    if (!tx.meter_start_wh) tx.meter_start_wh = stop_wh;
    tx.meter_stop_wh = stop_wh;
    tx.meter_last_wh = stop_wh;
  }
  tx.stopped_at = std::move(stopped_at);
  tx.stop_reason = std::move(reason);
  tx.state = TransactionState::Ended;
  tx.updated_at = now_text(ctx);
  recompute_energy(tx);
  emit(ctx, TransactionChange::Ended, tx);
  ctx.station.ended.push_back(tx.transaction_id);
  trim_ended(ctx);
}

const HandlerTable& handlers_for(std::string_view subprotocol) {
  return subprotocol == "ocpp2.0.1" ? v201_handlers() : v16_handlers();
}

} // namespace ocppfleet::csms::detail
