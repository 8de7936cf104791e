#include "control-api/store/workflow_repo.hpp"

#include "control-api/store/ids.hpp"

namespace ocppfleet::store {

namespace {

constexpr std::string_view k_select_run = "SELECT id, org_id, kind, subject_id, status, attempt, next_attempt_at, "
                                          "input_json, created_at, updated_at FROM workflow_runs ";

WorkflowRunRow read_run(const Statement& st) {
  return {st.column_text(0),          st.column_text(1), st.column_text(2),
          st.column_text(3),          st.column_text(4), static_cast<int>(st.column_int64(5)),
          st.column_optional_text(6), st.column_text(7), st.column_text(8),
          st.column_text(9)};
}

} // namespace

WorkflowRunRow create_run(Database& db, WorkflowRunRow run, const std::vector<std::string>& step_names) {
  if (run.id.empty()) run.id = new_id("wfr_");
  run.created_at = run.updated_at = db.now();
  Transaction tx{db};
  db.prepare("INSERT INTO workflow_runs(id, org_id, kind, subject_id, status, attempt, next_attempt_at, input_json, "
             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(run.id, run.org_id, run.kind, run.subject_id, run.status, run.attempt, run.next_attempt_at,
                run.input_json, run.created_at, run.updated_at)
      .run();
  auto step = db.prepare("INSERT INTO workflow_steps(run_id, name, status, attempt) VALUES (?, ?, 'PENDING', 0)");
  for (const auto& name : step_names) {
    step.bind_all(run.id, name).run();
    step.reset();
  }
  tx.commit();
  return run;
}

std::optional<WorkflowRunRow> get_run(Database& db, std::string_view run_id) {
  auto st = db.prepare(std::string{k_select_run} + "WHERE id = ?");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return read_run(st);
}

std::vector<WorkflowStepRow> list_steps(Database& db, std::string_view run_id) {
  auto st = db.prepare("SELECT run_id, name, status, attempt, output_json, error_json, started_at, finished_at "
                       "FROM workflow_steps WHERE run_id = ? ORDER BY rowid");
  st.bind(1, run_id);
  std::vector<WorkflowStepRow> rows;
  while (st.step())
    rows.push_back({st.column_text(0), st.column_text(1), st.column_text(2), static_cast<int>(st.column_int64(3)),
                    st.column_optional_text(4), st.column_optional_text(5), st.column_optional_text(6),
                    st.column_optional_text(7)});
  return rows;
}

bool update_run(Database& db, std::string_view run_id, std::string_view status, int attempt,
                const OptText& next_attempt_at) {
  db.prepare("UPDATE workflow_runs SET status = ?, attempt = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?")
      .bind_all(status, attempt, next_attempt_at, db.now(), run_id)
      .run();
  return db.changes() > 0;
}

bool finish_run(Database& db, std::string_view run_id, std::string_view status) {
  db.prepare("UPDATE workflow_runs SET status = ?, next_attempt_at = NULL, updated_at = ? WHERE id = ?")
      .bind_all(status, db.now(), run_id)
      .run();
  return db.changes() > 0;
}

bool mark_step_started(Database& db, std::string_view run_id, std::string_view name, int attempt) {
  db.prepare("UPDATE workflow_steps SET status = 'RUNNING', attempt = ?, started_at = ?, finished_at = NULL, "
             "output_json = NULL, error_json = NULL WHERE run_id = ? AND name = ?")
      .bind_all(attempt, db.now(), run_id, name)
      .run();
  return db.changes() > 0;
}

bool mark_step_succeeded(Database& db, std::string_view run_id, std::string_view name, const OptText& output_json) {
  db.prepare("UPDATE workflow_steps SET status = 'SUCCEEDED', output_json = ?, error_json = NULL, finished_at = ? "
             "WHERE run_id = ? AND name = ?")
      .bind_all(output_json, db.now(), run_id, name)
      .run();
  return db.changes() > 0;
}

bool mark_step_failed(Database& db, std::string_view run_id, std::string_view name, std::string_view error_json) {
  db.prepare("UPDATE workflow_steps SET status = 'FAILED', error_json = ?, finished_at = ? "
             "WHERE run_id = ? AND name = ?")
      .bind_all(error_json, db.now(), run_id, name)
      .run();
  return db.changes() > 0;
}

std::vector<WorkflowRunRow> list_unfinished_runs(Database& db) {
  auto st = db.prepare(std::string{k_select_run} + "WHERE status IN ('PENDING', 'RUNNING') ORDER BY rowid");
  std::vector<WorkflowRunRow> rows;
  while (st.step())
    rows.push_back(read_run(st));
  return rows;
}

} // namespace ocppfleet::store
