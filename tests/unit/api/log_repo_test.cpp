// Charger logs: batch append, filters, paging and the per-charger retention bound.
#include "control-api/store/log_repo.hpp"
#include "control-api/store/migrations.hpp"
#include "store_test_support.hpp"

#include "simulator/core/timestamp.hpp"

#include <chrono>

using namespace ocppfleet::store;
using ocppfleet::store::testing::TempDir;

namespace {

// Seconds after 2026-01-01T00:00:00Z, in the stored form (tests stay under an hour).
std::string at(int second) {
  return ocppfleet::core::format_timestamp(
      std::chrono::system_clock::time_point{std::chrono::seconds{1'767'225'600 + second}});
}

LogRow frame(const std::string& charger, int second, const std::string& action, bool from_cp = true) {
  return {0,         charger, from_cp ? "cp_to_csms" : "csms_to_cp", action, "[2,\"" + std::to_string(second) + "\"]",
          at(second)};
}

class LogRepo : public ::testing::Test {
protected:
  void SetUp() override { migrate(db_); }
  TempDir dir_;
  Database db_ = Database::open(dir_.file("a.db"));
};

} // namespace

TEST_F(LogRepo, batch_append_then_query_newest_first_with_total) {
  std::vector<LogRow> batch;
  for (int s = 0; s < 10; ++s)
    batch.push_back(frame("chg_a", s, s % 3 == 0 ? "Heartbeat" : "MeterValues"));
  batch.push_back(frame("chg_b", 0, "BootNotification"));
  append_logs(db_, batch);

  LogQuery q;
  q.charger_id = "chg_a";
  q.limit = 4;
  auto page = query_logs(db_, q);
  EXPECT_EQ(page.total, 10);
  ASSERT_EQ(page.rows.size(), 4u);
  EXPECT_EQ(page.rows[0].timestamp, at(9));
  EXPECT_EQ(page.rows[3].timestamp, at(6));
  EXPECT_EQ(page.rows[0].message, "[2,\"9\"]");
  EXPECT_GT(page.rows[0].id, 0);

  q.offset = 8;
  page = query_logs(db_, q);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[1].timestamp, at(0));

  q = LogQuery{};
  q.charger_id = "chg_a";
  q.newest_first = false;
  EXPECT_EQ(query_logs(db_, q).rows.front().timestamp, at(0));
}

TEST_F(LogRepo, filters_by_time_range_action_and_direction) {
  std::vector<LogRow> batch;
  for (int s = 0; s < 10; ++s)
    batch.push_back(frame("chg_a", s, s % 3 == 0 ? "Heartbeat" : "MeterValues", s < 5));
  append_logs(db_, batch);

  LogQuery q;
  q.charger_id = "chg_a";
  q.start = at(2);
  q.end = at(5);
  auto page = query_logs(db_, q);
  EXPECT_EQ(page.total, 4); // 2, 3, 4, 5 inclusive

  q.action = "Heartbeat";
  page = query_logs(db_, q);
  EXPECT_EQ(page.total, 1); // 3
  ASSERT_EQ(page.rows.size(), 1u);
  EXPECT_EQ(page.rows[0].timestamp, at(3));

  LogQuery by_dir;
  by_dir.charger_id = "chg_a";
  by_dir.direction = "csms_to_cp";
  EXPECT_EQ(query_logs(db_, by_dir).total, 5);

  LogQuery other;
  other.charger_id = "chg_unknown";
  EXPECT_EQ(query_logs(db_, other).total, 0);
}

TEST_F(LogRepo, retention_keeps_the_newest_n_rows_per_charger) {
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<LogRow> rows;
    for (int i = 0; i < 10; ++i) {
      rows.push_back(frame("chg_a", batch * 10 + i, "Heartbeat"));
      rows.push_back(frame("chg_b", batch * 10 + i, "Heartbeat"));
    }
    append_logs(db_, rows, 25);
  }
  LogQuery q;
  q.charger_id = "chg_a";
  q.limit = 100;
  auto page = query_logs(db_, q);
  EXPECT_EQ(page.total, 25);
  EXPECT_EQ(page.rows.front().timestamp, at(49));
  EXPECT_EQ(page.rows.back().timestamp, at(25)) << "the oldest went first";
  q.charger_id = "chg_b";
  EXPECT_EQ(query_logs(db_, q).total, 25);

  // A batch from a quiet charger leaves the others' rows alone.
  append_logs(db_, {frame("chg_c", 0, "BootNotification")}, 1);
  q.charger_id = "chg_a";
  EXPECT_EQ(query_logs(db_, q).total, 25);
}

TEST_F(LogRepo, equal_timestamps_are_trimmed_oldest_insert_first) {
  std::vector<LogRow> rows;
  for (int i = 0; i < 6; ++i) {
    auto r = frame("chg_a", 0, "A" + std::to_string(i));
    rows.push_back(r);
  }
  append_logs(db_, rows, 3);
  LogQuery q;
  q.charger_id = "chg_a";
  const auto page = query_logs(db_, q);
  ASSERT_EQ(page.total, 3);
  EXPECT_EQ(page.rows[0].action, "A5");
  EXPECT_EQ(page.rows[2].action, "A3");
}

TEST_F(LogRepo, a_bad_row_rolls_back_the_whole_batch) {
  auto bad = frame("chg_a", 1, "X");
  bad.direction = "sideways";
  EXPECT_THROW(append_logs(db_, {frame("chg_a", 0, "Heartbeat"), bad}), StoreError);
  LogQuery q;
  q.charger_id = "chg_a";
  EXPECT_EQ(query_logs(db_, q).total, 0);
}
