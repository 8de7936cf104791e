#include <gtest/gtest.h>

#include "simulator/core/timestamp.hpp"

using namespace ocppfleet::core;
using namespace std::chrono;

TEST(Timestamp, formats_utc_with_milliseconds) {
  const auto t = sys_days{2026y / November / 23} + 10h + 15min + 30s + 123ms;
  EXPECT_EQ(format_timestamp(t), "2026-11-23T10:15:30.123Z");
}

TEST(Timestamp, parses_what_it_formats_and_offsets) {
  const auto t = sys_days{2026y / January / 2} + 3h + 4min + 5s + 6ms;
  EXPECT_EQ(parse_timestamp(format_timestamp(t)), t);
  EXPECT_EQ(parse_timestamp("2026-01-02T05:04:05.006+02:00"), t);
  EXPECT_EQ(parse_timestamp("2026-01-02T03:04:05Z"), sys_days{2026y / January / 2} + 3h + 4min + 5s);
}

TEST(Timestamp, rejects_malformed) {
  EXPECT_FALSE(parse_timestamp(""));
  EXPECT_FALSE(parse_timestamp("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_timestamp("2026-01-01T00:00:00"));
  EXPECT_FALSE(parse_timestamp("2026-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(parse_timestamp("yesterday"));
}

TEST(Timestamp, dates_outside_the_clock_range_are_refused_not_overflowed) {
  using namespace ocppfleet::core;
  EXPECT_FALSE(parse_timestamp("2999-01-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_timestamp("1000-01-01T00:00:00Z").has_value());
  EXPECT_TRUE(parse_timestamp("2261-12-31T23:59:59Z").has_value());
}
