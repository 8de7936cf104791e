#pragma once
// Durable jobs that add locations to a provisioned CPO (POST /ocpi/cpos/{id}/locations). The
// job row holds the request and the location numbers reserved for it, so a restarted server
// regenerates exactly the same locations and chargers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control-api/store/database.hpp"

namespace ocppfleet::store {

// The workflow vocabulary (PENDING|RUNNING|SUCCEEDED|FAILED).
namespace location_job_status {
inline constexpr const char* pending = "PENDING";
inline constexpr const char* running = "RUNNING";
inline constexpr const char* succeeded = "SUCCEEDED";
inline constexpr const char* failed = "FAILED";
} // namespace location_job_status

struct CpoLocationJobRow {
  std::string id; // "locjob_..." (set by insert)
  std::int64_t cpo_id = 0;
  std::string org_id;
  std::string status{location_job_status::pending};
  OptText current_step;
  std::int64_t first_number = 1; // the locations get numbers first_number .. first_number + total - 1
  std::int64_t locations_total = 0;
  std::int64_t chargers_total = 0;
  std::int64_t chargers_ready = 0;
  std::string request_json{"[]"}; // the validated location items
  std::string location_ids_json{"[]"};
  OptText error_json;
  std::string created_at, updated_at;
  OptText finished_at;
};

// The first location number free for a new job of the CPO: past its stored locations and
// past every number an earlier job reserved (a deleted location's number is never reused by a
// job, so a charger identity is never handed out twice).
std::int64_t next_cpo_location_number(Database& db, std::int64_t cpo_id);
// Stores a new PENDING job (id, timestamps set) and returns it.
CpoLocationJobRow insert_cpo_location_job(Database& db, CpoLocationJobRow row);
// Scoped to the org and the CPO: another org's or CPO's job reads as absent.
std::optional<CpoLocationJobRow> get_cpo_location_job(Database& db, std::string_view org_id, std::int64_t cpo_id,
                                                      std::string_view job_id);
std::optional<CpoLocationJobRow> find_cpo_location_job(Database& db, std::string_view job_id);
// PENDING or RUNNING jobs, oldest first (resume after a restart).
std::vector<std::string> list_unfinished_cpo_location_jobs(Database& db);
void set_cpo_location_job_step(Database& db, std::string_view job_id, std::string_view step,
                               std::int64_t chargers_total, const std::string& location_ids_json);
void set_cpo_location_job_progress(Database& db, std::string_view job_id, std::int64_t chargers_ready);
// SUCCEEDED or FAILED (with its error), finished now.
void finish_cpo_location_job(Database& db, std::string_view job_id, std::string_view status, const OptText& error_json);

} // namespace ocppfleet::store
