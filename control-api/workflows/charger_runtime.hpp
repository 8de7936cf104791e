#pragma once
// The chargers behind the control API: a fleet engine, and the durable provisioning runs
// that bring each created charger to READY or FAILED. Each run is a sequence of persisted
// steps (validate -> start_runtime -> await_boot) executed on one worker thread; a
// restarted server resumes unfinished runs and restarts the chargers that were running,
// with the same identity. Every OCPP frame is written to the store's charger_logs in
// batches, off the shard threads, with secrets redacted.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control-api/store/charger_repo.hpp"
#include "control-api/store/log_repo.hpp"
#include "control-api/store/store.hpp"
#include "simulator/catalog/catalog.hpp"
#include "simulator/fleet/engine.hpp"
#include "simulator/ocpp/rpc/frame_log.hpp"

namespace ocppfleet::api {

// The provisioning step that checks a request before anything runs (runs and errors name it).
inline constexpr const char* kStepValidate = "validate";

struct RuntimeConfig {
  unsigned engine_threads = 0;                         // 0 = one per core
  std::chrono::milliseconds provision_timeout{30'000}; // boot must be Accepted within this (per attempt)
  int provision_attempts = 3;                          // attempts for a retryable failure
  std::chrono::milliseconds retry_backoff{1'000};      // before attempt 2; doubles per attempt
  std::size_t log_keep_per_charger = 5000;             // retention of charger_logs rows
  std::chrono::milliseconds log_flush_interval{250};
  const core::Clock* clock = nullptr; // default: the system clock
};

// FAILED's error object: {code, message, step, param, retryable}.
struct ProvisionError {
  std::string code;
  std::string message;
  std::string step;
  std::string param;
  bool retryable = false;
  int attempts = 1; // how many attempts the run made before it failed
  [[nodiscard]] std::string to_json() const;
};

class ChargerRuntime final : public rpc::FrameObserver {
public:
  ChargerRuntime(store::Store& store, catalog::Catalog& catalog, RuntimeConfig config);
  ~ChargerRuntime(); // stops the worker, flushes logs, shuts the engine down
  ChargerRuntime(const ChargerRuntime&) = delete;
  ChargerRuntime& operator=(const ChargerRuntime&) = delete;

  // Queues the provisioning run `run_id` of a charger row already stored (PENDING). Returns
  // at once; the worker persists every step. Thread-safe.
  void provision(std::string charger_id, std::string run_id);
  // Reads unfinished runs and running chargers from the store and brings them back.
  void resume();

  // Runtime control of a provisioned charger; false when it is not in the engine (never
  // provisioned, failed, or deleted). Thread-safe; do not call on the store thread while
  // the store work needs these to finish (they only post to shards).
  // start/restart take the stored row (with its password): a charger not in the engine
  // (stopped before a server restart) is built from it; restart applies edited settings.
  bool start(const store::ChargerRow& row, std::string* error = nullptr);
  bool stop(const std::string& charger_id);
  bool restart(const store::ChargerRow& row, std::string* error = nullptr);
  void remove(const std::string& charger_id);
  bool post(const std::string& charger_id, std::function<void(ocpp::ChargePointBase&)> fn);
  [[nodiscard]] bool has(const std::string& charger_id) const;
  [[nodiscard]] std::string current_step(const std::string& charger_id) const;

  fleet::Engine& engine() noexcept { return *engine_; }

  // rpc::FrameObserver (shard threads): buffers the frame for the next log batch.
  void on_frame(std::uint64_t charger_key, rpc::Direction direction, std::chrono::system_clock::time_point at,
                std::string_view text) noexcept override;

private:
  struct Job {
    std::string charger_id;
    std::string run_id;
    int attempt = 1;
    std::chrono::steady_clock::time_point not_before{}; // a retry waits out its backoff
  };
  struct Awaiting {
    std::string charger_id;
    std::string run_id;
    fleet::ChargerId engine_id;
    std::chrono::steady_clock::time_point deadline;
    int attempt = 1;
  };

  void run_worker();
  void begin(const Job& job);
  void check_awaiting();
  void flush_logs();
  // Builds the engine spec from a stored row; nullopt with *error when it cannot run.
  std::optional<fleet::ChargerSpec> spec_for(const store::ChargerRow& row, ProvisionError* error);
  fleet::ChargerId add_to_engine(const store::ChargerRow& row, fleet::ChargerSpec spec);
  // Stores the catalogue's canonical model slug on a row created with the other form.
  void canonicalise_model_slug(const store::ChargerRow& row, const catalog::ModelProfile& profile);
  void fail(const Awaiting& a, const ProvisionError& error, bool remove_from_engine);
  // A retryable failure with attempts left: stop the charger, persist the attempt, and queue
  // the run again after the backoff. False when no attempt is left.
  bool retry(const Awaiting& a, const ProvisionError& error);

  store::Store& store_;
  catalog::Catalog& catalog_;
  RuntimeConfig config_;
  std::shared_ptr<const catalog::EvCatalog> evs_;
  std::unique_ptr<fleet::Engine> engine_;

  mutable std::mutex mutex_; // guards the maps and queues below
  std::map<std::string, fleet::ChargerId> engine_ids_;
  std::map<std::uint64_t, std::string> log_keys_;                             // observer key -> charger id (logs)
  std::map<std::string, std::shared_ptr<const transport::LinkConfig>> links_; // by version + URL
  std::map<std::string, std::string> steps_; // charger id -> current step while provisioning
  std::vector<Job> jobs_;
  std::vector<Awaiting> awaiting_;
  std::uint64_t fleet_index_ = 0;

  std::mutex log_mutex_;
  std::vector<store::LogRow> log_buffer_;
  std::map<std::uint64_t, std::map<std::string, std::string>> call_actions_; // key -> message id -> action

  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

} // namespace ocppfleet::api
