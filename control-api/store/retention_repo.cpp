#include "control-api/store/retention_repo.hpp"

#include "control-api/store/workflow_repo.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::store {

PurgeResult purge_deleted_chargers(Database& db, std::chrono::seconds retention) {
  // deleted_at is core::format_timestamp text (fixed width, UTC), so text order is time order.
  const std::string cutoff = core::format_timestamp(db.clock().wall_now() - retention);
  constexpr std::string_view doomed = "SELECT id FROM chargers WHERE deleted_at IS NOT NULL AND deleted_at < ?1";
  PurgeResult out;
  {
    Transaction tx{db};
    db.prepare("DELETE FROM charger_logs WHERE charger_id IN (" + std::string{doomed} + ")").bind(1, cutoff).run();
    out.logs = db.changes();
    db.prepare("DELETE FROM workflow_runs WHERE kind = ?2 AND subject_id IN (" + std::string{doomed} + ")")
        .bind_all(cutoff, workflow_kind::charger_create)
        .run();
    out.runs = db.changes();
    db.prepare("DELETE FROM chargers WHERE deleted_at IS NOT NULL AND deleted_at < ?1").bind(1, cutoff).run();
    out.chargers = db.changes();
    tx.commit();
  }
  // Outside the transaction: incremental_vacuum moves pages, which a later checkpoint then
  // truncates from the file. A no-op on a database without auto_vacuum=INCREMENTAL.
  if (out.chargers > 0) db.prepare("PRAGMA incremental_vacuum").run();
  return out;
}

} // namespace ocppfleet::store
