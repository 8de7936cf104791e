#pragma once
// Durable workflow runs and their steps. The runner persists every transition, so after a
// restart list_unfinished_runs() tells it what to resume and each step's status which steps
// already succeeded.
#include "control-api/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::store {

// Run and step status: PENDING -> RUNNING -> SUCCEEDED | FAILED.
namespace workflow_status {
inline constexpr std::string_view pending = "PENDING";
inline constexpr std::string_view running = "RUNNING";
inline constexpr std::string_view succeeded = "SUCCEEDED";
inline constexpr std::string_view failed = "FAILED";
} // namespace workflow_status

namespace workflow_kind {
inline constexpr std::string_view charger_create = "charger_create";
inline constexpr std::string_view bulk_job = "bulk_job";
} // namespace workflow_kind

struct WorkflowRunRow {
  std::string id; // empty on create: a "wfr_..." id is generated
  std::string org_id;
  std::string kind;
  std::string subject_id; // the charger or bulk job the run works on
  std::string status{workflow_status::pending};
  int attempt = 0;
  OptText next_attempt_at;
  std::string input_json{"{}"};
  std::string created_at;
  std::string updated_at;
};

struct WorkflowStepRow {
  std::string run_id;
  std::string name;
  std::string status{workflow_status::pending};
  int attempt = 0;
  OptText output_json;
  OptText error_json;
  OptText started_at;
  OptText finished_at;
};

// Creates the run and its steps (PENDING, attempt 0, in the given order) in one transaction.
WorkflowRunRow create_run(Database& db, WorkflowRunRow run, const std::vector<std::string>& step_names);
std::optional<WorkflowRunRow> get_run(Database& db, std::string_view run_id);
// In the order given to create_run.
std::vector<WorkflowStepRow> list_steps(Database& db, std::string_view run_id);

// The run's status, attempt and when to try next (nullopt: now). False when unknown.
bool update_run(Database& db, std::string_view run_id, std::string_view status, int attempt,
                const OptText& next_attempt_at = std::nullopt);
// SUCCEEDED or FAILED; clears next_attempt_at.
bool finish_run(Database& db, std::string_view run_id, std::string_view status);

// RUNNING with this attempt; started_at = now; clears output, error and finished_at.
bool mark_step_started(Database& db, std::string_view run_id, std::string_view name, int attempt);
bool mark_step_succeeded(Database& db, std::string_view run_id, std::string_view name,
                         const OptText& output_json = std::nullopt);
bool mark_step_failed(Database& db, std::string_view run_id, std::string_view name, std::string_view error_json);

// PENDING or RUNNING runs of every org, oldest first: what to resume after a restart.
std::vector<WorkflowRunRow> list_unfinished_runs(Database& db);

} // namespace ocppfleet::store
