#include "control-api/workflows/cpo_runtime.hpp"

#include <nlohmann/json.hpp>

#include <memory>

#include "control-api/store/charger_repo.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/cpo_charger_rows.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
namespace step {
constexpr const char* network = "network";
constexpr const char* locations = "locations";
constexpr const char* chargers = "chargers";
constexpr const char* topology = "topology";
constexpr const char* ready = "ready";
} // namespace step

constexpr std::size_t k_insert_batch = 500; // rows per store transaction: keeps the store thread responsive

} // namespace

std::string cpo_error_json(const std::string& code, const std::string& message, const std::string& step,
                           const std::string& param, bool retryable) {
  return Json{{"code", code},
              {"message", message.substr(0, 2000)},
              {"step", step.empty() ? Json() : Json(step)},
              {"param", param.empty() ? Json() : Json(param)},
              {"doc_url", "/docs/cpos.md#error-" + code},
              {"retryable", retryable}}
      .dump();
}

std::optional<std::vector<std::string>> destroy_cpo_in_store(store::Database& db, const std::string& org_id,
                                                             std::int64_t cpo_id) {
  store::Transaction tx{db};
  const auto chargers = store::cpo_chargers(db, cpo_id);
  if (!store::delete_cpo(db, org_id, cpo_id)) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& [id, status] : chargers) {
    store::soft_delete_charger(db, org_id, id);
    ids.push_back(id);
  }
  tx.commit();
  return ids;
}

CpoRuntime::CpoRuntime(store::Store& store, const CpoPlanner& planner, CpoBackend& backend, ChargerRuntime* chargers,
                       CpoRuntimeConfig config)
    : store_(store), planner_(planner), backend_(backend), chargers_(chargers), config_(config) {
  worker_ = std::thread{[this] { run_worker(); }};
}

CpoRuntime::~CpoRuntime() {
  stopping_ = true;
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void CpoRuntime::provision(std::int64_t cpo_id) {
  {
    const std::lock_guard lock{mutex_};
    Task task;
    task.cpo_id = cpo_id;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

void CpoRuntime::resume() {
  for (const auto id : reopen_backends())
    provision(id);
  resume_location_jobs();
}

std::vector<std::int64_t> CpoRuntime::reopen_backends() {
  // Live CPOs whose chargers may already be stored get their backend back first, so the
  // chargers the ChargerRuntime restarts are let in.
  struct Live {
    std::int64_t id;
    std::vector<std::string> identities;
    bool unfinished;
  };
  auto live =
      store_
          .submit([](store::Database& db) {
            std::vector<Live> out;
            auto st = db.prepare("SELECT id, status FROM cpos WHERE deleted_at IS NULL ORDER BY id");
            while (st.step()) {
              const auto status = st.column_text(1);
              out.push_back(Live{st.column_int64(0),
                                 {},
                                 status == store::cpo_status::pending || status == store::cpo_status::provisioning});
            }
            for (auto& cpo : out)
              cpo.identities = store::cpo_identities(db, cpo.id);
            return out;
          })
          .get();
  std::vector<std::int64_t> unfinished;
  for (const auto& cpo : live) {
    if (!cpo.identities.empty()) backend_.open(cpo.id, cpo.identities);
    if (cpo.unfinished) unfinished.push_back(cpo.id);
  }
  return unfinished;
}

bool CpoRuntime::destroy(const std::string& org_id, std::int64_t cpo_id) {
  auto ids =
      store_.submit([org_id, cpo_id](store::Database& db) { return destroy_cpo_in_store(db, org_id, cpo_id); }).get();
  if (!ids) return false;
  release(cpo_id, *ids);
  return true;
}

void CpoRuntime::release(std::int64_t cpo_id, const std::vector<std::string>& charger_ids) {
  stop_chargers(charger_ids);
  backend_.close(cpo_id);
}

void CpoRuntime::stop_chargers(const std::vector<std::string>& charger_ids) {
  if (!chargers_) return;
  for (const auto& id : charger_ids)
    chargers_->remove(id);
}

std::size_t CpoRuntime::reap_expired() {
  auto expired = store_.submit([](store::Database& db) { return store::list_expired_cpos(db, db.now()); }).get();
  std::size_t n = 0;
  for (const auto& cpo : expired) {
    if (destroy(cpo.org_id, cpo.id)) {
      ++n;
      core::logger()->info("control API: CPO {} expired (expires_at {}) and was torn down", cpo.id,
                           cpo.expires_at.value_or(""));
    }
  }
  return n;
}

void CpoRuntime::run_worker() {
  auto next_reap = std::chrono::steady_clock::now() + config_.reaper_interval;
  while (!stopping_) {
    std::vector<Task> due;
    {
      std::unique_lock lock{mutex_};
      wake_.wait_for(lock, std::chrono::milliseconds{100}, [this] { return stopping_.load(); });
      const auto now = std::chrono::steady_clock::now();
      std::vector<Task> later;
      for (auto& t : tasks_)
        (t.not_before <= now ? due : later).push_back(std::move(t));
      tasks_.swap(later);
    }
    for (auto& task : due) {
      Outcome outcome = Outcome::next;
      try {
        while (!stopping_ && (outcome = advance(task)) == Outcome::next) {
        }
      } catch (const std::exception& e) {
        // A step that threw (store busy, I/O): retry it after the backoff, then give up.
        auto cpo = store_.submit([id = task.cpo_id](store::Database& db) { return store::find_cpo(db, id); }).get();
        if (cpo && !cpo->deleted_at && task.attempt < config_.step_attempts) {
          core::logger()->warn("control API: CPO {} step {} failed (attempt {}): {}", task.cpo_id,
                               cpo->current_step.value_or("?"), task.attempt, e.what());
          task.not_before = std::chrono::steady_clock::now() + config_.step_backoff * (1 << (task.attempt - 1));
          ++task.attempt;
          outcome = Outcome::wait;
        } else if (cpo && !cpo->deleted_at && !task.job_id.empty()) {
          // A location job that keeps throwing fails alone; the CPO stays as it was.
          auto job =
              store_.submit([&](store::Database& db) { return store::find_cpo_location_job(db, task.job_id); }).get();
          if (job) fail_job(*cpo, *job, "step_failed", e.what(), "");
          outcome = Outcome::done;
        } else if (cpo && !cpo->deleted_at) {
          fail(*cpo, "step_failed", e.what(), cpo->current_step.value_or(""), "", true);
          outcome = Outcome::done;
        } else {
          outcome = Outcome::done;
        }
      }
      if (outcome == Outcome::wait) {
        if (task.not_before <= std::chrono::steady_clock::now())
          task.not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds{200};
        const std::lock_guard lock{mutex_};
        tasks_.push_back(std::move(task));
      }
    }
    if (std::chrono::steady_clock::now() >= next_reap) {
      try {
        reap_expired();
      } catch (const std::exception& e) {
        core::logger()->error("control API: CPO reaper: {}", e.what());
      }
      next_reap = std::chrono::steady_clock::now() + config_.reaper_interval;
    }
  }
}

CpoRuntime::Outcome CpoRuntime::advance(Task& task) {
  if (!task.job_id.empty()) return advance_job(task);
  auto cpo = store_.submit([id = task.cpo_id](store::Database& db) { return store::find_cpo(db, id); }).get();
  if (!cpo || cpo->deleted_at) return Outcome::done;
  if (cpo->status == store::cpo_status::ready || cpo->status == store::cpo_status::failed) return Outcome::done;
  const std::string current = cpo->current_step.value_or(step::network);
  if (current == step::network || current == step::locations) return step_network(task, *cpo);
  if (current == step::chargers) return step_chargers(task, *cpo);
  if (current == step::topology) return step_topology(task, *cpo);
  return step_ready(task, *cpo);
}

CpoRuntime::Outcome CpoRuntime::step_network(Task& task, const store::CpoRow& cpo) {
  store_
      .submit([&](store::Database& db) {
        return store::set_cpo_step(db, cpo.id, store::cpo_status::provisioning, step::network, task.attempt);
      })
      .get();
  auto planned = planner_.plan(cpo);
  if (auto* error = std::get_if<CpoPlanError>(&planned)) {
    fail(cpo, error->code, error->message, step::network, error->param, false);
    return Outcome::done;
  }
  auto plan = std::make_shared<CpoPlan>(std::move(std::get<CpoPlan>(planned)));
  store_
      .submit([&](store::Database& db) {
        store::Transaction tx{db};
        store::set_cpo_network(db, cpo.id, plan->document, plan->sha256,
                               static_cast<std::int64_t>(plan->locations.size()), plan->evses, plan->connectors,
                               static_cast<std::int64_t>(plan->chargers.size()));
        store::set_cpo_step(db, cpo.id, store::cpo_status::provisioning, step::locations, task.attempt);
        std::int64_t seq = 0;
        for (const auto& l : plan->locations)
          store::upsert_cpo_location(db, {cpo.id, l.id, cpo.org_id, ++seq, l.name, l.document_json, "", ""});
        store::set_cpo_step(db, cpo.id, store::cpo_status::provisioning, step::chargers, task.attempt);
        tx.commit();
      })
      .get();
  return Outcome::next;
}

CpoRuntime::Outcome CpoRuntime::step_chargers(Task& task, const store::CpoRow& cpo) {
  auto planned = planner_.plan(cpo); // deterministic: the same plan the network step stored
  if (auto* error = std::get_if<CpoPlanError>(&planned)) {
    fail(cpo, error->code, error->message, step::chargers, error->param, false);
    return Outcome::done;
  }
  const auto& plan = std::get<CpoPlan>(planned);
  const std::string ws_url = backend_.charger_ws_url(cpo.id);
  std::optional<CpoRowsFailure> failure;
  for (std::size_t begin = 0; begin < plan.chargers.size() && !failure; begin += k_insert_batch) {
    const std::size_t end = std::min(plan.chargers.size(), begin + k_insert_batch);
    failure = store_
                  .submit([&](store::Database& db) {
                    store::Transaction tx{db};
                    auto f = insert_cpo_charger_rows(db, cpo, ws_url, plan.chargers, begin, end);
                    if (!f) tx.commit();
                    return f;
                  })
                  .get();
  }
  if (failure) {
    fail(cpo, failure->code, failure->message, failure->step, failure->param, false);
    return Outcome::done;
  }
  store_
      .submit([&](store::Database& db) {
        return store::set_cpo_step(db, cpo.id, store::cpo_status::provisioning, step::topology, task.attempt);
      })
      .get();
  return Outcome::next;
}

CpoRuntime::Outcome CpoRuntime::step_topology(Task& task, const store::CpoRow& cpo) {
  struct Stored {
    std::string id, identity, status;
  };
  auto stored = store_
                    .submit([&](store::Database& db) {
                      std::vector<Stored> out;
                      auto st = db.prepare("SELECT id, identity, status FROM chargers WHERE cpo_id = ? AND "
                                           "deleted_at IS NULL ORDER BY rowid");
                      st.bind(1, cpo.id);
                      while (st.step())
                        out.push_back({st.column_text(0), st.column_text(1), st.column_text(2)});
                      return out;
                    })
                    .get();
  std::vector<std::string> identities;
  identities.reserve(stored.size());
  for (const auto& s : stored)
    identities.push_back(s.identity);
  // The backend knows exactly its identities before the first charger dials it.
  backend_.open(cpo.id, identities);
  if (chargers_) {
    for (const auto& s : stored) {
      // A charger already queued or running (resumed by the ChargerRuntime) is left alone.
      if (s.status != store::charger_status::pending || chargers_->has(s.id) || !chargers_->current_step(s.id).empty())
        continue;
      auto run = store_.submit([id = s.id](store::Database& db) { return store::find_charger(db, id); }).get();
      if (run && run->workflow_run_id) chargers_->provision(s.id, *run->workflow_run_id);
    }
  }
  task.ready_deadline = std::chrono::steady_clock::now() + config_.ready_timeout_base +
                        config_.ready_timeout_per_charger * static_cast<long>(stored.size());
  store_
      .submit([&](store::Database& db) {
        return store::set_cpo_step(db, cpo.id, store::cpo_status::provisioning, step::ready, task.attempt);
      })
      .get();
  return Outcome::next;
}

CpoRuntime::Outcome CpoRuntime::step_ready(Task& task, const store::CpoRow& cpo) {
  if (task.ready_deadline == std::chrono::steady_clock::time_point{}) // resumed in this step
    task.ready_deadline = std::chrono::steady_clock::now() + config_.ready_timeout_base +
                          config_.ready_timeout_per_charger * static_cast<long>(cpo.chargers_total);
  auto chargers = store_.submit([&](store::Database& db) { return store::cpo_chargers(db, cpo.id); }).get();
  std::int64_t ready = 0;
  for (const auto& [id, status] : chargers) {
    if (status == store::charger_status::ready) ++ready;
    if (status == store::charger_status::failed) {
      auto row = store_.submit([id = id](store::Database& db) { return store::find_charger(db, id); }).get();
      std::string why = "a charger of the CPO failed to provision";
      if (row && row->error_json) {
        const auto error = Json::parse(*row->error_json, nullptr, false);
        if (error.is_object() && error.contains("message")) why += ": " + error["message"].get<std::string>();
      }
      fail(cpo, "charger_failed", why, "charger-" + (row ? row->identity : id), "", true);
      return Outcome::done;
    }
  }
  if (ready == static_cast<std::int64_t>(chargers.size()) && ready == cpo.chargers_total) {
    store_.submit([&](store::Database& db) { return store::set_cpo_ready(db, cpo.id); }).get();
    core::logger()->info("control API: CPO {} READY ({} chargers booted at its backend)", cpo.id, ready);
    return Outcome::done;
  }
  store_.submit([&](store::Database& db) { return store::set_cpo_progress(db, cpo.id, ready); }).get();
  if (std::chrono::steady_clock::now() >= task.ready_deadline) {
    fail(cpo, "ready_timeout",
         std::to_string(ready) + " of " + std::to_string(cpo.chargers_total) +
             " chargers booted Accepted before the deadline",
         step::ready, "", true);
    return Outcome::done;
  }
  task.not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds{250};
  return Outcome::wait;
}

void CpoRuntime::fail(const store::CpoRow& cpo, const std::string& code, const std::string& message,
                      const std::string& step, const std::string& param, bool retryable) {
  core::logger()->warn("control API: CPO {} FAILED at {}: {} ({})", cpo.id, step, message, code);
  // Nothing half-created stays: the CPO row keeps its FAILED status and error; its
  // locations and chargers go, and its backend closes. The teardown runs before the
  // status is written so that whoever sees FAILED sees nothing of it still running.
  const auto error = cpo_error_json(code, message, step, param, retryable);
  std::vector<std::string> ids;
  for (const auto& [id, status] :
       store_.submit([&](store::Database& db) { return store::cpo_chargers(db, cpo.id); }).get())
    ids.push_back(id);
  release(cpo.id, ids);
  store_
      .submit([&](store::Database& db) {
        store::Transaction tx{db};
        for (const auto& id : ids)
          store::soft_delete_charger(db, cpo.org_id, id);
        db.prepare("DELETE FROM cpo_locations WHERE cpo_id = ?").bind_all(cpo.id).run();
        store::set_cpo_failed(db, cpo.id, error);
        tx.commit();
      })
      .get();
}

} // namespace ocppfleet::api
