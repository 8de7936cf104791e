// Database wrapper, migrations and the store thread.
#include "control-api/store/database.hpp"
#include "control-api/store/ids.hpp"
#include "control-api/store/migrations.hpp"
#include "control-api/store/org_repo.hpp"
#include "control-api/store/store.hpp"
#include "control-api/store/token_repo.hpp"
#include "store_test_support.hpp"

#include <atomic>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <thread>
#include <vector>

using namespace ocppfleet::store;
using ocppfleet::store::testing::TempDir;

namespace {
std::string pragma(Database& db, const std::string& name) {
  auto st = db.prepare("PRAGMA " + name);
  EXPECT_TRUE(st.step());
  return st.column_text(0);
}
std::int64_t count(Database& db, const std::string& sql) {
  auto st = db.prepare(sql);
  st.step();
  return st.column_int64(0);
}
} // namespace

TEST(Database, opens_in_wal_mode_with_foreign_keys_and_busy_timeout) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  EXPECT_EQ(pragma(db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(db, "synchronous"), "1"); // NORMAL
  EXPECT_EQ(pragma(db, "busy_timeout"), "5000");
}

TEST(Database, open_of_a_file_that_is_not_a_database_names_the_file) {
  TempDir dir;
  const auto path = dir.file("junk.db");
  std::ofstream{path} << std::string(4096, 'x');
  try {
    (void)Database::open(path);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string{e.what()}.find(path), std::string::npos) << e.what();
  }
}

TEST(Database, open_in_a_missing_directory_throws_store_error) {
  TempDir dir;
  EXPECT_THROW((void)Database::open(dir.file("no/such/dir/a.db")), StoreError);
}

TEST(Database, binds_and_reads_every_type_including_null) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  db.exec("CREATE TABLE t(i INTEGER, d REAL, s TEXT, n TEXT)");
  const std::optional<std::string> none;
  db.prepare("INSERT INTO t VALUES (?, ?, ?, ?)").bind_all(std::int64_t{1} << 40, 2.5, std::string{"hi"}, none).run();
  auto st = db.prepare("SELECT i, d, s, n FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column_int64(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(st.column_double(1), 2.5);
  EXPECT_EQ(st.column_text(2), "hi");
  EXPECT_TRUE(st.is_null(3));
  EXPECT_EQ(st.column_optional_text(3), std::nullopt);
  EXPECT_FALSE(st.step());
}

TEST(Transaction, rolls_back_when_destroyed_uncommitted_and_nests_as_savepoints) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  db.exec("CREATE TABLE t(v INTEGER)");
  {
    Transaction tx{db};
    db.exec("INSERT INTO t VALUES (1)");
  }
  EXPECT_EQ(count(db, "SELECT count(*) FROM t"), 0);
  {
    Transaction outer{db};
    db.exec("INSERT INTO t VALUES (1)");
    {
      Transaction inner{db};
      db.exec("INSERT INTO t VALUES (2)");
    } // inner rolled back alone
    {
      Transaction inner{db};
      db.exec("INSERT INTO t VALUES (3)");
      inner.commit();
    }
    outer.commit();
  }
  EXPECT_EQ(count(db, "SELECT count(*) FROM t"), 2);
  EXPECT_EQ(count(db, "SELECT sum(v) FROM t"), 4);
  EXPECT_FALSE(db.in_transaction());
}

TEST(Migrations, run_once_and_reopening_is_idempotent) {
  TempDir dir;
  const auto path = dir.file("a.db");
  Store::open(path).reset();
  Store::open(path).reset();
  auto db = Database::open(path);
  EXPECT_EQ(schema_version(db), latest_schema_version());
  EXPECT_EQ(count(db, "SELECT count(*) FROM schema_migrations"), static_cast<std::int64_t>(migrations().size()));
}

TEST(Migrations, step_1_creates_every_table) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  EXPECT_EQ(schema_version(db), 0);
  migrate(db, 1);
  EXPECT_EQ(schema_version(db), 1);
  std::set<std::string> tables;
  auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  while (st.step())
    tables.insert(st.column_text(0));
  EXPECT_EQ(tables,
            (std::set<std::string>{"schema_migrations", "organizations", "api_tokens", "locations", "chargers",
                                   "workflow_runs", "workflow_steps", "bulk_jobs", "bulk_job_items", "charger_logs"}));
  EXPECT_EQ(count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'charger_logs_by_time'"), 1);
  // CHECK constraints pin the status vocabulary.
  try {
    db.exec("INSERT INTO chargers(id, org_id, identity, ws_url, ocpp_version, status) "
            "VALUES ('c', 'o', 'CP', 'ws://x', '1.6', 'BOGUS')");
    FAIL() << "CHECK constraint expected";
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.is_constraint()) << e.what();
  }
}

TEST(Migrations, a_database_from_a_newer_version_is_refused) {
  TempDir dir;
  const auto path = dir.file("a.db");
  {
    auto db = Database::open(path);
    migrate(db);
    db.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, 'later')")
        .bind(1, latest_schema_version() + 1)
        .run();
  }
  try {
    Store::open(path);
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string{e.what()}.find("newer"), std::string::npos) << e.what();
  }
}

TEST(Ids, are_prefix_plus_20_lowercase_hex_and_distinct) {
  const std::regex shape{"chg_[0-9a-f]{20}"};
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto id = new_id("chg_");
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Orgs, create_find_list_and_duplicate_name_is_a_constraint_error) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  const auto acme = create_org(db, "acme");
  const auto beta = create_org(db, "beta");
  EXPECT_EQ(find_org(db, acme)->name, "acme");
  EXPECT_EQ(find_org_by_name(db, "beta")->id, beta);
  EXPECT_EQ(find_org(db, "org_missing"), std::nullopt);
  ASSERT_EQ(list_orgs(db).size(), 2u);
  EXPECT_EQ(list_orgs(db)[0].id, acme);
  try {
    create_org(db, "acme");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_TRUE(e.is_constraint());
  }
}

TEST(Tokens, stored_as_sha256_found_revoked_and_bound_to_an_existing_org) {
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  const auto org = create_org(db, "acme");
  const auto h = hash_token("secret-token");
  insert_token(db, h, org, true, "ci");
  auto t = find_token(db, h);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->org_id, org);
  EXPECT_TRUE(t->admin);
  EXPECT_EQ(t->label, "ci");
  EXPECT_FALSE(t->revoked);
  EXPECT_EQ(find_token(db, hash_token("other")), std::nullopt);
  EXPECT_TRUE(revoke_token(db, h));
  EXPECT_FALSE(revoke_token(db, h));
  EXPECT_TRUE(find_token(db, h)->revoked);
  EXPECT_THROW(insert_token(db, hash_token("x"), "org_unknown", false), StoreError); // foreign key
}

TEST(Store, submit_returns_the_result_and_exceptions_travel_through_the_future) {
  TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  auto org = store->submit([](Database& db) { return create_org(db, "acme"); }).get();
  auto found = store->submit([org](Database& db) { return find_org(db, org); }).get();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "acme");
  auto dup = store->submit([](Database& db) { return create_org(db, "acme"); });
  EXPECT_THROW(dup.get(), StoreError);
  auto custom = store->submit([](Database&) -> int { throw std::logic_error("boom"); });
  EXPECT_THROW(custom.get(), std::logic_error);
  // The store thread survived both.
  EXPECT_EQ(store->submit([](Database& db) { return list_orgs(db).size(); }).get(), 1u);
}

TEST(Store, work_runs_on_one_thread_that_is_not_the_caller) {
  TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  const auto a = store->submit([](Database&) { return std::this_thread::get_id(); }).get();
  const auto b = store->submit([](Database&) { return std::this_thread::get_id(); }).get();
  EXPECT_EQ(a, b);
  EXPECT_NE(a, std::this_thread::get_id());
}

TEST(Store, concurrent_submit_from_8_threads_completes_in_order_per_thread) {
  TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  constexpr int k_threads = 8, k_per_thread = 300;
  std::vector<std::pair<int, int>> order; // touched only on the store thread
  std::vector<std::thread> threads;
  std::vector<std::vector<std::future<int>>> results(k_threads);
  for (int t = 0; t < k_threads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < k_per_thread; ++i)
        results[t].push_back(store->submit([&order, t, i](Database&) {
          order.emplace_back(t, i);
          return i;
        }));
    });
  for (auto& th : threads)
    th.join();
  for (int t = 0; t < k_threads; ++t)
    for (int i = 0; i < k_per_thread; ++i)
      ASSERT_EQ(results[t][i].get(), i);
  ASSERT_EQ(order.size(), std::size_t{k_threads * k_per_thread});
  std::vector<int> next(k_threads, 0);
  for (const auto& [t, i] : order)
    EXPECT_EQ(i, next[t]++) << "thread " << t;
}

TEST(Store, a_full_queue_throws_store_busy_and_queued_counts_waiting_items) {
  TempDir dir;
  StoreOptions options;
  options.max_queue = 2;
  auto store = Store::open(dir.file("a.db"), options);
  std::promise<void> started, gate;
  auto gate_future = gate.get_future().share();
  auto blocker = store->submit([&started, gate_future](Database&) {
    started.set_value();
    gate_future.wait();
  });
  started.get_future().wait();
  store->post([](Database&) {});
  auto second = store->submit([](Database&) { return 7; });
  EXPECT_EQ(store->queued(), 2u);
  EXPECT_THROW(store->submit([](Database&) { return 0; }), StoreBusy);
  EXPECT_THROW(store->post([](Database&) {}), StoreBusy);
  EXPECT_FALSE(store->try_post([](Database&) {}));
  gate.set_value();
  EXPECT_EQ(second.get(), 7);
  EXPECT_EQ(store->queued(), 0u);
}

TEST(Store, destructor_drains_queued_posts_before_closing) {
  TempDir dir;
  const auto path = dir.file("a.db");
  auto store = Store::open(path);
  store->submit([](Database& db) { db.exec("CREATE TABLE t(v INTEGER)"); }).get();
  std::promise<void> gate;
  auto gate_future = gate.get_future().share();
  store->post([gate_future](Database&) { gate_future.wait(); });
  for (int i = 0; i < 1000; ++i)
    store->post([i](Database& db) { db.prepare("INSERT INTO t VALUES (?)").bind(1, i).run(); });
  EXPECT_GE(store->queued(), 1000u);
  // Destroy while the items wait behind the gate, then open it: all 1000 must still land.
  std::thread closer{[&store] { store.reset(); }};
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  gate.set_value();
  closer.join();
  auto db = Database::open(path);
  EXPECT_EQ(count(db, "SELECT count(*) FROM t"), 1000);
}

TEST(Store, a_failing_post_is_logged_and_later_work_still_runs) {
  TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  store->post([](Database& db) { db.exec("NOT SQL"); });
  // A task that leaves a transaction open is rolled back, not inherited by the next one.
  store->post([](Database& db) {
    db.exec("BEGIN");
    db.exec("CREATE TABLE leaked(v INTEGER)");
  });
  const bool in_tx = store->submit([](Database& db) { return db.in_transaction(); }).get();
  EXPECT_FALSE(in_tx);
  const auto tables =
      store->submit([](Database& db) { return count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'leaked'"); })
          .get();
  EXPECT_EQ(tables, 0);
}
