#include "control-api/workflows/bulk_job_runner.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

#include "control-api/store/bulk_job_repo.hpp"
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/errors.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

store::OptText opt_text(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The charger row an item becomes: the template of its group plus the job's location.
struct Plan {
  std::string org_id;
  store::OptText location_id;
  store::OptText location_name;
  Json groups = Json::array();

  [[nodiscard]] const Json* template_for(int seq) const {
    for (const auto& g : groups) {
      const int first = g.value("first", 0);
      if (seq >= first && seq < first + g.value("count", 0)) return &g.at("template");
    }
    return nullptr;
  }

  [[nodiscard]] std::optional<store::ChargerRow> row_for(const store::BulkJobItemRow& item) const {
    const Json* t = template_for(item.seq);
    if (t == nullptr || !t->is_object()) return std::nullopt;
    store::ChargerRow row;
    row.org_id = org_id;
    row.identity = item.identity;
    row.brand_slug = opt_text(*t, "brand_slug");
    row.model_slug = opt_text(*t, "model_slug");
    row.connector_type = opt_text(*t, "connector_type");
    row.ws_url = t->value("ws_url", std::string{});
    row.ocpp_version = t->value("ocpp_version", std::string{"OCPP1.6"});
    row.charge_point_name = opt_text(*t, "charge_point_name");
    row.basic_auth_password = opt_text(*t, "password");
    row.location_id = location_id;
    row.location_name = location_name;
    return row;
  }
};

struct Created {
  std::string charger_id;
  std::string run_id;
};

std::string item_error(std::string code, std::string message) {
  return Json{{"code", std::move(code)}, {"message", std::move(message)}}.dump();
}

// One item, inside the batch's transaction (a savepoint of its own, so a duplicate identity
// rolls back only this charger). Returns the charger to provision, if one was created.
std::optional<Created> create_item(store::Database& db, const Plan& plan, const store::BulkJobItemRow& item) {
  auto row = plan.row_for(item);
  if (!row) {
    store::set_bulk_item_result(db, item.job_id, item.seq, store::bulk_item_status::failed, std::nullopt,
                                item_error("invalid_request", "No charger template covers this item"));
    return std::nullopt;
  }
  try {
    store::Transaction item_tx{db};
    const auto stored = store::insert_charger(db, std::move(*row));
    store::WorkflowRunRow run;
    run.org_id = stored.org_id;
    run.kind = std::string{store::workflow_kind::charger_create};
    run.subject_id = stored.id;
    run = store::create_run(db, run, {"validate", "start_runtime", "await_boot"});
    store::set_charger_workflow_run(db, stored.id, run.id);
    store::set_bulk_item_result(db, item.job_id, item.seq, store::bulk_item_status::created, stored.id, std::nullopt);
    item_tx.commit();
    return Created{stored.id, run.id};
  } catch (const store::DuplicateIdentity&) {
    store::set_bulk_item_result(db, item.job_id, item.seq, store::bulk_item_status::failed, std::nullopt,
                                item_error("duplicate_identity", "A charger with identity '" + item.identity +
                                                                     "' already exists in this organisation"));
    return std::nullopt;
  }
}

} // namespace

BulkJobRunner::BulkJobRunner(store::Store& store, ChargerRuntime& runtime)
    : store_(store), runtime_(runtime), worker_([this] { run_worker(); }) {}

BulkJobRunner::~BulkJobRunner() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void BulkJobRunner::submit(std::string org_id, std::string job_id) {
  {
    const std::lock_guard lock{mutex_};
    queue_.emplace_back(std::move(org_id), std::move(job_id));
  }
  wake_.notify_all();
}

void BulkJobRunner::resume() {
  const auto jobs = store_.submit([](store::Database& db) { return store::list_unfinished_bulk_jobs(db); }).get();
  for (const auto& job : jobs)
    submit(job.org_id, job.id);
  if (!jobs.empty()) core::logger()->info("control API: resuming {} bulk charger jobs", jobs.size());
}

void BulkJobRunner::run_worker() {
  for (;;) {
    std::pair<std::string, std::string> next;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      run_job(next.first, next.second);
    } catch (const std::exception& e) {
      // Left as it is (RUNNING): the next start resumes it, skipping the recorded items.
      core::logger()->error("control API: bulk job {} interrupted: {}", next.second, e.what());
    }
  }
}

void BulkJobRunner::run_job(const std::string& org_id, const std::string& job_id) {
  auto loaded = store_
                    .submit([org_id, job_id](store::Database& db) {
                      auto job = store::get_bulk_job(db, org_id, job_id);
                      if (job && job->job.status == store::workflow_status::pending) {
                        store::set_bulk_job_status(db, job_id, store::workflow_status::running);
                        job->job.status = store::workflow_status::running;
                      }
                      return job;
                    })
                    .get();
  if (!loaded || loaded->job.status != store::workflow_status::running) return; // finished or gone

  Plan plan;
  plan.org_id = org_id;
  plan.location_id = loaded->job.location_id;
  const Json request = Json::parse(loaded->job.request_json, nullptr, false);
  if (request.is_object()) {
    plan.location_name = opt_text(request, "location_name");
    if (const auto it = request.find("groups"); it != request.end() && it->is_array()) plan.groups = *it;
  }

  std::vector<store::BulkJobItemRow> pending;
  for (auto& item : loaded->items)
    if (item.status == store::bulk_item_status::pending) pending.push_back(std::move(item));

  for (std::size_t at = 0; at < pending.size(); at += kBatch) {
    {
      const std::lock_guard lock{mutex_};
      if (stopping_) return; // resumed on the next start
    }
    std::vector<store::BulkJobItemRow> batch(pending.begin() + static_cast<std::ptrdiff_t>(at),
                                             pending.begin() +
                                                 static_cast<std::ptrdiff_t>(std::min(at + kBatch, pending.size())));
    const auto created = store_
                             .submit([&plan, batch = std::move(batch)](store::Database& db) {
                               std::vector<Created> out;
                               store::Transaction tx{db};
                               for (const auto& item : batch)
                                 if (auto c = create_item(db, plan, item)) out.push_back(std::move(*c));
                               tx.commit();
                               return out;
                             })
                             .get();
    // Durable now: each run proceeds on the provisioning worker.
    for (const auto& c : created)
      runtime_.provision(c.charger_id, c.run_id);
  }

  const auto status = store_
                          .submit([org_id, job_id](store::Database& db) {
                            const auto job = store::get_bulk_job(db, org_id, job_id);
                            if (!job) return std::string{};
                            std::size_t failed = 0;
                            for (const auto& item : job->items) {
                              if (item.status == store::bulk_item_status::pending) return std::string{};
                              if (item.status == store::bulk_item_status::failed) ++failed;
                            }
                            const auto done = !job->items.empty() && failed == job->items.size()
                                                  ? store::workflow_status::failed
                                                  : store::workflow_status::succeeded;
                            store::set_bulk_job_status(db, job_id, done);
                            return std::string{done};
                          })
                          .get();
  core::logger()->info("control API: bulk job {} ({} items) {}", job_id, loaded->items.size(),
                       status.empty() ? "left unfinished" : status);
}

} // namespace ocppfleet::api
