#pragma once
// Bulk charger creation jobs: one job row plus one item per requested identity, so a restart
// knows which items are still pending.
#include "control-api/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::store {

// Job status uses the workflow vocabulary (PENDING|RUNNING|SUCCEEDED|FAILED); item status is
// one of these.
namespace bulk_item_status {
inline constexpr std::string_view pending = "pending";
inline constexpr std::string_view created = "created";
inline constexpr std::string_view failed = "failed";
} // namespace bulk_item_status

struct BulkJobRow {
  std::string id; // empty on create: a "bulk_..." id is generated
  std::string org_id;
  OptText location_id;
  std::string status{"PENDING"};
  std::string request_json{"{}"};
  std::string created_at;
  std::string updated_at;
};

struct BulkJobItemRow {
  std::string job_id;
  int seq = 0; // 0-based position in the request
  std::string identity;
  OptText charger_id;
  std::string status{bulk_item_status::pending};
  OptText error_json;
};

struct BulkJobWithItems {
  BulkJobRow job;
  std::vector<BulkJobItemRow> items; // by seq
};

// Creates the job and one pending item per identity (seq 0..N-1) in one transaction.
BulkJobRow create_bulk_job(Database& db, BulkJobRow job, const std::vector<std::string>& identities);
// The item's outcome: created (with charger_id) or failed (with error_json). False when unknown.
bool set_bulk_item_result(Database& db, std::string_view job_id, int seq, std::string_view status,
                          const OptText& charger_id, const OptText& error_json);
bool set_bulk_job_status(Database& db, std::string_view job_id, std::string_view status);
// Scoped by org: another org's job reads as absent.
std::optional<BulkJobWithItems> get_bulk_job(Database& db, std::string_view org_id, std::string_view job_id);
// PENDING or RUNNING jobs of every org, oldest first (resume on restart).
std::vector<BulkJobRow> list_unfinished_bulk_jobs(Database& db);

} // namespace ocppfleet::store
