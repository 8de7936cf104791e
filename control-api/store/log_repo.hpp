#pragma once
// Per-charger OCPP frame logs. Written in batches (the engine's frames arrive off the shard
// threads and are flushed together), bounded per charger, read newest first by default.
#include "control-api/store/database.hpp"
#include "control-api/store/page.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ocppfleet::store {

inline constexpr std::size_t k_default_log_retention = 5000;

struct LogRow {
  std::int64_t id = 0; // assigned by the database; ignored by append
  std::string charger_id;
  std::string direction; // "cp_to_csms" | "csms_to_cp"
  std::string action;
  std::string message;   // the raw OCPP-J frame
  std::string timestamp; // ISO-8601 UTC with milliseconds; empty on append = now
};

// Appends every row in one transaction, then keeps only the newest `keep_per_charger` rows
// (by timestamp, then id) of each charger in the batch.
void append_logs(Database& db, const std::vector<LogRow>& rows, std::size_t keep_per_charger = k_default_log_retention);

struct LogQuery {
  std::string charger_id;
  // Inclusive bounds, compared as text: pass them in core::format_timestamp's form
  // (parse then format the client's value) so the comparison is chronological.
  OptText start;
  OptText end;
  OptText action;
  OptText direction;
  std::int64_t limit = 100;
  std::int64_t offset = 0;
  bool newest_first = true;
};

// Page of matching rows plus the total matching (for {data, total, limit, offset}).
Page<LogRow> query_logs(Database& db, const LogQuery& query);

} // namespace ocppfleet::store
