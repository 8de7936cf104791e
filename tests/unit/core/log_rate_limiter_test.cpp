// At most N log lines a second from any thread; the rest counted and reported once.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "simulator/core/log_rate_limiter.hpp"

namespace {
using ocppfleet::core::LogRateLimiter;

TEST(LogRateLimiter, admits_n_per_second_counts_the_rest_and_reports_them_with_the_next_admitted_line) {
  LogRateLimiter limiter{3};
  int logged = 0;
  for (int i = 0; i < 10; ++i)
    logged += limiter.admit(100).log ? 1 : 0;
  EXPECT_EQ(logged, 3);
  EXPECT_EQ(limiter.suppressed(), 7u);
  const auto next = limiter.admit(101);
  EXPECT_TRUE(next.log);
  EXPECT_EQ(next.suppressed, 7u);
  EXPECT_EQ(limiter.suppressed(), 0u);
  EXPECT_EQ(limiter.admit(101).suppressed, 0u);
}

TEST(LogRateLimiter, take_suppressed_empties_the_count) {
  LogRateLimiter limiter{1};
  limiter.admit(5);
  limiter.admit(5);
  EXPECT_EQ(limiter.take_suppressed(), 1u);
  EXPECT_EQ(limiter.take_suppressed(), 0u);
}

TEST(LogRateLimiter, threads_together_stay_within_the_budget_and_nothing_is_lost) {
  // Repeated: the race this pins (a line counted while another thread opened the window, then
  // forgotten: 51 admitted) showed up about once in a suite run.
  for (int round = 0; round < 100; ++round) {
    LogRateLimiter limiter{50};
    std::atomic<int> logged{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i)
          if (limiter.admit(7).log) logged.fetch_add(1);
      });
    for (auto& t : threads)
      t.join();
    ASSERT_EQ(logged.load(), 50) << "round " << round;
    ASSERT_EQ(limiter.suppressed(), 3950u) << "round " << round;
  }
}

} // namespace
