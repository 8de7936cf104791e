// The location jobs of CpoRuntime (POST /ocpi/cpos/{id}/locations): locations -> topology ->
// ready, each step persisted on the job row so a restarted server resumes it. The job's
// location numbers were reserved when it was stored, so regenerating its plan after a restart
// gives the same locations and identities, and every step is idempotent.
#include <nlohmann/json.hpp>

#include "control-api/store/charger_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/cpo_charger_rows.hpp"
#include "control-api/workflows/cpo_runtime.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

namespace job_step {
constexpr const char* locations = "locations";
constexpr const char* topology = "topology";
constexpr const char* ready = "ready";
} // namespace job_step

struct JobCharger {
  std::string id, status;
};

// The live chargers of the job's locations.
std::vector<JobCharger> job_chargers(store::Database& db, const store::CpoLocationJobRow& job) {
  std::vector<JobCharger> out;
  const auto ids = Json::parse(job.location_ids_json, nullptr, false);
  if (!ids.is_array()) return out;
  auto st = db.prepare("SELECT id, status FROM chargers WHERE cpo_id = ? AND cpo_location_id = ? AND "
                       "deleted_at IS NULL ORDER BY rowid");
  for (const auto& location : ids) {
    st.reset();
    st.bind_all(job.cpo_id, location.get<std::string>());
    while (st.step())
      out.push_back({st.column_text(0), st.column_text(1)});
  }
  return out;
}

} // namespace

void CpoRuntime::add_locations(std::int64_t cpo_id, const std::string& job_id) {
  {
    const std::lock_guard lock{mutex_};
    Task task;
    task.cpo_id = cpo_id;
    task.job_id = job_id;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

void CpoRuntime::resume_location_jobs() {
  auto jobs = store_
                  .submit([](store::Database& db) {
                    std::vector<std::pair<std::int64_t, std::string>> out;
                    for (const auto& id : store::list_unfinished_cpo_location_jobs(db))
                      if (auto job = store::find_cpo_location_job(db, id)) out.emplace_back(job->cpo_id, id);
                    return out;
                  })
                  .get();
  for (const auto& [cpo_id, id] : jobs)
    add_locations(cpo_id, id);
}

CpoRuntime::Outcome CpoRuntime::advance_job(Task& task) {
  auto [cpo, job] =
      store_
          .submit([&](store::Database& db) {
            return std::pair{store::find_cpo(db, task.cpo_id), store::find_cpo_location_job(db, task.job_id)};
          })
          .get();
  if (!job || job->status == store::location_job_status::succeeded || job->status == store::location_job_status::failed)
    return Outcome::done;
  if (!cpo || cpo->deleted_at) {
    // The CPO went (DELETE, TTL): its teardown already removed every charger and location.
    store_
        .submit([&](store::Database& db) {
          store::finish_cpo_location_job(db, job->id, store::location_job_status::failed,
                                         cpo_error_json("cpo_deleted", "the CPO was deleted while the job ran",
                                                        job->current_step.value_or(""), "", false));
        })
        .get();
    return Outcome::done;
  }
  const std::string current = job->current_step.value_or(job_step::locations);
  if (current == job_step::locations) return job_locations(task, *cpo, *job);
  if (current == job_step::topology) return job_topology(task, *cpo, *job);
  return job_ready(task, *cpo, *job);
}

CpoRuntime::Outcome CpoRuntime::job_locations(Task& task, const store::CpoRow& cpo,
                                              const store::CpoLocationJobRow& job) {
  auto planned = planner_.plan_added_locations(cpo, job.first_number, job.request_json);
  if (auto* error = std::get_if<CpoPlanError>(&planned)) {
    fail_job(cpo, job, error->code, error->message, error->param);
    return Outcome::done;
  }
  const auto& plan = std::get<CpoAddedPlan>(planned);
  const std::string ws_url = backend_.charger_ws_url(cpo.id);
  Json location_ids = Json::array();
  for (const auto& l : plan.locations)
    location_ids.push_back(l.id);
  // One transaction: the locations, their chargers, the CPO's counts and the next step land
  // together or not at all, so a resumed job never counts twice.
  auto failure =
      store_
          .submit([&](store::Database& db) -> std::optional<CpoRowsFailure> {
            store::Transaction tx{db};
            std::int64_t seq = job.first_number;
            for (const auto& l : plan.locations)
              store::upsert_cpo_location(db, {cpo.id, l.id, cpo.org_id, seq++, l.name, l.document_json, "", ""});
            if (auto f = insert_cpo_charger_rows(db, cpo, ws_url, plan.chargers, 0, plan.chargers.size())) return f;
            store::adjust_cpo_topology(db, cpo.id, static_cast<std::int64_t>(plan.locations.size()), plan.evses,
                                       plan.connectors, static_cast<std::int64_t>(plan.chargers.size()));
            store::set_cpo_location_job_step(db, job.id, job_step::topology,
                                             static_cast<std::int64_t>(plan.chargers.size()), location_ids.dump());
            tx.commit();
            return std::nullopt;
          })
          .get();
  if (failure) {
    fail_job(cpo, job, failure->code, failure->message, failure->param);
    return Outcome::done;
  }
  (void)task;
  return Outcome::next;
}

CpoRuntime::Outcome CpoRuntime::job_topology(Task& task, const store::CpoRow& cpo,
                                             const store::CpoLocationJobRow& job) {
  struct Stored {
    std::vector<std::string> identities;                       // every live charger of the CPO
    std::vector<std::pair<std::string, std::string>> to_start; // the job's pending chargers: id, run id
  };
  auto stored = store_
                    .submit([&](store::Database& db) {
                      Stored out;
                      out.identities = store::cpo_identities(db, cpo.id);
                      for (const auto& c : job_chargers(db, job)) {
                        if (c.status != store::charger_status::pending) continue;
                        auto row = store::find_charger(db, c.id);
                        if (row && row->workflow_run_id) out.to_start.emplace_back(c.id, *row->workflow_run_id);
                      }
                      return out;
                    })
                    .get();
  // The backend lets the new identities in before any of them dials.
  backend_.open(cpo.id, stored.identities);
  if (chargers_)
    for (const auto& [id, run] : stored.to_start)
      if (!chargers_->has(id) && chargers_->current_step(id).empty()) chargers_->provision(id, run);
  task.ready_deadline = std::chrono::steady_clock::now() + config_.ready_timeout_base +
                        config_.ready_timeout_per_charger * static_cast<long>(stored.to_start.size());
  store_
      .submit([&](store::Database& db) {
        store::set_cpo_location_job_step(db, job.id, job_step::ready, job.chargers_total, job.location_ids_json);
      })
      .get();
  return Outcome::next;
}

CpoRuntime::Outcome CpoRuntime::job_ready(Task& task, const store::CpoRow& cpo, const store::CpoLocationJobRow& job) {
  if (task.ready_deadline == std::chrono::steady_clock::time_point{}) // resumed in this step
    task.ready_deadline = std::chrono::steady_clock::now() + config_.ready_timeout_base +
                          config_.ready_timeout_per_charger * static_cast<long>(job.chargers_total);
  const auto chargers = store_.submit([&](store::Database& db) { return job_chargers(db, job); }).get();
  std::int64_t ready = 0;
  for (const auto& c : chargers) {
    if (c.status == store::charger_status::ready) ++ready;
    if (c.status == store::charger_status::failed) {
      auto row = store_.submit([id = c.id](store::Database& db) { return store::find_charger(db, id); }).get();
      std::string why = "a charger of the new locations failed to provision";
      if (row) why += " (" + row->identity + ")";
      if (row && row->error_json) {
        const auto error = Json::parse(*row->error_json, nullptr, false);
        if (error.is_object() && error.contains("message") && error["message"].is_string())
          why += ": " + error["message"].get<std::string>();
      }
      fail_job(cpo, job, "charger_failed", why, "");
      return Outcome::done;
    }
  }
  if (ready == static_cast<std::int64_t>(chargers.size()) && ready == job.chargers_total) {
    store_
        .submit([&](store::Database& db) {
          store::Transaction tx{db};
          store::finish_cpo_location_job(db, job.id, store::location_job_status::succeeded, std::nullopt);
          store::recount_cpo_chargers_ready(db, cpo.id);
          tx.commit();
        })
        .get();
    core::logger()->info("control API: CPO {} location job {} SUCCEEDED ({} locations, {} chargers)", cpo.id, job.id,
                         job.locations_total, ready);
    return Outcome::done;
  }
  store_.submit([&](store::Database& db) { store::set_cpo_location_job_progress(db, job.id, ready); }).get();
  if (std::chrono::steady_clock::now() >= task.ready_deadline) {
    fail_job(cpo, job, "ready_timeout",
             std::to_string(ready) + " of " + std::to_string(job.chargers_total) +
                 " new chargers booted Accepted before the deadline",
             "");
    return Outcome::done;
  }
  task.not_before = std::chrono::steady_clock::now() + std::chrono::milliseconds{250};
  return Outcome::wait;
}

void CpoRuntime::fail_job(const store::CpoRow& cpo, const store::CpoLocationJobRow& job, const std::string& code,
                          const std::string& message, const std::string& param) {
  core::logger()->warn("control API: CPO {} location job {} FAILED: {} ({})", cpo.id, job.id, message, code);
  // What the job added goes (its chargers stop first), the CPO's counts go back, and the job
  // keeps its error. The CPO's own locations and chargers are untouched.
  auto current = store_.submit([&](store::Database& db) { return store::find_cpo_location_job(db, job.id); }).get();
  const auto& latest = current ? *current : job;
  std::vector<std::string> ids;
  for (const auto& c : store_.submit([&](store::Database& db) { return job_chargers(db, latest); }).get())
    ids.push_back(c.id);
  stop_chargers(ids);
  const auto error = cpo_error_json(code, message, latest.current_step.value_or(job_step::locations), param, false);
  store_
      .submit([&](store::Database& db) {
        store::Transaction tx{db};
        const auto locations = Json::parse(latest.location_ids_json, nullptr, false);
        std::int64_t removed_locations = 0, removed_evses = 0;
        if (locations.is_array())
          for (const auto& l : locations) {
            const auto row = store::get_cpo_location(db, cpo.id, l.get<std::string>());
            if (!row) continue;
            const auto doc = Json::parse(row->document_json, nullptr, false);
            if (doc.is_object() && doc.contains("evses") && doc["evses"].is_array())
              removed_evses += static_cast<std::int64_t>(doc["evses"].size());
            if (store::delete_cpo_location(db, cpo.id, row->location_id)) ++removed_locations;
          }
        std::int64_t removed_chargers = 0;
        for (const auto& id : ids)
          if (store::soft_delete_charger(db, cpo.org_id, id)) ++removed_chargers;
        store::adjust_cpo_topology(db, cpo.id, -removed_locations, -removed_evses, -removed_evses, -removed_chargers);
        store::finish_cpo_location_job(db, job.id, store::location_job_status::failed, error);
        store::recount_cpo_chargers_ready(db, cpo.id);
        tx.commit();
      })
      .get();
  // The backend forgets the identities the job let in.
  if (!ids.empty()) {
    auto identities = store_.submit([&](store::Database& db) { return store::cpo_identities(db, cpo.id); }).get();
    backend_.open(cpo.id, identities);
  }
}

} // namespace ocppfleet::api
