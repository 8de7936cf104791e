// A late boot answer (issue 12): a CSMS slower than our call timeout answers the first
// BootNotification after we resent it on the same connection. That answer counts (any boot
// still outstanding on the connection does), once; the answer to the resend is then stale.
// Before, only the newest id matched: with every answer later than the timeout, the charger
// never booted (each answer arrived after the next resend).
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

template <ocpp::ProtocolVersion V> class LateBootAnswer : public AgainstStrictCsms {
protected:
  LateBootAnswer() : AgainstStrictCsms(V) {}

  std::vector<json> boots_answered(const std::string& identity) {
    std::vector<json> out;
    for (const auto& e : peer_->events())
      if (call_event(identity, "BootNotification")(e)) out.push_back(e);
    return out;
  }

  void slow_csms_answer_to_the_first_boot_is_taken() {
    start_peer();
    // Every BootNotification answered after 1.5 s; we resend after 1 s.
    const auto r = peer_->command({{"cmd", "set_response"}, {"action", "BootNotification"}, {"delay_ms", 1500}});
    ASSERT_TRUE(r.value("ok", false)) << r.dump();
    call_timeout_ = 1s;
    const std::string identity = V == ocpp::ProtocolVersion::V16 ? "LATE-16" : "LATE-201";
    const auto started = std::chrono::steady_clock::now();
    const auto id = add_charger(identity);
    ASSERT_TRUE(wait_booted(1, 6s)) << "the late answer to the first boot was ignored";
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(took, 2500ms) << "accepted by the first answer (1.5 s), not by the resend's (2.5 s)";
    // Both answers arrive (the resend's at ~2.5 s); the second changes nothing.
    ASSERT_TRUE(peer_->wait_for_count(call_event(identity, "BootNotification"), 2, 5s));
    std::this_thread::sleep_for(1500ms);
    const auto boots = boots_answered(identity);
    ASSERT_EQ(boots.size(), 2u) << "no further resend once accepted";
    EXPECT_EQ(boots[0]["message_id"], "boot-1");
    EXPECT_EQ(boots[1]["message_id"], "boot-2");
    EXPECT_EQ(engine_->counters().boots_accepted_total.load(), 1u) << "one acceptance, not two";
    EXPECT_EQ(engine_->counters().booted.load(), 1);
    // One boot-time report (1.6: connectors 0 and 1; 2.0.1: EVSE 1), not one per answer.
    const std::size_t statuses = V == ocpp::ProtocolVersion::V16 ? 2 : 1;
    ASSERT_TRUE(peer_->wait_for_count(call_event(identity, "StatusNotification"), statuses, 5s));
    EXPECT_EQ(peer_->count(call_event(identity, "StatusNotification")), statuses);
    const auto snap = engine_->snapshot(id);
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->registration, ocpp::RegistrationState::Accepted);
    EXPECT_EQ(snap->boots_sent, 2u);
    peer_->command({{"cmd", "clear_responses"}});
  }
};

using V16LateBootAnswer = LateBootAnswer<ocpp::ProtocolVersion::V16>;
using V201LateBootAnswer = LateBootAnswer<ocpp::ProtocolVersion::V201>;

TEST_F(V16LateBootAnswer, answer_to_the_first_boot_after_a_resend_is_accepted_once) {
  slow_csms_answer_to_the_first_boot_is_taken();
}

TEST_F(V201LateBootAnswer, answer_to_the_first_boot_after_a_resend_is_accepted_once) {
  slow_csms_answer_to_the_first_boot_is_taken();
}

// A stale answer: the CSMS answers the resend first (Pending), then the first boot
// (Accepted) arrives for a boot that is no longer outstanding; the charger stays Pending
// and boots again after the interval, as the answer it acted on said.
TEST_F(V16AgainstStrictCsms, answer_to_an_earlier_boot_after_the_resend_was_answered_is_ignored) {
  start_peer();
  call_timeout_ = 1s;
  // boot-1: answered Accepted after 2.5 s; boot-2 (sent at 1 s): Pending at once, retry in 2 s.
  auto r = peer_->command(
      {{"cmd", "set_response"},
       {"action", "BootNotification"},
       {"once", true},
       {"delay_ms", 2500},
       {"response", {{"status", "Accepted"}, {"currentTime", "2026-01-01T00:00:00Z"}, {"interval", 300}}}});
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
  ASSERT_TRUE(peer_->set_boot_sequence({"Pending", "Accepted"}).value("ok", false));
  peer_->command({{"cmd", "configure"}, {"boot_retry_interval", 2}});
  add_charger("STALE-16");
  // boot-2 Pending at ~1 s; boot-1's Accepted at ~2.5 s is stale; boot-3 at ~3 s is Accepted.
  ASSERT_TRUE(peer_->wait_for_count(call_event("STALE-16", "BootNotification"), 3, 8s));
  ASSERT_TRUE(wait_booted(1, 5s));
  const auto boots = [&] {
    std::vector<json> out;
    for (const auto& e : peer_->events())
      if (call_event("STALE-16", "BootNotification")(e)) out.push_back(e);
    return out;
  }();
  ASSERT_EQ(boots.size(), 3u);
  EXPECT_EQ(boots[0]["message_id"], "boot-2");
  EXPECT_EQ(boots[0]["response"]["status"], "Pending");
  EXPECT_EQ(boots[1]["message_id"], "boot-1"); // the stale Accepted
  EXPECT_EQ(boots[2]["message_id"], "boot-3");
  EXPECT_EQ(boots[2]["response"]["status"], "Accepted");
  // Nothing but boots went out before boot-3's acceptance: the stale Accepted opened nothing.
  const std::int64_t accepted_at = boots[2]["t"].get<std::int64_t>();
  for (const auto& e : peer_->events()) {
    if (e.value("event", "") == "call" && e.value("identity", "") == "STALE-16" && e["action"] != "BootNotification") {
      EXPECT_GE(e["t"].get<std::int64_t>(), accepted_at) << e.dump();
    }
  }
  EXPECT_EQ(engine_->counters().boots_accepted_total.load(), 1u);
}

} // namespace
} // namespace ocppfleet::testing
