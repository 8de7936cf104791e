// Boot behaviour of 1.6 chargers against the strict ocpp-rpc CSMS.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

std::vector<std::string> actions_of(const std::vector<json>& events, const std::string& identity) {
  std::vector<std::string> out;
  for (const auto& e : events)
    if (e.value("event", "") == "call" && e.value("identity", "") == identity) out.push_back(e.value("action", ""));
  return out;
}

TEST_F(V16AgainstStrictCsms, hundred_chargers_boot_with_zero_schema_violations) {
  start_peer();
  for (int i = 0; i < 100; ++i)
    add_charger("BOOT-" + std::to_string(i));
  ASSERT_TRUE(wait_booted(100, 30s)) << "booted " << engine_->counters().booted.load();
  // Each reports connector 0 and connector 1 once accepted.
  ASSERT_TRUE(peer_->wait_for_count(event_is("call"), 100 + 200, 15s));
  EXPECT_EQ(peer_->count([](const json& e) {
    return e.value("event", "") == "call" && e.value("action", "") == "BootNotification";
  }),
            100u);
  const auto boot = peer_->wait_for_event(call_event("BOOT-7", "BootNotification"), 1s);
  ASSERT_TRUE(boot);
  EXPECT_EQ((*boot)["params"]["chargePointVendor"], "ocppfleet");
  EXPECT_EQ((*boot)["params"]["chargePointSerialNumber"], "SN-BOOT-7");
  EXPECT_EQ(peer_->stats()["violations"], 0);
}

TEST_F(V16AgainstStrictCsms, pending_then_accepted_sends_only_boots_until_accepted) {
  PeerOptions options;
  options.boot_sequence = {"Pending", "Accepted"};
  options.boot_retry_interval = 1;
  start_peer(options);
  add_charger("PENDING-1");
  ASSERT_TRUE(wait_booted(1, 10s));
  ASSERT_TRUE(peer_->wait_for_count(call_event("PENDING-1", "StatusNotification"), 2, 5s));
  const auto actions = actions_of(peer_->events(), "PENDING-1");
  ASSERT_GE(actions.size(), 4u);
  EXPECT_EQ(actions[0], "BootNotification");
  EXPECT_EQ(actions[1], "BootNotification");
  EXPECT_EQ(actions[2], "StatusNotification");
}

TEST_F(V16AgainstStrictCsms, rejected_boot_is_retried_after_interval_and_stays_silent_meanwhile) {
  PeerOptions options;
  options.boot_sequence = {"Rejected", "Rejected", "Accepted"};
  options.boot_retry_interval = 1;
  start_peer(options);
  const auto started = std::chrono::steady_clock::now();
  add_charger("REJECTED-1");
  ASSERT_TRUE(wait_booted(1, 15s));
  // Two retries after a 1 s interval each.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1900ms);
  const auto actions = actions_of(peer_->events(), "REJECTED-1");
  ASSERT_GE(actions.size(), 3u);
  EXPECT_EQ(actions[0], "BootNotification");
  EXPECT_EQ(actions[1], "BootNotification");
  EXPECT_EQ(actions[2], "BootNotification");
  EXPECT_EQ(engine_->counters().boots_rejected_total.load(), 2u);
}

TEST_F(V16AgainstStrictCsms, heartbeat_follows_the_interval_from_boot) {
  PeerOptions options;
  options.heartbeat_interval = 1;
  start_peer(options);
  add_charger("HB-1");
  ASSERT_TRUE(wait_booted(1));
  EXPECT_TRUE(peer_->wait_for_count(call_event("HB-1", "Heartbeat"), 2, 5s));
}

TEST_F(V16AgainstStrictCsms, csms_closing_every_socket_makes_all_reconnect_and_boot_again) {
  start_peer();
  for (int i = 0; i < 20; ++i)
    add_charger("STORM-" + std::to_string(i));
  ASSERT_TRUE(wait_booted(20));
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 20, 5s));
  peer_->close_all(1001);
  ASSERT_TRUE(peer_->wait_for_count(event_is("disconnected"), 20, 5s));
  // Backoff (200 ms ± 30 %) then reconnect and boot again with the same identities.
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 40, 10s));
  ASSERT_TRUE(peer_->wait_for_count(
      [](const json& e) { return e.value("event", "") == "call" && e.value("action", "") == "BootNotification"; }, 40,
      10s));
  EXPECT_TRUE(peer_->wait_for_count(event_is("connected", "STORM-3"), 2, 1s));
  EXPECT_TRUE(wait_booted(20));
  EXPECT_EQ(engine_->counters().connects_total.load(), 40u);
}

TEST_F(V16AgainstStrictCsms, dropped_links_reconnect_by_backoff) {
  start_peer();
  for (int i = 0; i < 10; ++i)
    add_charger("DROP-" + std::to_string(i));
  ASSERT_TRUE(wait_booted(10));
  engine_->drop_all_links();
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 20, 10s));
  EXPECT_TRUE(wait_booted(10));
}

TEST_F(V16AgainstStrictCsms, unreachable_csms_is_retried_not_fatal) {
  start_peer();
  const auto port = peer_->port();
  peer_.reset(); // nothing listens there any more
  link_->url.port = std::to_string(port);
  const auto id = add_charger("NOBODY-1");
  ASSERT_TRUE(eventually([&] {
    const auto s = engine_->snapshot(id);
    return s && s->connect_attempts >= 3;
  }));
  const auto s = engine_->snapshot(id);
  ASSERT_TRUE(s && s->last_failure);
  EXPECT_EQ(s->last_failure->code, transport::LinkError::ConnectionRefused);
  EXPECT_EQ(engine_->counters().failed.load(), 0);
}

} // namespace
} // namespace ocppfleet::testing
