#include <gtest/gtest.h>

#include <set>

#include "simulator/core/prng.hpp"

using ocppfleet::core::derive_seed;
using ocppfleet::core::Prng;

TEST(Prng, same_seed_gives_same_sequence) {
  Prng a{42}, b{42};
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Prng, different_seeds_give_different_sequences) {
  Prng a{1}, b{2};
  int equal = 0;
  for (int i = 0; i < 100; ++i)
    equal += a.next_u64() == b.next_u64();
  EXPECT_EQ(equal, 0);
}

TEST(Prng, sequence_is_pinned_across_platforms) {
  // Our own algorithm: these values must never change, or seeded fleets stop reproducing.
  Prng p{0};
  const std::uint64_t first = p.next_u64();
  Prng q{0};
  EXPECT_EQ(first, q.next_u64());
  EXPECT_EQ(first, 0x99ec5f36cb75f2b4ULL);
}

TEST(Prng, below_stays_in_range_and_covers_it) {
  Prng p{7};
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = p.below(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(p.below(1), 0u);
  EXPECT_EQ(p.below(0), 0u);
}

TEST(Prng, between_is_inclusive) {
  Prng p{9};
  bool lo = false, hi = false;
  for (int i = 0; i < 10'000; ++i) {
    const auto v = p.between(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    lo |= v == -2;
    hi |= v == 2;
  }
  EXPECT_TRUE(lo && hi);
}

TEST(Prng, unit_is_in_half_open_interval_with_sane_mean) {
  Prng p{11};
  double sum = 0;
  for (int i = 0; i < 100'000; ++i) {
    const double u = p.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100'000, 0.5, 0.01);
}

TEST(DeriveSeed, labels_give_independent_stable_streams) {
  EXPECT_EQ(derive_seed(5, "charger/1"), derive_seed(5, "charger/1"));
  EXPECT_NE(derive_seed(5, "charger/1"), derive_seed(5, "charger/2"));
  EXPECT_NE(derive_seed(5, "charger/1"), derive_seed(6, "charger/1"));
}
