#pragma once
// Bulk charger creation (POST /ocpp/locations/{id}/chargers): the route writes a bulk job and
// one pending item per identity in one transaction and answers 202; this runner's own thread
// then creates the chargers. For each pending item, in one store transaction: insert the
// charger row (PENDING), create its charger_create workflow run, link them, and record the
// item as `created` with the charger id (or `failed` {code:"duplicate_identity"} when the
// identity is taken). After the commit the run goes to ChargerRuntime::provision. Because the
// item result is committed with the charger, a crash never creates a charger twice: on start,
// resume() takes the unfinished jobs again and skips the items already recorded (a charger
// whose run was committed but not yet queued is resumed by ChargerRuntime::resume()).
//
// The job's request_json, written by the route (bulk_routes.cpp):
//   {"location_id": "...", "location_name": "...",
//    "groups": [{"first": 0, "count": 5, "template": {"brand_slug", "model_slug", "connector_type",
//                "ws_url", "ocpp_version", "charge_point_name"?, "password"?}}, ...]}
// Item seq s belongs to the group with first <= s < first + count.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "control-api/store/store.hpp"

namespace ocppfleet::api {

class ChargerRuntime;

class BulkJobRunner {
public:
  // Items created per store task (one commit); small enough not to hold the store thread.
  static constexpr std::size_t kBatch = 25;

  BulkJobRunner(store::Store& store, ChargerRuntime& runtime);
  ~BulkJobRunner(); // finishes the batch in hand, leaves the rest for resume()
  BulkJobRunner(const BulkJobRunner&) = delete;
  BulkJobRunner& operator=(const BulkJobRunner&) = delete;

  // Queues a stored job (PENDING). Thread-safe; returns at once.
  void submit(std::string org_id, std::string job_id);
  // Queues every PENDING or RUNNING job in the store (call once, after ChargerRuntime::resume()).
  void resume();

private:
  void run_worker();
  void run_job(const std::string& org_id, const std::string& job_id);

  store::Store& store_;
  ChargerRuntime& runtime_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::string, std::string>> queue_; // (org id, job id)
  bool stopping_ = false;
  std::thread worker_;
};

} // namespace ocppfleet::api
