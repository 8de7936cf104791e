// Workflow runs, steps and bulk jobs: persisted transitions and resume after a reopen.
#include "control-api/store/bulk_job_repo.hpp"
#include "control-api/store/migrations.hpp"
#include "control-api/store/store.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "store_test_support.hpp"

using namespace ocppfleet::store;
using ocppfleet::store::testing::TempDir;

namespace {
WorkflowRunRow run_for(const std::string& subject) {
  WorkflowRunRow r;
  r.org_id = "org_a";
  r.kind = workflow_kind::charger_create;
  r.subject_id = subject;
  r.input_json = R"({"identity":"CP-1"})";
  return r;
}
} // namespace

TEST(WorkflowRepo, create_run_stores_steps_in_order_and_transitions_persist) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  const auto run = create_run(db, run_for("chg_1"), {"validate", "allocate", "connect"});
  EXPECT_EQ(run.id.rfind("wfr_", 0), 0u);
  auto steps = list_steps(db, run.id);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].name, "validate");
  EXPECT_EQ(steps[2].name, "connect");
  EXPECT_EQ(steps[1].status, "PENDING");

  EXPECT_TRUE(update_run(db, run.id, workflow_status::running, 1));
  EXPECT_TRUE(mark_step_started(db, run.id, "validate", 1));
  EXPECT_TRUE(mark_step_succeeded(db, run.id, "validate", R"({"ok":true})"));
  EXPECT_TRUE(mark_step_started(db, run.id, "allocate", 1));
  EXPECT_TRUE(mark_step_failed(db, run.id, "allocate", R"({"code":"TIMEOUT"})"));
  EXPECT_TRUE(update_run(db, run.id, workflow_status::running, 2, "2026-01-01T00:00:10.000Z"));
  EXPECT_TRUE(mark_step_started(db, run.id, "allocate", 2));
  EXPECT_FALSE(mark_step_started(db, run.id, "no-such-step", 1));

  steps = list_steps(db, run.id);
  EXPECT_EQ(steps[0].status, "SUCCEEDED");
  EXPECT_EQ(steps[0].output_json, R"({"ok":true})");
  EXPECT_TRUE(steps[0].finished_at);
  EXPECT_EQ(steps[1].status, "RUNNING");
  EXPECT_EQ(steps[1].attempt, 2);
  EXPECT_EQ(steps[1].error_json, std::nullopt) << "a new attempt clears the old error";
  const auto got = get_run(db, run.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->attempt, 2);
  EXPECT_EQ(got->next_attempt_at, "2026-01-01T00:00:10.000Z");
  EXPECT_EQ(got->input_json, R"({"identity":"CP-1"})");

  EXPECT_TRUE(finish_run(db, run.id, workflow_status::succeeded));
  EXPECT_EQ(get_run(db, run.id)->next_attempt_at, std::nullopt);
  EXPECT_THROW(finish_run(db, run.id, "DONE"), StoreError) << "CHECK pins the vocabulary";
}

TEST(WorkflowRepo, a_run_with_a_duplicate_step_name_is_not_created_at_all) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  auto r = run_for("chg_1");
  r.id = "wfr_fixed";
  EXPECT_THROW(create_run(db, r, {"a", "a"}), StoreError);
  EXPECT_EQ(get_run(db, "wfr_fixed"), std::nullopt) << "one transaction: no half-created run";
}

TEST(WorkflowRepo, unfinished_runs_and_bulk_jobs_are_listed_after_a_reopen) {
  TempDir dir;
  const auto path = dir.file("a.db");
  std::string pending, running, job_open;
  {
    auto store = Store::open(path);
    store
        ->submit([&](Database& db) {
          pending = create_run(db, run_for("chg_1"), {"s"}).id;
          running = create_run(db, run_for("chg_2"), {"s"}).id;
          update_run(db, running, workflow_status::running, 1);
          const auto done = create_run(db, run_for("chg_3"), {"s"}).id;
          finish_run(db, done, workflow_status::failed);

          BulkJobRow job;
          job.org_id = "org_a";
          job_open = create_bulk_job(db, job, {"CP-1", "CP-2"}).id;
          const auto closed = create_bulk_job(db, job, {"CP-3"}).id;
          set_bulk_job_status(db, closed, "SUCCEEDED");
        })
        .get();
  } // "restart"
  auto store = Store::open(path);
  const auto runs = store->submit([](Database& db) { return list_unfinished_runs(db); }).get();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, pending);
  EXPECT_EQ(runs[1].id, running);
  EXPECT_EQ(runs[1].status, "RUNNING");
  const auto jobs = store->submit([](Database& db) { return list_unfinished_bulk_jobs(db); }).get();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, job_open);
}

TEST(BulkJobRepo, items_are_created_together_and_record_each_outcome) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  BulkJobRow in;
  in.org_id = "org_a";
  in.location_id = "loc_1";
  in.request_json = R"({"count":3})";
  const auto job = create_bulk_job(db, in, {"CP-1", "CP-2", "CP-3"});
  EXPECT_EQ(job.id.rfind("bulk_", 0), 0u);

  EXPECT_TRUE(set_bulk_item_result(db, job.id, 0, bulk_item_status::created, "chg_1", std::nullopt));
  EXPECT_TRUE(set_bulk_item_result(db, job.id, 2, bulk_item_status::failed, std::nullopt, R"({"code":"DUP"})"));
  EXPECT_FALSE(set_bulk_item_result(db, job.id, 9, bulk_item_status::created, "chg_x", std::nullopt));

  const auto got = get_bulk_job(db, "org_a", job.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->job.location_id, "loc_1");
  EXPECT_EQ(got->job.request_json, R"({"count":3})");
  ASSERT_EQ(got->items.size(), 3u);
  EXPECT_EQ(got->items[0].status, "created");
  EXPECT_EQ(got->items[0].charger_id, "chg_1");
  EXPECT_EQ(got->items[1].status, "pending");
  EXPECT_EQ(got->items[1].identity, "CP-2");
  EXPECT_EQ(got->items[2].status, "failed");
  EXPECT_EQ(got->items[2].error_json, R"({"code":"DUP"})");
  EXPECT_EQ(get_bulk_job(db, "org_b", job.id), std::nullopt);
}
