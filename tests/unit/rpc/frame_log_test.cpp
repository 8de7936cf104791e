#include <gtest/gtest.h>

#include "simulator/ocpp/rpc/frame_log.hpp"

using namespace ocppfleet::rpc;

TEST(FrameLog, keeps_the_last_frames_oldest_first) {
  FrameLog log{3};
  const auto t = std::chrono::system_clock::time_point{};
  for (int i = 1; i <= 5; ++i)
    log.record(Direction::ChargerToCsms, t, std::to_string(i));
  const auto frames = log.snapshot();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].text, "3");
  EXPECT_EQ(frames[1].text, "4");
  EXPECT_EQ(frames[2].text, "5");
  EXPECT_EQ(log.total(), 5u);
}

TEST(FrameLog, partial_ring_is_in_order) {
  FrameLog log{4};
  log.record(Direction::CsmsToCharger, {}, "a");
  log.record(Direction::ChargerToCsms, {}, "b");
  const auto frames = log.snapshot();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].text, "a");
  EXPECT_EQ(frames[0].direction, Direction::CsmsToCharger);
  EXPECT_EQ(frames[1].text, "b");
}

TEST(FrameLog, zero_capacity_records_nothing) {
  FrameLog log{0};
  log.record(Direction::ChargerToCsms, {}, "x");
  EXPECT_TRUE(log.snapshot().empty());
  EXPECT_EQ(log.total(), 0u);
}
