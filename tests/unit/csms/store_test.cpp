// The CSMS store on a real SQLite file: rows coalesce, survive a reopen, and the csms_*
// tables live beside another module's tables in the same file.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>
#include <random>

#include "csms/store.hpp"

namespace ocppfleet::csms::detail {
namespace {

class CsmsStore : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ocppfleet-csms-store-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "state.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(CsmsStore, rows_survive_a_reopen_and_the_last_put_of_a_key_wins) {
  {
    Store store{path_, std::chrono::milliseconds{5}};
    StationSnapshot s;
    s.backend = "default";
    s.identity = "CP-1";
    s.ocpp_version = "ocpp1.6";
    s.vendor = "old";
    store.put(s);
    s.vendor = "ABB";
    s.last_seen = "2026-01-01T00:00:01.000Z";
    store.put(s);
    store.put(StatusChanged{"default", "CP-1", ConnectorStatus{1, 1, "Charging", "NoError", "2026-01-01T00:00:00Z"}});
    TransactionSnapshot t;
    t.backend = "default";
    t.identity = "CP-1";
    t.transaction_id = "7";
    t.evse_id = 1;
    t.connector_id = 1;
    t.id_token = "TAG";
    t.meter_start_wh = 100;
    t.meter_stop_wh = 600;
    t.energy_wh = 500;
    t.state = TransactionState::Ended;
    t.stop_reason = "Local";
    store.put(t);
    store.put(IdTokenSnapshot{"default", "TAG", "ISO14443", "CP-1", "2026-01-01T00:00:00Z", "2026-01-01T00:00:05Z"});
    store.flush();
    EXPECT_EQ(store.write_errors(), 0u);
  }
  Store reopened{path_, std::chrono::milliseconds{5}};
  EXPECT_EQ(reopened.schema_version(), csms_schema_version_latest());
  const auto loaded = reopened.load();
  ASSERT_EQ(loaded.stations.size(), 1u);
  EXPECT_EQ(loaded.stations[0].vendor, "ABB");
  EXPECT_EQ(loaded.stations[0].last_seen, "2026-01-01T00:00:01.000Z");
  ASSERT_EQ(loaded.stations[0].connectors.size(), 1u);
  EXPECT_EQ(loaded.stations[0].connectors[0].status, "Charging");
  ASSERT_EQ(loaded.transactions.size(), 1u);
  EXPECT_EQ(loaded.transactions[0].state, TransactionState::Ended);
  EXPECT_DOUBLE_EQ(loaded.transactions[0].energy_wh, 500);
  EXPECT_DOUBLE_EQ(loaded.transactions[0].meter_start_wh.value_or(-1), 100);
  EXPECT_FALSE(loaded.transactions[0].meter_last_wh);
  ASSERT_EQ(loaded.id_tokens.size(), 1u);
  EXPECT_EQ(loaded.id_tokens[0].last_seen, "2026-01-01T00:00:05Z");
}

TEST_F(CsmsStore, shares_a_file_with_other_tables_and_leaves_them_alone) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);"
                         "INSERT INTO schema_migrations VALUES (9); CREATE TABLE chargers (id TEXT);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  {
    Store store{path_, std::chrono::milliseconds{5}};
    store.put(StationSnapshot{"acme", "CP-9", "ocpp2.0.1", false, "", "", "", "", "", "", "", {}});
    store.flush();
  }
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_migrations", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 9); // the other module's version is untouched
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT identity FROM csms_stations WHERE backend = 'acme'", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "CP-9");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_F(CsmsStore, the_schema_refuses_what_no_version_writes) {
  Store store{path_, std::chrono::milliseconds{5}};
  store.put(StationSnapshot{"default", "CP-X", "ocpp9", false, "", "", "", "", "", "", "", {}});
  store.flush();
  EXPECT_EQ(store.write_errors(), 1u); // CHECK (ocpp_version IN ...) rejected the batch; logged, not thrown
}

} // namespace
} // namespace ocppfleet::csms::detail
