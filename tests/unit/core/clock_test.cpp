#include <gtest/gtest.h>

#include "simulator/core/clock.hpp"

using namespace ocppfleet::core;
using namespace std::chrono;

TEST(VirtualClock, moves_only_when_advanced) {
  VirtualClock c;
  const auto w0 = c.wall_now();
  const auto s0 = c.steady_now();
  EXPECT_EQ(c.wall_now(), w0);
  c.advance(1500ms);
  EXPECT_EQ(c.wall_now() - w0, 1500ms);
  EXPECT_EQ(c.steady_now() - s0, 1500ms);
}
