// The boot slot: an answer to any BootNotification still outstanding on this connection
// completes the boot, once (issue 12, "a late answer").
#include "simulator/ocpp/rpc/boot_slot.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ocppfleet::rpc {
namespace {

using namespace std::chrono_literals;
using SteadyTime = BootSlot::SteadyTime;
const SteadyTime slot_t0 = SteadyTime{} + 1h;

TEST(BootSlot, ids_count_every_boot_and_never_repeat) {
  BootSlot slot;
  EXPECT_EQ(slot.send(slot_t0), "boot-1");
  EXPECT_EQ(slot.send(slot_t0 + 30s), "boot-2");
  slot.on_disconnect();
  EXPECT_EQ(slot.send(slot_t0 + 60s), "boot-3");
  EXPECT_EQ(slot.sent(), 3u);
}

TEST(BootSlot, the_answer_to_the_newest_boot_completes_it_with_its_send_time) {
  BootSlot slot;
  const auto id = slot.send(slot_t0);
  EXPECT_TRUE(slot.outstanding());
  EXPECT_EQ(slot.answer(id), slot_t0);
  EXPECT_FALSE(slot.outstanding());
  EXPECT_FALSE(slot.answer(id)) << "answered once";
}

TEST(BootSlot, a_late_answer_to_an_earlier_boot_on_the_same_connection_is_accepted) {
  BootSlot slot;
  const auto first = slot.send(slot_t0);
  const auto second = slot.send(slot_t0 + 30s); // resent after the call timeout
  EXPECT_EQ(slot.answer(first), slot_t0) << "the CSMS answered the first boot after the resend";
  EXPECT_FALSE(slot.outstanding());
  EXPECT_FALSE(slot.answer(second)) << "the resend is answered by the first answer: ignored";
}

TEST(BootSlot, after_an_answer_to_the_resend_the_first_answer_is_stale) {
  BootSlot slot;
  const auto first = slot.send(slot_t0);
  const auto second = slot.send(slot_t0 + 30s);
  EXPECT_EQ(slot.answer(second), slot_t0 + 30s);
  EXPECT_FALSE(slot.answer(first));
}

TEST(BootSlot, answers_to_boots_of_an_earlier_connection_are_ignored) {
  BootSlot slot;
  const auto old_id = slot.send(slot_t0);
  slot.on_disconnect();
  EXPECT_FALSE(slot.outstanding());
  const auto new_id = slot.send(slot_t0 + 5s);
  EXPECT_FALSE(slot.answer(old_id));
  EXPECT_TRUE(slot.outstanding());
  EXPECT_EQ(slot.answer(new_id), slot_t0 + 5s);
}

TEST(BootSlot, foreign_and_malformed_ids_are_not_boots) {
  BootSlot slot;
  slot.send(slot_t0);
  for (const std::string id : {"1", "boot-", "boot-01", "boot-1x", "boot-2", "boot-0", "Boot-1", "boot-4294967296"})
    EXPECT_FALSE(slot.answer(id)) << id;
  EXPECT_TRUE(slot.outstanding());
  EXPECT_TRUE(slot.answer("boot-1"));
}

TEST(BootSlot, only_the_most_recent_boots_stay_outstanding) {
  BootSlot slot;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < BootSlot::kMaxOutstanding + 2; ++i)
    ids.push_back(slot.send(slot_t0 + static_cast<int>(i) * 30s));
  EXPECT_FALSE(slot.answer(ids[0]));
  EXPECT_FALSE(slot.answer(ids[1]));
  EXPECT_EQ(slot.answer(ids[2]), slot_t0 + 2 * 30s) << "the oldest boot still counted";
}

} // namespace
} // namespace ocppfleet::rpc
