#include <gtest/gtest.h>

#include "simulator/core/latency_histogram.hpp"

using namespace ocppfleet::core;
using namespace std::chrono;

TEST(LatencyHistogram, empty_reports_zero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.5), microseconds{0});
}

TEST(LatencyHistogram, percentiles_are_within_bucket_precision) {
  LatencyHistogram h;
  for (int i = 1; i <= 1000; ++i)
    h.record(microseconds{i * 100}); // 100 µs .. 100 ms
  EXPECT_EQ(h.count(), 1000u);
  const auto p50 = static_cast<double>(h.percentile(0.50).count());
  const auto p99 = static_cast<double>(h.percentile(0.99).count());
  EXPECT_NEAR(p50, 50'000, 50'000 * 0.13);
  EXPECT_NEAR(p99, 99'000, 99'000 * 0.13);
  EXPECT_EQ(h.percentile(1.0), microseconds{100'000}); // capped at the largest seen
  EXPECT_LE(h.percentile(0.5), h.percentile(0.95));
}

TEST(LatencyHistogram, buckets_are_monotone_and_cover_their_values) {
  for (std::uint64_t us : {0ull, 1ull, 2ull, 3ull, 7ull, 100ull, 1023ull, 1024ull, 65'537ull, 10'000'000ull}) {
    const int b = LatencyHistogram::bucket_of(us);
    EXPECT_GE(LatencyHistogram::upper_bound_us(b), us) << us;
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::upper_bound_us(b - 1), us + 1) << us;
    }
  }
}

TEST(ActionLatencies, unknown_actions_go_to_other) {
  ActionLatencies a;
  a.record("Heartbeat", milliseconds{3});
  a.record("SomethingNew", milliseconds{4});
  EXPECT_EQ(a.of("Heartbeat").count(), 1u);
  EXPECT_EQ(a.of("Other").count(), 1u);
  EXPECT_EQ(a.of("BootNotification").count(), 0u);
}
