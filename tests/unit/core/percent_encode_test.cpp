#include <gtest/gtest.h>

#include "simulator/core/percent_encode.hpp"

using ocppfleet::core::percent_encode_segment;

TEST(PercentEncode, leaves_unreserved_alone) { EXPECT_EQ(percent_encode_segment("CP-01_a.b~"), "CP-01_a.b~"); }

TEST(PercentEncode, encodes_reserved_space_and_utf8) {
  EXPECT_EQ(percent_encode_segment("CP 1/2?#"), "CP%201%2F2%3F%23");
  EXPECT_EQ(percent_encode_segment("é"), "%C3%A9");
}
