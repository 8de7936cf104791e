// The provisioning worker of ChargerRuntime: executes runs step by step (each step
// persisted before and after it runs, so a restart resumes where it stopped), watches
// chargers until their first boot is Accepted, and writes the frame log in batches.
#include <nlohmann/json.hpp>

#include "control-api/store/workflow_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/frame_redaction.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
constexpr const char* kStepStart = "start_runtime";
constexpr const char* kStepAwait = "await_boot";

} // namespace

void ChargerRuntime::run_worker() {
  auto next_flush = std::chrono::steady_clock::now() + config_.log_flush_interval;
  while (!stopping_) {
    std::vector<Job> jobs;
    {
      std::unique_lock lock{mutex_};
      wake_.wait_for(lock, std::chrono::milliseconds{100}, [this] { return stopping_ || !jobs_.empty(); });
      const auto now = std::chrono::steady_clock::now();
      std::vector<Job> later;
      for (auto& j : jobs_)
        (j.not_before <= now ? jobs : later).push_back(std::move(j));
      jobs_.swap(later);
    }
    for (const auto& job : jobs) {
      try {
        begin(job);
      } catch (const std::exception& e) {
        core::logger()->error("control API: provisioning {} failed to run: {}", job.charger_id, e.what());
      }
    }
    try {
      check_awaiting();
      if (std::chrono::steady_clock::now() >= next_flush) {
        flush_logs();
        next_flush = std::chrono::steady_clock::now() + config_.log_flush_interval;
      }
    } catch (const std::exception& e) {
      core::logger()->error("control API: provisioning worker: {}", e.what());
    }
  }
}

void ChargerRuntime::begin(const Job& job) {
  auto row = store_
                 .submit([id = job.charger_id, run = job.run_id, attempt = job.attempt](store::Database& db) {
                   auto found = store::find_charger(db, id, store::Secrets::include);
                   if (found && !found->deleted_at) {
                     store::update_run(db, run, store::workflow_status::running, attempt);
                     store::set_charger_status(db, id, store::charger_status::provisioning, std::nullopt, std::nullopt);
                     store::mark_step_started(db, run, kStepValidate, attempt);
                   } else {
                     store::finish_run(db, run, store::workflow_status::failed);
                   }
                   return found;
                 })
                 .get();
  if (!row || row->deleted_at) return;
  ProvisionError error;
  auto spec = spec_for(*row, &error);
  if (!spec) {
    fail(Awaiting{row->id, job.run_id, 0, {}, job.attempt}, error, false);
    return;
  }
  store_.post([run = job.run_id, attempt = job.attempt](store::Database& db) {
    store::mark_step_succeeded(db, run, kStepValidate);
    store::mark_step_started(db, run, kStepStart, attempt);
  });
  {
    const std::lock_guard lock{mutex_};
    steps_[row->id] = kStepStart;
  }
  remove(row->id); // a resumed run replaces whatever an earlier attempt left
  const auto engine_id = add_to_engine(*row, std::move(*spec));
  engine_->start(engine_id);
  store_.post([run = job.run_id, id = row->id, attempt = job.attempt](store::Database& db) {
    store::mark_step_succeeded(db, run, kStepStart);
    store::set_runtime_state(db, id, store::runtime_state::running);
    store::mark_step_started(db, run, kStepAwait, attempt);
  });
  const std::lock_guard lock{mutex_};
  steps_[row->id] = kStepAwait;
  awaiting_.push_back(Awaiting{row->id, job.run_id, engine_id,
                               std::chrono::steady_clock::now() + config_.provision_timeout, job.attempt});
}

void ChargerRuntime::check_awaiting() {
  std::vector<Awaiting> waiting;
  {
    const std::lock_guard lock{mutex_};
    waiting.swap(awaiting_);
  }
  std::vector<Awaiting> still;
  for (auto& a : waiting) {
    const auto snap = engine_->snapshot(a.engine_id, std::chrono::seconds{2});
    const auto now = std::chrono::steady_clock::now();
    if (!snap) {
      // Removed meanwhile (DELETE): the run ends with the charger.
      store_.post(
          [run = a.run_id](store::Database& db) { store::finish_run(db, run, store::workflow_status::failed); });
      const std::lock_guard lock{mutex_};
      steps_.erase(a.charger_id);
      continue;
    }
    if (snap->registration == ocpp::RegistrationState::Accepted) {
      store_.post([a, at = core::format_timestamp(std::chrono::system_clock::now())](store::Database& db) {
        store::mark_step_succeeded(db, a.run_id, kStepAwait);
        store::set_charger_status(db, a.charger_id, store::charger_status::ready, std::nullopt, at);
        store::finish_run(db, a.run_id, store::workflow_status::succeeded);
      });
      const std::lock_guard lock{mutex_};
      steps_.erase(a.charger_id);
      continue;
    }
    const auto& failure = snap->last_failure;
    if (snap->link_state == transport::LinkState::Failed && failure) {
      const bool auth = failure->code == transport::LinkError::HttpUnauthorized;
      fail(a,
           ProvisionError{std::string{transport::code_name(failure->code)}, failure->detail, kStepAwait,
                          auth ? "password" : "ws_url", transport::is_retryable(failure->code)},
           true);
      continue;
    }
    if (now >= a.deadline) {
      ProvisionError error{"timeout", "no accepted BootNotification within the provisioning timeout", kStepAwait,
                           "ws_url", true};
      if (snap->registration == ocpp::RegistrationState::Rejected) {
        error = ProvisionError{"boot_rejected", "the CSMS rejected the BootNotification", kStepAwait, "identity", true};
      } else if (failure && snap->link_state != transport::LinkState::Open) {
        error = ProvisionError{std::string{transport::code_name(failure->code)}, failure->detail, kStepAwait, "ws_url",
                               transport::is_retryable(failure->code)};
      }
      if (!error.retryable || !retry(a, error)) fail(a, error, true);
      continue;
    }
    still.push_back(std::move(a));
  }
  const std::lock_guard lock{mutex_};
  awaiting_.insert(awaiting_.end(), still.begin(), still.end());
}

bool ChargerRuntime::retry(const Awaiting& a, const ProvisionError& error) {
  if (a.attempt >= config_.provision_attempts) return false;
  remove(a.charger_id);
  const auto backoff = config_.retry_backoff * (1 << std::min(a.attempt - 1, 10));
  const auto at = std::chrono::system_clock::now() + backoff;
  store_.post([a, error, next = core::format_timestamp(at)](store::Database& db) {
    store::mark_step_failed(db, a.run_id, error.step, error.to_json());
    store::update_run(db, a.run_id, store::workflow_status::running, a.attempt + 1, next);
  });
  const std::lock_guard lock{mutex_};
  steps_[a.charger_id] = kStepValidate;
  jobs_.push_back(Job{a.charger_id, a.run_id, a.attempt + 1, std::chrono::steady_clock::now() + backoff});
  return true;
}

void ChargerRuntime::fail(const Awaiting& a, const ProvisionError& failure, bool remove_from_engine) {
  if (remove_from_engine) remove(a.charger_id);
  ProvisionError error = failure;
  error.attempts = a.attempt;
  store_.post([a, error](store::Database& db) {
    const auto json = error.to_json();
    store::mark_step_failed(db, a.run_id, error.step, json);
    store::set_charger_status(db, a.charger_id, store::charger_status::failed, json, std::nullopt);
    store::set_runtime_state(db, a.charger_id, store::runtime_state::stopped);
    store::finish_run(db, a.run_id, store::workflow_status::failed);
  });
  const std::lock_guard lock{mutex_};
  steps_.erase(a.charger_id);
}

void ChargerRuntime::on_frame(std::uint64_t charger_key, rpc::Direction direction,
                              std::chrono::system_clock::time_point at, std::string_view text) noexcept {
  try {
    Json frame = Json::parse(text, nullptr, false);
    std::string action;
    std::string message{text};
    const std::lock_guard lock{log_mutex_};
    if (frame.is_array() && frame.size() >= 3 && frame[1].is_string()) {
      auto& actions = call_actions_[charger_key];
      const std::string id = frame[1];
      Json redacted = frame;
      if (frame[0] == 2 && frame[2].is_string()) {
        action = frame[2];
        if (actions.size() >= 32) actions.erase(actions.begin()); // bounded: answers rarely go missing
        actions[id] = action;
        redact_call(redacted);
      } else if (const auto it = actions.find(id); it != actions.end()) {
        action = it->second; // a CALLRESULT / CALLERROR carries its CALL's action
        actions.erase(it);
        redact_call_result(redacted, action);
      }
      if (redacted != frame) message = redacted.dump();
    }
    std::string charger_id;
    {
      const std::lock_guard ids{mutex_};
      const auto it = log_keys_.find(charger_key);
      if (it == log_keys_.end()) return;
      charger_id = it->second;
    }
    log_buffer_.push_back(store::LogRow{0, std::move(charger_id),
                                        direction == rpc::Direction::ChargerToCsms ? "cp_to_csms" : "csms_to_cp",
                                        std::move(action), std::move(message), core::format_timestamp(at)});
    if (log_buffer_.size() > 200'000) log_buffer_.erase(log_buffer_.begin(), log_buffer_.begin() + 100'000);
  } catch (...) {
    // A log line is not worth an exception on a shard thread.
  }
}

void ChargerRuntime::flush_logs() {
  std::vector<store::LogRow> batch;
  {
    const std::lock_guard lock{log_mutex_};
    batch.swap(log_buffer_);
  }
  if (batch.empty()) return;
  const auto keep = config_.log_keep_per_charger;
  if (!store_.try_post([batch = std::move(batch), keep](store::Database& db) { store::append_logs(db, batch, keep); }))
    core::logger()->warn("control API: store busy, dropped a batch of charger logs");
}

} // namespace ocppfleet::api
