#pragma once
// Simulated CPOs behind the control API (docs/cpos.md): the durable provisioning run of each
// CPO, its teardown (DELETE and the TTL reaper share it) and resume after a restart.
//
// A run is a sequence of named steps, each persisted on the CPO row before it runs so a
// restarted server resumes where it stopped; every step is idempotent:
//   network   generate the seeded network document (template, seed, overrides, country)
//   locations store the CPO's locations
//   chargers  store one charger row per generated charger (ws_url = the CPO's backend) and
//             queue its own provisioning run on the ChargerRuntime
//   topology  open the CPO's backend to exactly its identities (the routing table)
//   ready     wait until every charger booted Accepted at the backend
// A step that throws is retried with backoff; a deterministic failure (bad template, a
// charger FAILED) makes the CPO FAILED and tears down what the run created.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "control-api/store/cpo_location_job_repo.hpp"
#include "control-api/store/cpo_repo.hpp"
#include "control-api/store/store.hpp"

namespace ocppfleet::api {

class ChargerRuntime;

// What the network step produces (an adapter over catalog's generator builds it).
struct CpoPlanLocation {
  std::string id; // "LOC-0001"
  std::string name;
  std::string document_json; // the location as generated
};
struct CpoPlanCharger {
  std::string identity;
  std::string brand, model, connector_type, ocpp_version;
  std::string location_id, location_name;
};
struct CpoPlan {
  std::string document; // canonical JSON
  std::string sha256;
  std::vector<CpoPlanLocation> locations;
  std::vector<CpoPlanCharger> chargers;
  std::int64_t evses = 0, connectors = 0;
};
// Locations added to a provisioned CPO (POST /ocpi/cpos/{id}/locations).
struct CpoAddedPlan {
  std::vector<CpoPlanLocation> locations;
  std::vector<CpoPlanCharger> chargers;
  std::int64_t evses = 0, connectors = 0;
};
struct CpoPlanError {
  std::string code; // e.g. "unknown_template", "override_out_of_range"
  std::string message;
  std::string param; // the request field to blame, if any
};

// A template as the gallery route lists it and as POST /ocpi/cpos validates against.
struct CpoTemplateSummary {
  std::string slug;
  int version = 1;
  std::string description;
  std::int64_t locations = 0;             // default count
  std::int64_t chargers = 0;              // default total
  std::int64_t chargers_per_location = 0; // default
  std::int64_t max_locations = 0;
  std::int64_t max_chargers_per_location = 0;
  std::vector<std::string> countries; // alpha-2 codes its pools cover
};

// The templates/ catalogue and the seeded generator, as the control API needs them.
class CpoPlanner {
public:
  virtual ~CpoPlanner() = default;
  [[nodiscard]] virtual std::vector<CpoTemplateSummary> templates() const = 0;
  [[nodiscard]] virtual std::optional<CpoTemplateSummary> find_template(const std::string& slug) const = 0;
  // Single-location presets (GET /ocpp/templates/locations), already as the route's JSON
  // items; empty filters match all.
  [[nodiscard]] virtual std::vector<std::string> location_presets_json(const std::string& type,
                                                                       const std::string& ocpp_version) const = 0;
  // Deterministic: the same row inputs (template, version, seed, overrides, country, party,
  // name_prefix) give the same plan. Thread-safe.
  [[nodiscard]] virtual std::variant<CpoPlan, CpoPlanError> plan(const store::CpoRow& cpo) const = 0;
  // Locations to add to the CPO: `items_json` is the JSON array of validated location items
  // (docs/cpos.md, "Adding locations"), item i becoming location number first_number + i.
  // Deterministic like plan(); an error's param is relative to the request body
  // ("locations.1.chargers.0.model").
  [[nodiscard]] virtual std::variant<CpoAddedPlan, CpoPlanError>
  plan_added_locations(const store::CpoRow& cpo, std::int64_t first_number, const std::string& items_json) const = 0;
};

// The CPO's OCPP backend (the embedded CSMS): where its chargers connect and who may.
class CpoBackend {
public:
  virtual ~CpoBackend() = default;
  // The ws_url given to the CPO's chargers (the identity is appended by the charger).
  [[nodiscard]] virtual std::string charger_ws_url(std::int64_t cpo_id) const = 0;
  virtual void open(std::int64_t cpo_id, const std::vector<std::string>& identities) = 0;
  virtual void close(std::int64_t cpo_id) = 0; // drops its connections; idempotent
};

struct CpoRuntimeConfig {
  int step_attempts = 3;                                // per step, for an exception
  std::chrono::milliseconds step_backoff{500};          // before attempt 2; doubles per attempt
  std::chrono::milliseconds reaper_interval{5'000};     // TTL reaper period
  std::chrono::milliseconds ready_timeout_base{60'000}; // ready step: base + per charger
  std::chrono::milliseconds ready_timeout_per_charger{20};
};

class CpoRuntime {
public:
  // `chargers` may be null (tests of CPOs without chargers).
  CpoRuntime(store::Store& store, const CpoPlanner& planner, CpoBackend& backend, ChargerRuntime* chargers,
             CpoRuntimeConfig config = {});
  ~CpoRuntime();
  CpoRuntime(const CpoRuntime&) = delete;
  CpoRuntime& operator=(const CpoRuntime&) = delete;

  // Queues the run of a stored PENDING CPO. Thread-safe, returns at once.
  void provision(std::int64_t cpo_id);
  // After a restart: re-opens the backends of live CPOs to their stored identities and
  // returns the CPOs whose run is unfinished. Call it before ChargerRuntime::resume() (so the
  // chargers it restarts are let in) and provision() the returned ids after it (so a resumed
  // topology step sees which chargers are already queued).
  std::vector<std::int64_t> reopen_backends();
  // reopen_backends(), then provision() every unfinished run (tests without chargers).
  void resume();
  // The same teardown for DELETE and the reaper: soft-deletes the CPO and its chargers on the
  // store thread, stops the chargers and closes its backend. False when there was no live CPO
  // of the org with this id. Blocks the caller until the store work is done; never call it on
  // the store thread.
  bool destroy(const std::string& org_id, std::int64_t cpo_id);
  // The in-memory half of a teardown whose store half (destroy_cpo_in_store) already ran:
  // stops the chargers and closes the backend. Non-blocking and thread-safe, so a route may
  // call it from the store thread.
  void release(std::int64_t cpo_id, const std::vector<std::string>& charger_ids);
  // Queues a stored location job (POST /ocpi/cpos/{id}/locations). Thread-safe, returns at
  // once. The job's steps: locations (store the generated locations and their chargers),
  // topology (let the new identities in, start the chargers), ready (every new charger booted
  // Accepted). A job that fails removes what it added; the CPO itself stays as it was.
  // Non-blocking: a route may call it from the store thread.
  void add_locations(std::int64_t cpo_id, const std::string& job_id);
  // After a restart (with provision()'s ordering): queues every unfinished location job.
  void resume_location_jobs();
  // Tears down every expired CPO now (the reaper runs this every reaper_interval). Returns
  // how many were destroyed.
  std::size_t reap_expired();

private:
  struct Task {
    std::int64_t cpo_id = 0;
    std::string job_id; // set for a location job
    int attempt = 1;
    std::chrono::steady_clock::time_point not_before{};
    std::chrono::steady_clock::time_point ready_deadline{};
  };
  enum class Outcome { next, wait, done };

  void run_worker();
  Outcome advance(Task& task);
  Outcome step_network(Task& task, const store::CpoRow& cpo);
  Outcome step_chargers(Task& task, const store::CpoRow& cpo);
  Outcome step_topology(Task& task, const store::CpoRow& cpo);
  Outcome step_ready(Task& task, const store::CpoRow& cpo);
  Outcome advance_job(Task& task);
  Outcome job_locations(Task& task, const store::CpoRow& cpo, const store::CpoLocationJobRow& job);
  Outcome job_topology(Task& task, const store::CpoRow& cpo, const store::CpoLocationJobRow& job);
  Outcome job_ready(Task& task, const store::CpoRow& cpo, const store::CpoLocationJobRow& job);
  void fail_job(const store::CpoRow& cpo, const store::CpoLocationJobRow& job, const std::string& code,
                const std::string& message, const std::string& param);
  void fail(const store::CpoRow& cpo, const std::string& code, const std::string& message, const std::string& step,
            const std::string& param, bool retryable);
  void stop_chargers(const std::vector<std::string>& charger_ids);

  store::Store& store_;
  const CpoPlanner& planner_;
  CpoBackend& backend_;
  ChargerRuntime* chargers_;
  CpoRuntimeConfig config_;

  std::mutex mutex_;
  std::vector<Task> tasks_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

// The store half of a teardown (run on the store thread): soft-deletes the CPO, its
// locations and its chargers. The ids of the chargers it deleted, or nullopt when there was
// no live CPO of the org with this id.
std::optional<std::vector<std::string>> destroy_cpo_in_store(store::Database& db, const std::string& org_id,
                                                             std::int64_t cpo_id);

// FAILED's error object: {code, message, step, param, doc_url, retryable}.
std::string cpo_error_json(const std::string& code, const std::string& message, const std::string& step,
                           const std::string& param, bool retryable);

} // namespace ocppfleet::api
