#pragma once
// Retention of soft-deleted chargers. DELETE keeps the row (the identity is freed, the
// password scrubbed) so a client can still read what it deleted for a while; after the
// retention period the row, its frame logs and its provisioning runs go for good, and the
// pages they held go back to the file system (a create/delete churn once grew a database to
// 118 MB). The store thread runs this periodically (StoreOptions::deleted_retention).
#include "control-api/store/database.hpp"

#include <chrono>
#include <cstdint>

namespace ocppfleet::store {

struct PurgeResult {
  std::int64_t chargers = 0;
  std::int64_t logs = 0;
  std::int64_t runs = 0;
};

// Deletes chargers soft-deleted before now - `retention` (now from the database's clock),
// with their charger_logs rows and charger_create workflow runs (steps cascade), in one
// transaction, then gives the freed pages back (incremental_vacuum). Bulk job items keep
// their history (identity, status) and the id of the charger they made.
PurgeResult purge_deleted_chargers(Database& db, std::chrono::seconds retention);

} // namespace ocppfleet::store
