#pragma once
// Numbered schema migrations. Each runs once, in its own transaction, and records itself in
// schema_migrations; a database written by a newer ocppfleet is refused rather than guessed at.
#include "control-api/store/database.hpp"

#include <span>
#include <string_view>

namespace ocppfleet::store {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Every migration, in version order (1, 2, ...).
std::span<const Migration> migrations();
int latest_schema_version();

// Highest applied version; 0 for a fresh database.
int schema_version(Database& db);

// Applies the pending migrations up to `target` (default: all). Throws StoreError when the
// database is newer than this build or a migration fails (that migration is rolled back).
void migrate(Database& db, int target = -1);

} // namespace ocppfleet::store
