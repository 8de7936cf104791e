// The store's secrets and retention: an owner-only database file (and WAL files), the Basic
// auth password scrubbed at DELETE, and deleted chargers purged with their logs and runs
// once their retention has passed (on an injected clock), shrinking the file.
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/log_repo.hpp"
#include "control-api/store/migrations.hpp"
#include "control-api/store/org_repo.hpp"
#include "control-api/store/retention_repo.hpp"
#include "control-api/store/store.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "store_test_support.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace ocppfleet::store;
using namespace std::chrono_literals;
using ocppfleet::store::testing::TempDir;

namespace {

unsigned mode_of(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return 0xFFFF;
  return st.st_mode & 0777;
}

ChargerRow secret_charger(const std::string& org, const std::string& identity) {
  ChargerRow r;
  r.org_id = org;
  r.identity = identity;
  r.ws_url = "ws://csms.test/ocpp";
  r.ocpp_version = "OCPP1.6";
  r.basic_auth_password = "pw-" + identity + "-0123456789";
  return r;
}

// A charger with 50 log rows and a provisioning run, as the control API leaves one.
std::string charger_with_history(Database& db, const std::string& org, const std::string& identity) {
  const auto row = insert_charger(db, secret_charger(org, identity));
  std::vector<LogRow> logs;
  for (int i = 0; i < 50; ++i)
    logs.push_back(LogRow{0, row.id, "cp_to_csms", "Heartbeat", std::string(2000, 'x'), ""});
  append_logs(db, logs);
  WorkflowRunRow run;
  run.org_id = org;
  run.kind = std::string{workflow_kind::charger_create};
  run.subject_id = row.id;
  create_run(db, run, {"validate", "start_runtime", "await_boot"});
  return row.id;
}

std::int64_t count(Database& db, const std::string& sql, const std::string& id) {
  auto st = db.prepare(sql);
  st.bind(1, id);
  st.step();
  return st.column_int64(0);
}

} // namespace

TEST(StoreSecrets, database_and_its_wal_files_are_created_owner_only_even_with_a_lax_umask) {
  TempDir dir;
  const auto path = dir.file("api.db");
  const mode_t old = ::umask(0);
  {
    auto db = Database::open(path);
    migrate(db);
    create_org(db, "acme"); // a write: the WAL and shared-memory files exist now
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(mode_of(path + "-wal"), 0600u);
    EXPECT_EQ(mode_of(path + "-shm"), 0600u);
  }
  ::umask(old);
}

TEST(StoreSecrets, a_world_readable_database_from_before_is_made_owner_only_at_open) {
  TempDir dir;
  const auto path = dir.file("old.db");
  {
    auto db = Database::open(path);
    migrate(db);
  }
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto db = Database::open(path);
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(StoreSecrets, soft_delete_scrubs_the_basic_auth_password) {
  TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  migrate(db);
  const auto org = create_org(db, "acme");
  const auto id = insert_charger(db, secret_charger(org, "CP-1")).id;
  ASSERT_EQ(find_charger(db, id, Secrets::include)->basic_auth_password, "pw-CP-1-0123456789");
  ASSERT_TRUE(soft_delete_charger(db, org, id));
  const auto deleted = find_charger(db, id, Secrets::include);
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(deleted->deleted_at);
  EXPECT_FALSE(deleted->basic_auth_password) << "the password outlived DELETE";
}

TEST(StoreRetention, deleted_chargers_are_purged_with_logs_and_runs_only_after_the_retention) {
  TempDir dir;
  ocppfleet::core::VirtualClock clock;
  auto db = Database::open(dir.file("a.db"), clock);
  migrate(db);
  const auto org = create_org(db, "acme");
  const auto gone = charger_with_history(db, org, "CP-GONE");
  const auto live = charger_with_history(db, org, "CP-LIVE");
  ASSERT_TRUE(soft_delete_charger(db, org, gone));

  clock.advance(23h);
  auto purged = purge_deleted_chargers(db, 24h);
  EXPECT_EQ(purged.chargers, 0) << "purged before its retention";
  EXPECT_TRUE(find_charger(db, gone));

  clock.advance(2h);
  purged = purge_deleted_chargers(db, 24h);
  EXPECT_EQ(purged.chargers, 1);
  EXPECT_EQ(purged.logs, 50);
  EXPECT_EQ(purged.runs, 1);
  EXPECT_FALSE(find_charger(db, gone));
  EXPECT_EQ(count(db, "SELECT count(*) FROM charger_logs WHERE charger_id = ?", gone), 0);
  EXPECT_EQ(count(db, "SELECT count(*) FROM workflow_runs WHERE subject_id = ?", gone), 0);
  // The live secret_charger keeps everything.
  EXPECT_TRUE(find_charger(db, live));
  EXPECT_EQ(count(db, "SELECT count(*) FROM charger_logs WHERE charger_id = ?", live), 50);
  EXPECT_EQ(count(db, "SELECT count(*) FROM workflow_runs WHERE subject_id = ?", live), 1);
}

TEST(StoreRetention, purging_gives_the_pages_back_so_create_delete_churn_does_not_grow_the_file) {
  TempDir dir;
  ocppfleet::core::VirtualClock clock;
  const auto path = dir.file("churn.db");
  auto db = Database::open(path, clock);
  migrate(db);
  auto mode = db.prepare("PRAGMA auto_vacuum");
  mode.step();
  EXPECT_EQ(mode.column_int64(0), 2) << "a new database is created with auto_vacuum=INCREMENTAL";
  const auto org = create_org(db, "acme");
  const auto pages = [&db] {
    auto st = db.prepare("PRAGMA page_count");
    st.step();
    return st.column_int64(0);
  };
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      const std::string identity = "CP-" + std::to_string(round) + "-" + std::to_string(i);
      soft_delete_charger(db, org, charger_with_history(db, org, identity));
    }
    // 40 chargers x 50 rows x 2 KB: about 1,000 pages of 4 KiB while they exist.
    EXPECT_GT(pages(), 900);
    clock.advance(25h);
    EXPECT_EQ(purge_deleted_chargers(db, 24h).chargers, 40);
    EXPECT_LT(pages(), 100) << "round " << round << ": the purged pages stayed in the file";
  }
  auto freelist = db.prepare("PRAGMA freelist_count");
  freelist.step();
  EXPECT_EQ(freelist.column_int64(0), 0);
}

TEST(StoreRetention, the_store_thread_purges_periodically_on_its_clock) {
  TempDir dir;
  ocppfleet::core::VirtualClock clock;
  StoreOptions options;
  options.clock = &clock;
  options.deleted_retention = 1h;
  options.purge_interval = 20ms;
  auto store = Store::open(dir.file("s.db"), options);
  const auto id = store
                      ->submit([](Database& db) {
                        const auto org = create_org(db, "acme");
                        const auto charger_id = charger_with_history(db, org, "CP-1");
                        soft_delete_charger(db, org, charger_id);
                        return charger_id;
                      })
                      .get();
  const auto exists = [&] {
    return store->submit([&id](Database& db) { return find_charger(db, id).has_value(); }).get();
  };
  std::this_thread::sleep_for(100ms); // five purge rounds: still inside its hour
  EXPECT_TRUE(exists());
  clock.advance(61min);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (exists() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(exists()) << "not purged within 5 s of its retention passing";
}

TEST(StoreRetention, without_a_retention_the_store_never_purges) {
  TempDir dir;
  ocppfleet::core::VirtualClock clock;
  StoreOptions options;
  options.clock = &clock;
  options.purge_interval = 5ms; // would purge often if it purged at all
  auto store = Store::open(dir.file("s.db"), options);
  const auto id = store
                      ->submit([](Database& db) {
                        const auto org = create_org(db, "acme");
                        const auto charger_id = charger_with_history(db, org, "CP-1");
                        soft_delete_charger(db, org, charger_id);
                        return charger_id;
                      })
                      .get();
  clock.advance(24h * 365);
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(store->submit([&id](Database& db) { return find_charger(db, id).has_value(); }).get());
}
