#include "control-api/store/bulk_job_repo.hpp"

#include "control-api/store/ids.hpp"

namespace ocppfleet::store {

namespace {

constexpr std::string_view k_select_job =
    "SELECT id, org_id, location_id, status, request_json, created_at, updated_at FROM bulk_jobs ";

BulkJobRow read_job(const Statement& st) {
  return {st.column_text(0), st.column_text(1), st.column_optional_text(2), st.column_text(3),
          st.column_text(4), st.column_text(5), st.column_text(6)};
}

} // namespace

BulkJobRow create_bulk_job(Database& db, BulkJobRow job, const std::vector<std::string>& identities) {
  if (job.id.empty()) job.id = new_id("bulk_");
  job.created_at = job.updated_at = db.now();
  Transaction tx{db};
  db.prepare("INSERT INTO bulk_jobs(id, org_id, location_id, status, request_json, created_at, updated_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind_all(job.id, job.org_id, job.location_id, job.status, job.request_json, job.created_at, job.updated_at)
      .run();
  auto item = db.prepare("INSERT INTO bulk_job_items(job_id, seq, identity, status) VALUES (?, ?, ?, 'pending')");
  int seq = 0;
  for (const auto& identity : identities) {
    item.bind_all(job.id, seq++, identity).run();
    item.reset();
  }
  tx.commit();
  return job;
}

bool set_bulk_item_result(Database& db, std::string_view job_id, int seq, std::string_view status,
                          const OptText& charger_id, const OptText& error_json) {
  Transaction tx{db};
  db.prepare("UPDATE bulk_job_items SET status = ?, charger_id = ?, error_json = ? WHERE job_id = ? AND seq = ?")
      .bind_all(status, charger_id, error_json, job_id, seq)
      .run();
  const bool found = db.changes() > 0;
  // The job's updated_at tracks progress, so a client polling it sees movement.
  if (found) db.prepare("UPDATE bulk_jobs SET updated_at = ? WHERE id = ?").bind_all(db.now(), job_id).run();
  tx.commit();
  return found;
}

bool set_bulk_job_status(Database& db, std::string_view job_id, std::string_view status) {
  db.prepare("UPDATE bulk_jobs SET status = ?, updated_at = ? WHERE id = ?").bind_all(status, db.now(), job_id).run();
  return db.changes() > 0;
}

std::optional<BulkJobWithItems> get_bulk_job(Database& db, std::string_view org_id, std::string_view job_id) {
  auto st = db.prepare(std::string{k_select_job} + "WHERE id = ? AND org_id = ?");
  st.bind_all(job_id, org_id);
  if (!st.step()) return std::nullopt;
  BulkJobWithItems out{read_job(st), {}};
  auto items = db.prepare("SELECT job_id, seq, identity, charger_id, status, error_json FROM bulk_job_items "
                          "WHERE job_id = ? ORDER BY seq");
  items.bind(1, job_id);
  while (items.step())
    out.items.push_back({items.column_text(0), static_cast<int>(items.column_int64(1)), items.column_text(2),
                         items.column_optional_text(3), items.column_text(4), items.column_optional_text(5)});
  return out;
}

std::vector<BulkJobRow> list_unfinished_bulk_jobs(Database& db) {
  auto st = db.prepare(std::string{k_select_job} + "WHERE status IN ('PENDING', 'RUNNING') ORDER BY rowid");
  std::vector<BulkJobRow> rows;
  while (st.step())
    rows.push_back(read_job(st));
  return rows;
}

} // namespace ocppfleet::store
