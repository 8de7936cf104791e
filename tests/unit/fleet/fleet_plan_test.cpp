// Fleet plan: --shard parsing, shards that add up to the unsharded fleet, seeded serials.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "simulator/core/prng.hpp"
#include "simulator/fleet/fleet_plan.hpp"

namespace ocppfleet::fleet {
namespace {

bool same(const PlannedCharger& a, const PlannedCharger& b) {
  return a.index == b.index && a.identity == b.identity && a.serial_number == b.serial_number &&
         a.source_index == b.source_index;
}

// ---------------------------------------------------------------- --shard i/N

TEST(ParseFleetShard, accepts_i_over_n) {
  for (const auto& [text, i, n] : std::vector<std::tuple<std::string, std::uint32_t, std::uint32_t>>{
           {"0/1", 0, 1}, {"0/2", 0, 2}, {"1/2", 1, 2}, {"3/4", 3, 4}, {"999999/1000000", 999999, 1000000}}) {
    std::string error;
    const auto shard = parse_fleet_shard(text, &error);
    ASSERT_TRUE(shard.has_value()) << text << ": " << error;
    EXPECT_EQ(shard->index, i) << text;
    EXPECT_EQ(shard->count, n) << text;
  }
}

TEST(ParseFleetShard, refuses_bad_text_with_a_clear_sentence) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "is not of the form i/N"},
      {"3", "'3' is not of the form i/N"},
      {"3/2", "'3/2': the shard index i counts from 0 and must be below N (0..1)"},
      {"2/2", "must be below N (0..1)"},
      {"0/0", "N, the number of shards, must be at least 1"},
      {"-1/2", "whole numbers"},
      {"+1/2", "whole numbers"},
      {"a/2", "whole numbers"},
      {"1/b", "whole numbers"},
      {" 1/2", "whole numbers"},
      {"1/2 ", "whole numbers"},
      {"1/2/3", "whole numbers"},
      {"1.0/2", "whole numbers"},
      {"/2", "whole numbers"},
      {"1/", "whole numbers"},
      {"0/1000001", "at most 1000000 shards"},
      {"0/99999999999", "at most 1000000 shards"},
      {"0/99999999999999999999999", "at most 1000000 shards"}, // does not fit 64 bits either
  };
  for (const auto& [text, says] : cases) {
    std::string error;
    EXPECT_FALSE(parse_fleet_shard(text, &error).has_value()) << text;
    EXPECT_NE(error.find(says), std::string::npos) << "'" << text << "' gave: " << error;
  }
  EXPECT_FALSE(parse_fleet_shard("3/2", nullptr).has_value());
}

TEST(FleetShard, shard_sizes_add_up_and_differ_by_at_most_one) {
  for (std::uint32_t n : {1u, 2u, 3u, 7u, 10u, 64u}) {
    for (std::uint64_t total : {0ull, 1ull, 9ull, 10ull, 11ull, 100'000ull}) {
      std::uint64_t sum = 0;
      std::uint64_t lo = ~0ull;
      std::uint64_t hi = 0;
      for (std::uint32_t i = 0; i < n; ++i) {
        const auto size = shard_size(total, FleetShard{i, n});
        sum += size;
        lo = std::min(lo, size);
        hi = std::max(hi, size);
      }
      EXPECT_EQ(sum, total) << total << " over " << n;
      EXPECT_LE(hi - lo, 1u) << total << " over " << n;
    }
  }
  EXPECT_EQ(shard_size(10, FleetShard{2, 2}), 0u); // invalid shard: nothing
}

TEST(FleetShard, shards_needed_is_the_smallest_n_that_fits) {
  EXPECT_EQ(shards_needed(1000, 128), 8u);
  EXPECT_EQ(shards_needed(1024, 128), 8u);
  EXPECT_EQ(shards_needed(1025, 128), 9u);
  EXPECT_EQ(shards_needed(100'000, 19'928), 6u);
  EXPECT_EQ(shards_needed(10, 10), 1u);
  EXPECT_EQ(shards_needed(0, 5), 1u);
  EXPECT_EQ(shards_needed(10, 0), 0u); // nothing fits: no N helps
  for (std::uint64_t total : {1ull, 999ull, 1000ull, 12345ull}) {
    for (std::uint64_t per : {1ull, 7ull, 128ull, 5000ull}) {
      const auto n = shards_needed(total, per);
      EXPECT_LE(shard_size(total, FleetShard{0, static_cast<std::uint32_t>(n)}), per); // shard 0 is the largest
      if (n > 1) {
        EXPECT_GT(shard_size(total, FleetShard{0, static_cast<std::uint32_t>(n - 1)}), per);
      }
    }
  }
}

// ---------------------------------------------------------------- identities and serials

TEST(FleetPlan, identities_count_from_one_with_five_digits_at_least) {
  EXPECT_EQ(charger_identity("CP", 0), "CP-00001");
  EXPECT_EQ(charger_identity("CP", 41), "CP-00042");
  EXPECT_EQ(charger_identity("CP", 99'998), "CP-99999");
  EXPECT_EQ(charger_identity("CP", 99'999), "CP-100000");
  EXPECT_EQ(charger_identity("A-very-long-prefix-that-used-to-be-cut-off-at-sixty-four-characters-in-the-cli", 0),
            "A-very-long-prefix-that-used-to-be-cut-off-at-sixty-four-characters-in-the-cli-00001");
}

TEST(FleetPlan, serials_are_seeded_per_charger_as_before_sharding) {
  // The formula the run command used before plans existed: a given seed keeps its serials.
  const auto old_serial = [](std::uint64_t seed, int number) {
    core::Prng prng{core::derive_seed(seed, "serial/" + std::to_string(number))};
    char buf[32];
    std::snprintf(buf, sizeof buf, "SIM%012llu", static_cast<unsigned long long>(prng.below(1'000'000'000'000ULL)));
    return std::string{buf};
  };
  for (std::uint32_t i = 0; i < 50; ++i)
    EXPECT_EQ(charger_serial(7, i), old_serial(7, static_cast<int>(i) + 1));
  const auto s = charger_serial(1, 0);
  ASSERT_EQ(s.size(), 15u);
  EXPECT_EQ(s.substr(0, 3), "SIM");
  EXPECT_EQ(s.find_first_not_of("0123456789", 3), std::string::npos) << s;
}

TEST(FleetPlan, same_seed_same_fleet_other_seed_other_serials) {
  const FleetPlanOptions options{42, "CP", 200, {}, 0};
  const auto a = plan_fleet(options);
  const auto b = plan_fleet(options);
  ASSERT_EQ(a.size(), 200u);
  ASSERT_EQ(b.size(), a.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(same(a[i], b[i])) << i;
  auto other = options;
  other.seed = 43;
  const auto c = plan_fleet(other);
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    differing += a[i].serial_number != c[i].serial_number ? 1 : 0;
  EXPECT_GT(differing, 190u);
  std::set<std::string> serials;
  for (const auto& p : a)
    serials.insert(p.serial_number);
  EXPECT_EQ(serials.size(), a.size()) << "serials collide";
}

TEST(FleetPlan, adding_chargers_does_not_change_the_others) {
  const auto small = plan_fleet(FleetPlanOptions{5, "CP", 10, {}, 3});
  const auto large = plan_fleet(FleetPlanOptions{5, "CP", 25, {}, 3});
  for (std::size_t i = 0; i < small.size(); ++i)
    EXPECT_TRUE(same(small[i], large[i])) << i;
}

TEST(FleetPlan, source_index_is_charger_index_modulo_pool_size) {
  for (const auto& p : plan_fleet(FleetPlanOptions{1, "CP", 50, {}, 4}))
    EXPECT_EQ(p.source_index, p.index % 4);
  for (const auto& p : plan_fleet(FleetPlanOptions{1, "CP", 50, {}, 0}))
    EXPECT_EQ(p.source_index, 0u);
  // The same charger gets the same source address however the fleet is split.
  for (const auto& p : plan_fleet(FleetPlanOptions{1, "CP", 50, FleetShard{2, 3}, 4}))
    EXPECT_EQ(p.source_index, p.index % 4);
}

// ---------------------------------------------------------------- shards

TEST(FleetPlan, shards_together_equal_the_unsharded_fleet_without_overlap) {
  for (std::uint32_t count : {1u, 25u, 101u}) {
    const FleetPlanOptions whole_options{9, "SH", count, {}, 3};
    const auto whole = plan_fleet(whole_options);
    ASSERT_EQ(whole.size(), count);
    for (std::uint32_t n : {1u, 2u, 3u, 4u, 7u, 25u, 26u, 200u}) {
      std::map<std::uint32_t, PlannedCharger> united; // by global index
      std::set<std::string> identities;
      for (std::uint32_t i = 0; i < n; ++i) {
        auto options = whole_options;
        options.shard = FleetShard{i, n};
        const auto part = plan_fleet(options);
        EXPECT_EQ(part.size(), shard_size(count, options.shard));
        for (std::size_t k = 1; k < part.size(); ++k)
          EXPECT_LT(part[k - 1].index, part[k].index);
        for (const auto& p : part) {
          EXPECT_EQ(p.index % n, i) << "shard " << i << "/" << n << " holds index " << p.index;
          EXPECT_TRUE(united.emplace(p.index, p).second) << "index " << p.index << " in two shards of " << n;
          EXPECT_TRUE(identities.insert(p.identity).second) << p.identity << " twice";
        }
      }
      ASSERT_EQ(united.size(), whole.size()) << count << " over " << n;
      for (const auto& w : whole) {
        const auto it = united.find(w.index);
        ASSERT_NE(it, united.end()) << w.identity << " missing with " << n << " shards";
        EXPECT_TRUE(same(it->second, w)) << w.identity << " differs with " << n << " shards";
      }
    }
  }
}

TEST(FleetPlan, refuses_an_invalid_shard) {
  EXPECT_THROW(plan_fleet(FleetPlanOptions{1, "CP", 10, FleetShard{0, 0}, 0}), std::invalid_argument);
  EXPECT_THROW(plan_fleet(FleetPlanOptions{1, "CP", 10, FleetShard{2, 2}, 0}), std::invalid_argument);
}

} // namespace
} // namespace ocppfleet::fleet
