#include "simulator/fleet/id_tags.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ocppfleet::fleet {
namespace {

TEST(IdTags, template_gives_each_charger_its_own_tag) {
  auto source = IdTagSource::from_template("TAG-{n}");
  ASSERT_TRUE(source);
  EXPECT_EQ(source->for_charger(1, 0, "CP-00001"), "TAG-1");
  EXPECT_EQ(source->for_charger(1, 41, "CP-00042"), "TAG-42");
  EXPECT_EQ(IdTagSource::from_template("{identity}")->for_charger(1, 0, "CP-7"), "CP-7");
}

TEST(IdTags, default_hex8_is_a_seeded_distinct_card_uid_per_charger) {
  auto source = IdTagSource::from_template("{hex8}");
  ASSERT_TRUE(source);
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const auto tag = source->for_charger(7, i, "x");
    ASSERT_EQ(tag.size(), 8u);
    EXPECT_EQ(tag.find_first_not_of("0123456789ABCDEF"), std::string::npos) << tag;
    seen.insert(tag);
  }
  EXPECT_EQ(seen.size(), 1000u); // 2^32 values: 1,000 draws collide with probability ~1e-4
  EXPECT_EQ(source->for_charger(7, 3, "x"), source->for_charger(7, 3, "y")) << "keyed by index and seed only";
  EXPECT_NE(source->for_charger(7, 3, "x"), source->for_charger(8, 3, "x"));
  EXPECT_EQ(IdTagSource::from_template("{hex14}")->for_charger(7, 0, "x").size(), 14u);
}

TEST(IdTags, unknown_or_unclosed_placeholder_and_spaces_are_errors) {
  std::string error;
  EXPECT_FALSE(IdTagSource::from_template("TAG-{m}", &error));
  EXPECT_NE(error.find("{n}, {identity}"), std::string::npos) << error;
  EXPECT_FALSE(IdTagSource::from_template("TAG-{n", &error));
  EXPECT_FALSE(IdTagSource::from_template("TAG {n}", &error));
  EXPECT_FALSE(IdTagSource::from_template("", &error));
}

TEST(IdTags, list_is_dealt_in_a_seeded_order_distinct_until_it_runs_out) {
  std::string error;
  auto source = IdTagSource::from_lines("# cards\nA1\n  B2  \n\nC3\nD4\n", &error);
  ASSERT_TRUE(source) << error;
  std::set<std::string> first_four;
  for (std::uint32_t i = 0; i < 4; ++i)
    first_four.insert(source->for_charger(5, i, "x"));
  EXPECT_EQ(first_four, (std::set<std::string>{"A1", "B2", "C3", "D4"}));
  EXPECT_EQ(source->for_charger(5, 4, "x"), source->for_charger(5, 0, "x")) << "then they repeat";
  EXPECT_EQ(source->for_charger(5, 2, "x"), IdTagSource::from_lines("A1\nB2\nC3\nD4")->for_charger(5, 2, "y"));
  EXPECT_EQ(source->describe(), "list of 4 tags");
}

TEST(IdTags, list_errors_name_the_line) {
  std::string error;
  EXPECT_FALSE(IdTagSource::from_lines("OK\nTHIS-TAG-IS-LONGER-THAN-20\n", &error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(IdTagSource::from_lines("# only comments\n\n", &error));
  EXPECT_FALSE(IdTagSource::from_file("/nonexistent/tags.txt", &error));
  EXPECT_NE(error.find("cannot open"), std::string::npos) << error;
}

} // namespace
} // namespace ocppfleet::fleet
