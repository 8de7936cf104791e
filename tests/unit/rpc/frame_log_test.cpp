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

TEST(FrameLog, huge_frame_is_stored_cut_and_its_size_kept) {
  FrameLog log{4, 100};
  const std::string huge(1 << 20, 'x');
  log.record(Direction::CsmsToCharger, {}, huge);
  log.record(Direction::ChargerToCsms, {}, "small");
  const auto frames = log.snapshot();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].size, huge.size());
  EXPECT_TRUE(frames[0].truncated());
  EXPECT_EQ(frames[0].text, std::string(100, 'x') + "...[truncated, 1048576 bytes]");
  EXPECT_FALSE(frames[1].truncated());
  EXPECT_EQ(frames[1].size, 5u);
  EXPECT_EQ(log.total(), 2u);
}

TEST(FrameLog, frame_of_exactly_the_limit_is_kept_whole) {
  FrameLog log{1, 8};
  log.record(Direction::CsmsToCharger, {}, "12345678");
  EXPECT_EQ(log.snapshot()[0].text, "12345678");
  EXPECT_FALSE(log.snapshot()[0].truncated());
}

TEST(FrameLog, cut_never_splits_a_utf8_character) {
  FrameLog log{1, 4};
  log.record(Direction::CsmsToCharger, {},
             "abc\xC3\xA9"
             "def"); // the cut at 4 would split U+00E9
  EXPECT_EQ(log.snapshot()[0].text.substr(0, 4), "abc.");
}

TEST(FrameLog, default_limit_bounds_every_stored_frame) {
  FrameLog log{64};
  for (int i = 0; i < 64; ++i)
    log.record(Direction::CsmsToCharger, {}, std::string(1 << 20, 'y'));
  std::size_t stored = 0;
  for (const auto& f : log.snapshot())
    stored += f.text.size();
  EXPECT_LT(stored, 64 * (FrameLog::kDefaultMaxFrameBytes + 64)); // not 64 MiB
}
