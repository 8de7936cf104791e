// Fleet-level behaviour against the strict CSMS: a 2,000-charger boot and the offline
// queue across a dropped connection.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

TEST_F(V16AgainstStrictCsms, two_thousand_chargers_all_boot_with_zero_violations) {
  start_peer();
  for (int i = 0; i < 2000; ++i)
    add_charger("SCALE-" + std::to_string(i));
  ASSERT_TRUE(wait_booted(2000, 90s)) << "booted " << engine_->counters().booted.load();
  // Boot + StatusNotification for connectors 0 and 1, every one schema-checked by the peer.
  ASSERT_TRUE(peer_->wait_for_count(event_is("call"), 6000, 60s));
  const auto stats = peer_->stats();
  EXPECT_EQ(stats["violations"], 0);
  EXPECT_EQ(stats["calls_by_action"]["BootNotification"], 2000);
  EXPECT_EQ(engine_->counters().failed.load(), 0);
}

TEST_F(V16AgainstStrictCsms, transaction_messages_queued_while_offline_arrive_once_after_reconnect) {
  link_->backoff.initial = 1500ms; // a window in which the charger is offline
  link_->backoff.jitter = 0.1;
  start_peer();
  const auto id = add_charger("OFFLINE-1");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("OFFLINE-1", "RemoteStartTransaction", {{"idTag", "T"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  const auto start = peer_->wait_for_event(call_event("OFFLINE-1", "StartTransaction"), 5s);
  ASSERT_TRUE(start);
  const auto tx_id = (*start)["response"]["transactionId"].get<std::int64_t>();
  ASSERT_TRUE(eventually([&] {
    const auto s = engine_->snapshot(id);
    return s && s->connectors[0].csms_transaction_id == tx_id;
  }));

  peer_->close("OFFLINE-1", 1001, true); // drop the TCP connection, no close handshake
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "OFFLINE-1"), 5s));
  ASSERT_TRUE(eventually([&] { return engine_->counters().connected.load() == 0; }, 5s));
  // The driver stops charging while the charger is offline.
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });

  const auto stop = peer_->wait_for_event(call_event("OFFLINE-1", "StopTransaction"), 10s);
  ASSERT_TRUE(stop) << "the queued StopTransaction never arrived";
  EXPECT_EQ((*stop)["params"]["transactionId"], tx_id);
  EXPECT_EQ((*stop)["params"]["reason"], "Local");
  // It went out after the new boot was accepted, and exactly once.
  std::size_t boots_before_stop = 0;
  for (const auto& e : peer_->events()) {
    if (is_call(e, "OFFLINE-1", "StopTransaction")) break;
    if (is_call(e, "OFFLINE-1", "BootNotification")) ++boots_before_stop;
  }
  EXPECT_EQ(boots_before_stop, 2u);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(peer_->count(call_event("OFFLINE-1", "StopTransaction")), 1u);
}

} // namespace
} // namespace ocppfleet::testing
