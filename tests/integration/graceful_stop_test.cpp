// Stopping a charger (API stop, ramp-down, end of a run, SIGTERM) ends its transaction with
// the CSMS before the connection closes, within a bounded time; the old "just disconnect"
// stays available as an option (issue 12, point 6).
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

// Position of the first event matching pred (events().size() when none).
std::size_t index_of(const std::vector<json>& events, const EventPredicate& pred) {
  for (std::size_t i = 0; i < events.size(); ++i)
    if (pred(events[i])) return i;
  return events.size();
}

TEST_F(V16AgainstStrictCsms, stopping_a_charger_sends_stop_transaction_before_closing) {
  start_peer();
  const auto id = add_charger("GS-16");
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_transaction(1, "TAG"); }));
  const auto start = peer_->wait_for_event(call_event("GS-16", "StartTransaction"), 5s);
  ASSERT_TRUE(start);
  engine_->stop(id);
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "GS-16"), 10s));
  const auto events = peer_->events();
  const auto stop_at = index_of(events, call_event("GS-16", "StopTransaction"));
  ASSERT_LT(stop_at, events.size()) << "no StopTransaction before the close";
  EXPECT_LT(stop_at, index_of(events, event_is("disconnected", "GS-16")));
  EXPECT_EQ(events[stop_at]["params"]["transactionId"], (*start)["response"]["transactionId"]);
  EXPECT_EQ(events[stop_at]["params"]["reason"], "Local");
  EXPECT_EQ(engine_->counters().in_transaction.load(), 0);
}

TEST_F(V16AgainstStrictCsms, stopping_with_end_transactions_on_stop_off_just_disconnects) {
  start_peer();
  end_transactions_on_stop_ = false;
  const auto id = add_charger("GS-OLD");
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_transaction(1, "TAG"); }));
  ASSERT_TRUE(peer_->wait_for_event(call_event("GS-OLD", "StartTransaction"), 5s));
  engine_->stop(id);
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "GS-OLD"), 10s));
  EXPECT_EQ(peer_->count(call_event("GS-OLD", "StopTransaction")), 0u);
}

TEST_F(V16AgainstStrictCsms, stop_waits_at_most_stop_grace_for_an_unanswered_stop_transaction) {
  start_peer();
  const auto id = add_charger("GS-SLOW");
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_transaction(1, "TAG"); }));
  ASSERT_TRUE(peer_->wait_for_event(call_event("GS-SLOW", "StartTransaction"), 5s));
  ASSERT_TRUE(
      peer_->command({{"cmd", "set_response"}, {"action", "StopTransaction"}, {"no_reply", true}})["ok"].get<bool>());
  engine_->stop(id);
  // The grace (2 s) ends the wait; the close follows without an answer.
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "GS-SLOW"), 10s));
  EXPECT_EQ(peer_->count(call_event("GS-SLOW", "StopTransaction")), 1u);
}

TEST_F(V201AgainstStrictCsms, stopping_a_station_sends_transaction_event_ended_before_closing) {
  start_peer();
  const auto id = add_charger("GS-V2");
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_transaction(1, "TAG"); }));
  ASSERT_TRUE(peer_->wait_for_event(call_event("GS-V2", "TransactionEvent"), 5s));
  engine_->stop(id);
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "GS-V2"), 10s));
  const auto events = peer_->events();
  const auto ended_at = index_of(events, [](const json& e) {
    return call_event("GS-V2", "TransactionEvent")(e) && e["params"]["eventType"] == "Ended";
  });
  ASSERT_LT(ended_at, events.size()) << "no Ended event before the close";
  EXPECT_LT(ended_at, index_of(events, event_is("disconnected", "GS-V2")));
  EXPECT_EQ(events[ended_at]["params"]["transactionInfo"]["stoppedReason"], "Local");
}

} // namespace
} // namespace ocppfleet::testing
