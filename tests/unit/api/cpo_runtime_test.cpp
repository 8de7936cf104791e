// The CPO provisioning run, teardown and TTL reaper, on a real store (temporary SQLite file,
// virtual clock) with a fake planner and a fake backend: no chargers are started here (the
// end-to-end path with chargers is tests/api/cpo_api_test.py).
#include "control-api/store/cpo_repo.hpp"
#include "control-api/store/store.hpp"
#include "control-api/workflows/cpo_runtime.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/core/timestamp.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <thread>

using namespace ocppfleet;
using namespace std::chrono_literals;
using store::testing::TempDir;

namespace {

class FakePlanner final : public api::CpoPlanner {
public:
  bool fail = false;
  std::vector<api::CpoTemplateSummary> templates() const override { return {}; }
  std::optional<api::CpoTemplateSummary> find_template(const std::string&) const override { return std::nullopt; }
  std::vector<std::string> location_presets_json(const std::string&, const std::string&) const override { return {}; }
  std::variant<api::CpoPlan, api::CpoPlanError> plan(const store::CpoRow& cpo) const override {
    if (fail) return api::CpoPlanError{"unknown_country", "no pool for " + cpo.country_code, "country_code"};
    api::CpoPlan plan;
    plan.document = R"({"seed":)" + std::to_string(cpo.seed) + "}";
    plan.sha256 = std::string(64, 'a');
    plan.locations = {{"LOC-0001", "One", R"({"city":"Paris"})"}, {"LOC-0002", "Two", R"({"city":"Lyon"})"}};
    plan.evses = 4;
    plan.connectors = 4;
    return plan;
  }
  // One location per item, numbered from first_number, no chargers (the ChargerRuntime is
  // not part of these tests).
  std::variant<api::CpoAddedPlan, api::CpoPlanError>
  plan_added_locations(const store::CpoRow&, std::int64_t first_number, const std::string& items_json) const override {
    const auto items = nlohmann::json::parse(items_json);
    api::CpoAddedPlan plan;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].value("template", "") == "nope")
        return api::CpoPlanError{"unknown_location_template", "no such preset", "locations." + std::to_string(i)};
      const auto n = first_number + static_cast<std::int64_t>(i);
      plan.locations.push_back(
          {"LOC-" + std::to_string(1000 + n), items[i].value("name", "Added"), R"({"evses":[1]})"});
      plan.evses += 1;
      plan.connectors += 1;
    }
    return plan;
  }
};

class FakeBackend final : public api::CpoBackend {
public:
  std::string charger_ws_url(std::int64_t id) const override { return "ws://127.0.0.1:1/cpos/" + std::to_string(id); }
  void open(std::int64_t id, const std::vector<std::string>&) override {
    const std::lock_guard lock{mutex};
    opened.insert(id);
  }
  void close(std::int64_t id) override {
    const std::lock_guard lock{mutex};
    closed.insert(id);
  }
  std::set<std::int64_t> closed_ids() {
    const std::lock_guard lock{mutex};
    return closed;
  }
  std::mutex mutex;
  std::set<std::int64_t> opened, closed;
};

store::CpoRow new_cpo(store::Store& s, const std::string& org, std::optional<std::string> expires_at = {}) {
  return s
      .submit([&](store::Database& db) {
        store::CpoRow row;
        row.org_id = org;
        row.template_slug = "small-urban-ac";
        row.seed = 42;
        row.country_code = "FR";
        row.requested_party = "ABC";
        row.party_id = store::free_party_id(db, org, "FR", "ABC");
        row.name_prefix = "alice";
        row.workflow_run_id = "wfr_test";
        row.expires_at = expires_at;
        return store::insert_cpo(db, row);
      })
      .get();
}

store::CpoRow wait_for_status(store::Store& s, std::int64_t id, std::string_view status,
                              std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto row = s.submit([id](store::Database& db) { return store::find_cpo(db, id); }).get();
    if (row && row->status == status) return *row;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "CPO " << id << " never reached " << status << " (is " << (row ? row->status : "gone") << ")";
      return row.value_or(store::CpoRow{});
    }
    std::this_thread::sleep_for(20ms);
  }
}

} // namespace

TEST(CpoRuntime, a_run_stores_network_and_locations_then_is_ready_with_no_chargers) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  const auto cpo = new_cpo(*s, "org1");
  runtime.provision(cpo.id);
  const auto done = wait_for_status(*s, cpo.id, store::cpo_status::ready);
  EXPECT_EQ(done.locations_count, 2);
  EXPECT_EQ(done.evses_count, 4);
  EXPECT_EQ(done.current_step.value_or(""), "ready");
  EXPECT_TRUE(done.provisioned_at.has_value());
  const auto locations = s->submit([&](store::Database& db) {
                            return store::list_cpo_locations(db, cpo.id, {1, 50});
                          }).get();
  ASSERT_EQ(locations.total, 2);
  EXPECT_EQ(locations.rows[0].location_id, "LOC-0001");
  EXPECT_EQ(s->submit([&](store::Database& db) { return store::cpo_document(db, cpo.id); }).get().value_or(""),
            R"({"seed":42})");
}

TEST(CpoRuntime, a_planning_error_fails_the_run_with_code_param_and_step_and_leaves_no_locations) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  FakePlanner planner;
  planner.fail = true;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  const auto cpo = new_cpo(*s, "org1");
  runtime.provision(cpo.id);
  const auto failed = wait_for_status(*s, cpo.id, store::cpo_status::failed);
  ASSERT_TRUE(failed.error_json.has_value());
  const auto error = nlohmann::json::parse(*failed.error_json);
  EXPECT_EQ(error["code"], "unknown_country");
  EXPECT_EQ(error["param"], "country_code");
  EXPECT_EQ(error["step"], "network");
  EXPECT_EQ(error["retryable"], false);
  EXPECT_EQ(s->submit([&](store::Database& db) {
               return store::list_cpo_locations(db, cpo.id, {1, 50}).total;
             }).get(),
            0);
  EXPECT_TRUE(backend.closed_ids().count(cpo.id));
}

TEST(CpoRuntime, party_ids_are_mangled_deterministically_within_an_organisation_only) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  const auto a = new_cpo(*s, "org1");
  const auto b = new_cpo(*s, "org1");
  const auto c = new_cpo(*s, "org1");
  const auto other = new_cpo(*s, "org2");
  EXPECT_EQ(a.party_id, "ABC");
  EXPECT_EQ(b.party_id, "AB0");
  EXPECT_EQ(c.party_id, "AB1");
  EXPECT_EQ(other.party_id, "ABC"); // another organisation's parties do not collide
}

TEST(CpoRuntime, destroy_is_scoped_to_the_organisation_and_idempotent) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  const auto cpo = new_cpo(*s, "org1");
  runtime.provision(cpo.id);
  wait_for_status(*s, cpo.id, store::cpo_status::ready);
  EXPECT_FALSE(runtime.destroy("org2", cpo.id)); // another org's id changes nothing
  EXPECT_TRUE(s->submit([&](store::Database& db) { return store::get_cpo(db, "org1", cpo.id); }).get().has_value());
  EXPECT_TRUE(runtime.destroy("org1", cpo.id));
  EXPECT_FALSE(runtime.destroy("org1", cpo.id)); // already gone
  EXPECT_FALSE(s->submit([&](store::Database& db) { return store::get_cpo(db, "org1", cpo.id); }).get().has_value());
  const auto row = s->submit([&](store::Database& db) { return store::find_cpo(db, cpo.id); }).get();
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(row->token_a_hash.has_value()); // its credentials die with it
  EXPECT_TRUE(backend.closed_ids().count(cpo.id));
  // The party id is free again.
  EXPECT_EQ(new_cpo(*s, "org1").party_id, "ABC");
}

TEST(CpoRuntime, the_reaper_tears_down_expired_cpos_on_the_store_clock_also_after_a_restart) {
  TempDir dir;
  core::VirtualClock clock;
  const auto file = dir.file("c.db");
  store::StoreOptions options;
  options.clock = &clock;
  std::int64_t keep = 0, expire = 0;
  {
    auto s = store::Store::open(file, options);
    const auto now = clock.wall_now();
    expire = new_cpo(*s, "org1", core::format_timestamp(now + 60s)).id;
    keep = new_cpo(*s, "org1", core::format_timestamp(now + 3600s)).id;
    new_cpo(*s, "org1"); // never expires
  }
  // A restarted server: a new store and runtime on the same file.
  auto s = store::Store::open(file, options);
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntimeConfig config;
  config.reaper_interval = 1h;
  api::CpoRuntime runtime{*s, planner, backend, nullptr, config};
  EXPECT_EQ(runtime.reap_expired(), 0u);
  clock.advance(61s);
  EXPECT_EQ(runtime.reap_expired(), 1u);
  EXPECT_FALSE(s->submit([&](store::Database& db) { return store::get_cpo(db, "org1", expire); }).get().has_value());
  EXPECT_TRUE(s->submit([&](store::Database& db) { return store::get_cpo(db, "org1", keep); }).get().has_value());
  EXPECT_TRUE(backend.closed_ids().count(expire));
  clock.advance(24h);
  EXPECT_EQ(runtime.reap_expired(), 1u); // the one with no expiry stays
  EXPECT_EQ(s->submit([&](store::Database& db) { return store::list_cpos(db, "org1", {1, 50}).total; }).get(), 1);
}

TEST(CpoRuntime, an_unfinished_run_resumes_after_a_restart) {
  TempDir dir;
  const auto file = dir.file("c.db");
  std::int64_t id = 0;
  {
    auto s = store::Store::open(file);
    id = new_cpo(*s, "org1").id;
    // Killed mid-run: the network step had started.
    s->submit([&](store::Database& db) { return store::set_cpo_step(db, id, "PROVISIONING", "network", 1); }).get();
  }
  auto s = store::Store::open(file);
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  runtime.resume();
  const auto done = wait_for_status(*s, id, store::cpo_status::ready);
  EXPECT_EQ(done.locations_count, 2);
}

namespace {

store::CpoLocationJobRow wait_for_job(store::Store& s, const std::string& id, std::string_view status,
                                      std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto row = s.submit([&](store::Database& db) { return store::find_cpo_location_job(db, id); }).get();
    if (row && row->status == status) return *row;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "job " << id << " never reached " << status << " (is " << (row ? row->status : "gone") << ")";
      return row.value_or(store::CpoLocationJobRow{});
    }
    std::this_thread::sleep_for(20ms);
  }
}

store::CpoLocationJobRow new_job(store::Store& s, const store::CpoRow& cpo, const std::string& items) {
  return s
      .submit([&](store::Database& db) {
        store::CpoLocationJobRow job;
        job.cpo_id = cpo.id;
        job.org_id = cpo.org_id;
        job.first_number = store::next_cpo_location_number(db, cpo.id);
        job.locations_total = static_cast<std::int64_t>(nlohmann::json::parse(items).size());
        job.request_json = items;
        return store::insert_cpo_location_job(db, job);
      })
      .get();
}

} // namespace

TEST(CpoRuntime, a_location_job_adds_numbered_locations_grows_the_topology_and_succeeds) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  const auto cpo = new_cpo(*s, "org1");
  runtime.provision(cpo.id);
  wait_for_status(*s, cpo.id, store::cpo_status::ready);
  const auto job = new_job(*s, cpo, R"([{"name":"A"},{"name":"B"}])");
  EXPECT_EQ(job.first_number, 3); // past the two generated locations
  runtime.add_locations(cpo.id, job.id);
  const auto done = wait_for_job(*s, job.id, store::location_job_status::succeeded);
  EXPECT_EQ(done.location_ids_json, R"(["LOC-1003","LOC-1004"])");
  const auto after = s->submit([&](store::Database& db) { return store::find_cpo(db, cpo.id); }).get();
  EXPECT_EQ(after->locations_count, 4);
  EXPECT_EQ(after->evses_count, 6);
  EXPECT_EQ(s->submit([&](store::Database& db) {
               return store::list_cpo_locations(db, cpo.id, {1, 50}).total;
             }).get(),
            4);
  // A later job gets the numbers after this one's, even before it stored anything.
  EXPECT_EQ(s->submit([&](store::Database& db) { return store::next_cpo_location_number(db, cpo.id); }).get(), 5);
}

TEST(CpoRuntime, a_failing_location_job_leaves_the_cpo_as_it_was) {
  TempDir dir;
  auto s = store::Store::open(dir.file("c.db"));
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  const auto cpo = new_cpo(*s, "org1");
  runtime.provision(cpo.id);
  wait_for_status(*s, cpo.id, store::cpo_status::ready);
  const auto job = new_job(*s, cpo, R"([{"name":"A"},{"template":"nope"}])");
  runtime.add_locations(cpo.id, job.id);
  const auto failed = wait_for_job(*s, job.id, store::location_job_status::failed);
  ASSERT_TRUE(failed.error_json.has_value());
  EXPECT_EQ(nlohmann::json::parse(*failed.error_json)["code"], "unknown_location_template");
  const auto after = s->submit([&](store::Database& db) { return store::find_cpo(db, cpo.id); }).get();
  EXPECT_EQ(after->status, store::cpo_status::ready);
  EXPECT_EQ(after->locations_count, 2);
  EXPECT_EQ(s->submit([&](store::Database& db) {
               return store::list_cpo_locations(db, cpo.id, {1, 50}).total;
             }).get(),
            2);
}

TEST(CpoRuntime, an_unfinished_location_job_resumes_after_a_restart) {
  TempDir dir;
  const auto file = dir.file("c.db");
  std::string job_id;
  std::int64_t cpo_id = 0;
  {
    auto s = store::Store::open(file);
    FakePlanner planner;
    FakeBackend backend;
    api::CpoRuntime runtime{*s, planner, backend, nullptr};
    const auto cpo = new_cpo(*s, "org1");
    cpo_id = cpo.id;
    runtime.provision(cpo.id);
    wait_for_status(*s, cpo.id, store::cpo_status::ready);
    job_id = new_job(*s, cpo, R"([{"name":"A"}])").id; // stored, never queued: the server "died"
  }
  auto s = store::Store::open(file);
  FakePlanner planner;
  FakeBackend backend;
  api::CpoRuntime runtime{*s, planner, backend, nullptr};
  runtime.resume();
  const auto done = wait_for_job(*s, job_id, store::location_job_status::succeeded);
  EXPECT_EQ(done.cpo_id, cpo_id);
  EXPECT_EQ(done.location_ids_json, R"(["LOC-1003"])");
}
