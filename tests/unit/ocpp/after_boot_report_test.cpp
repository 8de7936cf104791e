// Session work held until the boot-time status report: kept in order, bounded, run once.
#include "simulator/ocpp/common/after_boot_report.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ocppfleet::ocpp {
namespace {

TEST(AfterBootReport, runs_held_work_once_in_order) {
  AfterBootReport held;
  std::vector<int> ran;
  EXPECT_TRUE(held.hold([&] { ran.push_back(1); }));
  EXPECT_TRUE(held.hold([&] { ran.push_back(2); }));
  EXPECT_FALSE(held.empty());
  held.run_all();
  EXPECT_EQ(ran, (std::vector<int>{1, 2}));
  EXPECT_TRUE(held.empty());
  held.run_all();
  EXPECT_EQ(ran.size(), 2u);
}

TEST(AfterBootReport, work_held_while_running_waits_for_the_next_report) {
  AfterBootReport held;
  int runs = 0;
  held.hold([&] {
    ++runs;
    held.hold([&] { ++runs; });
  });
  held.run_all();
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(held.empty());
  held.run_all();
  EXPECT_EQ(runs, 2);
}

TEST(AfterBootReport, is_bounded_and_clear_drops_everything) {
  AfterBootReport held;
  int runs = 0;
  for (std::size_t i = 0; i < AfterBootReport::kMaxHeld; ++i)
    EXPECT_TRUE(held.hold([&] { ++runs; }));
  EXPECT_FALSE(held.hold([&] { ++runs; }));
  held.clear();
  held.run_all();
  EXPECT_EQ(runs, 0);
}

} // namespace
} // namespace ocppfleet::ocpp
