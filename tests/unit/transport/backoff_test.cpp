#include <gtest/gtest.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "simulator/transport/backoff.hpp"

namespace {
using namespace std::chrono_literals;
using ocppfleet::transport::Backoff;
using ocppfleet::transport::BackoffPolicy;

std::vector<long> schedule(const BackoffPolicy& policy, std::uint64_t seed, int n) {
  Backoff backoff{policy, seed};
  std::vector<long> out;
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<long>(backoff.next_delay().count()));
  return out;
}
} // namespace

TEST(Backoff, without_jitter_doubles_up_to_the_max) {
  const BackoffPolicy policy{100ms, 1000ms, 2.0, 0.0};
  EXPECT_EQ(schedule(policy, 1, 7), (std::vector<long>{100, 200, 400, 800, 1000, 1000, 1000}));
}

TEST(Backoff, honours_the_multiplier) {
  const BackoffPolicy policy{10ms, 100'000ms, 3.0, 0.0};
  EXPECT_EQ(schedule(policy, 1, 4), (std::vector<long>{10, 30, 90, 270}));
}

TEST(Backoff, counts_attempts_and_reset_starts_over) {
  const BackoffPolicy policy{100ms, 10'000ms, 2.0, 0.0};
  Backoff backoff{policy, 7};
  EXPECT_EQ(backoff.attempt(), 0u);
  EXPECT_EQ(backoff.next_delay(), 100ms);
  EXPECT_EQ(backoff.next_delay(), 200ms);
  EXPECT_EQ(backoff.next_delay(), 400ms);
  EXPECT_EQ(backoff.attempt(), 3u);
  backoff.reset();
  EXPECT_EQ(backoff.attempt(), 0u);
  EXPECT_EQ(backoff.next_delay(), 100ms);
}

TEST(Backoff, jitter_stays_within_plus_minus_jitter_of_the_base) {
  const BackoffPolicy policy{1000ms, 60'000ms, 2.0, 0.3};
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    Backoff backoff{policy, seed};
    double base = 1000;
    for (int i = 0; i < 8; ++i) {
      const auto d = static_cast<double>(backoff.next_delay().count());
      EXPECT_GE(d, base * 0.7 - 1) << "seed " << seed << " attempt " << i;
      EXPECT_LE(d, base * 1.3 + 1) << "seed " << seed << " attempt " << i;
      base = std::min(base * 2, 60'000.0);
    }
  }
}

TEST(Backoff, jitter_actually_spreads_delays) {
  const BackoffPolicy policy{1000ms, 60'000ms, 2.0, 0.3};
  long lo = 1'000'000;
  long hi = 0;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const long d = schedule(policy, seed, 1).front();
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  // 200 uniform draws over [700, 1300]: the spread covers most of the range.
  EXPECT_LT(lo, 800);
  EXPECT_GT(hi, 1200);
}

TEST(Backoff, never_exceeds_the_max_even_with_jitter) {
  const BackoffPolicy policy{1000ms, 5000ms, 2.0, 0.5};
  for (std::uint64_t seed = 0; seed < 50; ++seed)
    for (const long d : schedule(policy, seed, 20))
      EXPECT_LE(d, 5000);
}

TEST(Backoff, same_seed_gives_the_same_schedule) {
  const BackoffPolicy policy{1000ms, 60'000ms, 2.0, 0.3};
  EXPECT_EQ(schedule(policy, 12345, 10), schedule(policy, 12345, 10));
}

TEST(Backoff, different_seeds_give_different_schedules) {
  const BackoffPolicy policy{1000ms, 60'000ms, 2.0, 0.3};
  EXPECT_NE(schedule(policy, 1, 10), schedule(policy, 2, 10));
}

TEST(Backoff, survives_many_attempts_without_overflow) {
  const BackoffPolicy policy{1000ms, 60'000ms, 2.0, 0.0};
  Backoff backoff{policy, 3};
  for (int i = 0; i < 1000; ++i)
    EXPECT_EQ(backoff.next_delay() <= 60'000ms, true);
  EXPECT_EQ(backoff.next_delay(), 60'000ms);
}

TEST(Backoff, cannot_be_built_from_a_temporary_policy) {
  // Backoff keeps a pointer to its policy: a temporary would dangle.
  static_assert(!std::is_constructible_v<Backoff, BackoffPolicy&&, std::uint64_t>);
  static_assert(std::is_constructible_v<Backoff, const BackoffPolicy&, std::uint64_t>);
}
