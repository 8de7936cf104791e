#include "control-api/store/cpo_location_job_repo.hpp"

#include "control-api/store/ids.hpp"

namespace ocppfleet::store {
namespace {

constexpr const char* k_select_location_job =
    "SELECT id, cpo_id, org_id, status, current_step, first_number, locations_total, chargers_total, "
    "chargers_ready, request_json, location_ids_json, error_json, created_at, updated_at, finished_at "
    "FROM cpo_location_jobs ";

CpoLocationJobRow read_location_job(const Statement& st) {
  CpoLocationJobRow row;
  row.id = st.column_text(0);
  row.cpo_id = st.column_int64(1);
  row.org_id = st.column_text(2);
  row.status = st.column_text(3);
  row.current_step = st.column_optional_text(4);
  row.first_number = st.column_int64(5);
  row.locations_total = st.column_int64(6);
  row.chargers_total = st.column_int64(7);
  row.chargers_ready = st.column_int64(8);
  row.request_json = st.column_text(9);
  row.location_ids_json = st.column_text(10);
  row.error_json = st.column_optional_text(11);
  row.created_at = st.column_text(12);
  row.updated_at = st.column_text(13);
  row.finished_at = st.column_optional_text(14);
  return row;
}

} // namespace

std::int64_t next_cpo_location_number(Database& db, std::int64_t cpo_id) {
  auto st = db.prepare("SELECT max(coalesce((SELECT max(seq) FROM cpo_locations WHERE cpo_id = ?1), 0), "
                       "coalesce((SELECT max(first_number + locations_total - 1) FROM cpo_location_jobs "
                       "WHERE cpo_id = ?1), 0), coalesce((SELECT locations_count FROM cpos WHERE id = ?1), 0))");
  st.bind(1, cpo_id);
  st.step();
  return st.column_int64(0) + 1;
}

CpoLocationJobRow insert_cpo_location_job(Database& db, CpoLocationJobRow row) {
  row.id = new_id("locjob_");
  row.created_at = row.updated_at = db.now();
  db.prepare("INSERT INTO cpo_location_jobs (id, cpo_id, org_id, status, current_step, first_number, "
             "locations_total, chargers_total, chargers_ready, request_json, location_ids_json, error_json, "
             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(row.id, row.cpo_id, row.org_id, row.status, row.current_step, row.first_number, row.locations_total,
                row.chargers_total, row.chargers_ready, row.request_json, row.location_ids_json, row.error_json,
                row.created_at, row.updated_at)
      .run();
  return row;
}

std::optional<CpoLocationJobRow> get_cpo_location_job(Database& db, std::string_view org_id, std::int64_t cpo_id,
                                                      std::string_view job_id) {
  auto st = db.prepare(std::string{k_select_location_job} + "WHERE id = ? AND org_id = ? AND cpo_id = ?");
  st.bind_all(job_id, org_id, cpo_id);
  if (!st.step()) return std::nullopt;
  return read_location_job(st);
}

std::optional<CpoLocationJobRow> find_cpo_location_job(Database& db, std::string_view job_id) {
  auto st = db.prepare(std::string{k_select_location_job} + "WHERE id = ?");
  st.bind(1, job_id);
  if (!st.step()) return std::nullopt;
  return read_location_job(st);
}

std::vector<std::string> list_unfinished_cpo_location_jobs(Database& db) {
  std::vector<std::string> out;
  auto st = db.prepare("SELECT id FROM cpo_location_jobs WHERE status IN ('PENDING', 'RUNNING') ORDER BY "
                       "created_at, id");
  while (st.step())
    out.push_back(st.column_text(0));
  return out;
}

void set_cpo_location_job_step(Database& db, std::string_view job_id, std::string_view step,
                               std::int64_t chargers_total, const std::string& location_ids_json) {
  db.prepare("UPDATE cpo_location_jobs SET status = 'RUNNING', current_step = ?, chargers_total = ?, "
             "location_ids_json = ?, updated_at = ? WHERE id = ?")
      .bind_all(step, chargers_total, location_ids_json, db.now(), job_id)
      .run();
}

void set_cpo_location_job_progress(Database& db, std::string_view job_id, std::int64_t chargers_ready) {
  db.prepare("UPDATE cpo_location_jobs SET chargers_ready = ?, updated_at = ? WHERE id = ? AND chargers_ready <> ?")
      .bind_all(chargers_ready, db.now(), job_id, chargers_ready)
      .run();
}

void finish_cpo_location_job(Database& db, std::string_view job_id, std::string_view status,
                             const OptText& error_json) {
  const auto now = db.now();
  db.prepare("UPDATE cpo_location_jobs SET status = ?, error_json = ?, chargers_ready = CASE WHEN ? = 'SUCCEEDED' "
             "THEN chargers_total ELSE chargers_ready END, updated_at = ?, finished_at = ? WHERE id = ?")
      .bind_all(status, error_json, status, now, now, job_id)
      .run();
}

} // namespace ocppfleet::store
