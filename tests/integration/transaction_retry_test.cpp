// Transaction messages the CSMS fails to process (no answer, a late answer, a CALLERROR)
// are resent per the spec's retry settings, in order, and handled once (issue 12, point 1).
// The strict ocpp-rpc CSMS misbehaves on purpose through its set_response overrides.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

std::vector<json> calls_of(const NodeCsmsPeer& peer, const std::string& identity, const std::string& action) {
  std::vector<json> out;
  for (const auto& e : peer.events())
    if (e.value("event", "") == "call" && e.value("identity", "") == identity && e.value("action", "") == action)
      out.push_back(e);
  return out;
}

void misbehave_once(NodeCsmsPeer& peer, const std::string& action, json how) {
  json cmd{{"cmd", "set_response"}, {"action", action}, {"once", true}};
  cmd.update(how);
  const auto r = peer.command(cmd);
  ASSERT_TRUE(r.value("ok", false)) << r.dump();
}

class V16TransactionRetry : public V16AgainstStrictCsms {
protected:
  // A charger with a 1 s call timeout, resending after 1 s * transmissions, metering every second.
  fleet::ChargerId add_retrying_charger(const std::string& identity) {
    call_timeout_ = 1s;
    const auto id = add_charger(identity);
    EXPECT_TRUE(wait_booted(1));
    for (const auto& [key, value] :
         {std::pair{"TransactionMessageRetryInterval", "1"}, std::pair{"MeterValueSampleInterval", "1"},
          std::pair{"AuthorizeRemoteTxRequests", "false"}}) {
      const auto r = peer_->call(identity, "ChangeConfiguration", {{"key", key}, {"value", value}});
      EXPECT_EQ(r["result"]["status"], "Accepted") << r.dump();
    }
    return id;
  }
};

TEST_F(V16TransactionRetry, unanswered_start_transaction_is_resent_and_meter_values_follow_with_its_id) {
  start_peer();
  const auto id = add_retrying_charger("RT-1");
  misbehave_once(*peer_, "StartTransaction", {{"no_reply", true}});
  ASSERT_EQ(peer_->call("RT-1", "RemoteStartTransaction", {{"idTag", "T1"}})["result"]["status"], "Accepted");

  // The first transmission goes unanswered; the resend is answered with the CSMS's id.
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) {
        return e.value("event", "") == "call" && e.value("action", "") == "StartTransaction" &&
               e.value("ok", json{}) == true;
      },
      10s));
  const auto starts = calls_of(*peer_, "RT-1", "StartTransaction");
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0]["no_reply"], true);
  EXPECT_EQ(starts[1]["params"], starts[0]["params"]); // the same message again
  EXPECT_NE(starts[1]["message_id"], starts[0]["message_id"]);
  const auto tx_id = starts[1]["response"]["transactionId"].get<std::int64_t>();

  // The transaction goes on as the CSMS knows it: samples carry its id.
  ASSERT_TRUE(peer_->wait_for_event(
      [&](const json& e) {
        return e.value("event", "") == "call" && e.value("action", "") == "MeterValues" &&
               e["params"].value("transactionId", std::int64_t{-1}) == tx_id;
      },
      10s));
  const auto s = engine_->snapshot(id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->connectors[0].csms_transaction_id, std::optional<std::int64_t>{tx_id});
  EXPECT_EQ(engine_->counters().calls_retried_total.load(), 1u);
  EXPECT_EQ(engine_->counters().transactions_started_total.load(), 1u);
}

TEST_F(V16TransactionRetry, late_answer_to_the_first_start_transaction_is_accepted_and_handled_once) {
  start_peer();
  const auto id = add_retrying_charger("RT-2");
  // Answered after 1.5 s: past our 1 s timeout, before the resend due at 2 s.
  misbehave_once(*peer_, "StartTransaction", {{"delay_ms", 1500}});
  ASSERT_EQ(peer_->call("RT-2", "RemoteStartTransaction", {{"idTag", "T2"}})["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("RT-2", "StartTransaction"), 10s));
  // A stop queues behind the StartTransaction: once it is out, a resend would have gone first.
  ASSERT_TRUE(eventually([&] {
    const auto s = engine_->snapshot(id);
    return s && s->connectors[0].csms_transaction_id.has_value();
  }));
  ASSERT_EQ(
      peer_->call("RT-2", "RemoteStopTransaction",
                  {{"transactionId", *engine_->snapshot(id)->connectors[0].csms_transaction_id}})["result"]["status"],
      "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("RT-2", "StopTransaction"), 10s));
  const auto starts = calls_of(*peer_, "RT-2", "StartTransaction");
  ASSERT_EQ(starts.size(), 1u);
  const auto stops = calls_of(*peer_, "RT-2", "StopTransaction");
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0]["params"]["transactionId"], starts[0]["response"]["transactionId"]);
  EXPECT_EQ(engine_->counters().transactions_started_total.load(), 1u);
  EXPECT_EQ(engine_->counters().transactions_stopped_total.load(), 1u);
}

TEST_F(V16TransactionRetry, stop_transaction_answered_with_a_callerror_is_resent) {
  start_peer();
  const auto id = add_retrying_charger("RT-3");
  ASSERT_EQ(peer_->call("RT-3", "RemoteStartTransaction", {{"idTag", "T3"}})["result"]["status"], "Accepted");
  const auto start = peer_->wait_for_event(call_event("RT-3", "StartTransaction"), 10s);
  ASSERT_TRUE(start);
  misbehave_once(*peer_, "StopTransaction", {{"error", {{"code", "InternalError"}, {"message", "db down"}}}});
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });
  ASSERT_TRUE(peer_->wait_for_count(call_event("RT-3", "StopTransaction"), 2, 10s));
  const auto stops = calls_of(*peer_, "RT-3", "StopTransaction");
  EXPECT_EQ(stops[0]["ok"], false);
  EXPECT_EQ(stops[1]["ok"], true);
  EXPECT_EQ(stops[1]["params"], stops[0]["params"]);
  EXPECT_EQ(stops[1]["params"]["transactionId"], (*start)["response"]["transactionId"]);
}

TEST_F(V16TransactionRetry, transaction_message_is_given_up_after_transaction_message_attempts) {
  start_peer();
  add_retrying_charger("RT-4");
  auto r = peer_->call("RT-4", "ChangeConfiguration", {{"key", "TransactionMessageAttempts"}, {"value", "2"}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->command({{"cmd", "set_response"}, {"action", "StartTransaction"}, {"no_reply", true}})["ok"]);
  ASSERT_EQ(peer_->call("RT-4", "RemoteStartTransaction", {{"idTag", "T4"}})["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_count(call_event("RT-4", "StartTransaction"), 2, 10s));
  ASSERT_TRUE(eventually([&] { return engine_->counters().calls_abandoned_total.load() == 1; }));
  // The pipeline moves on: later calls still go out.
  r = peer_->call("RT-4", "TriggerMessage", {{"requestedMessage", "Heartbeat"}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("RT-4", "Heartbeat"), 5s));
  EXPECT_EQ(calls_of(*peer_, "RT-4", "StartTransaction").size(), 2u);
}

json set_variable(const std::string& component, const std::string& variable, const std::string& value,
                  const std::string& instance = {}) {
  json var{{"name", variable}};
  if (!instance.empty()) var["instance"] = instance;
  return {{"setVariableData",
           json::array({{{"component", {{"name", component}}}, {"variable", var}, {"attributeValue", value}}})}};
}

TEST_F(V201AgainstStrictCsms, unanswered_transaction_event_started_is_resent_before_any_update) {
  start_peer();
  call_timeout_ = 1s;
  add_charger("RT-V2");
  ASSERT_TRUE(wait_booted(1));
  for (const auto& req : {set_variable("OCPPCommCtrlr", "MessageAttemptInterval", "1", "TransactionEvent"),
                          set_variable("SampledDataCtrlr", "TxUpdatedInterval", "1"),
                          set_variable("AuthCtrlr", "AuthorizeRemoteStart", "false")}) {
    const auto r = peer_->call("RT-V2", "SetVariables", req);
    ASSERT_EQ(r["result"]["setVariableResult"][0]["attributeStatus"], "Accepted") << r.dump();
  }
  misbehave_once(*peer_, "TransactionEvent", {{"no_reply", true}});
  const auto r = peer_->call("RT-V2", "RequestStartTransaction",
                             {{"idToken", {{"idToken", "T5"}, {"type", "ISO14443"}}}, {"remoteStartId", 9}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  ASSERT_TRUE(peer_->wait_for_count(call_event("RT-V2", "TransactionEvent"), 4, 10s));
  const auto events = calls_of(*peer_, "RT-V2", "TransactionEvent");
  // Started (unanswered), Started again (answered), then Updated events in seqNo order.
  EXPECT_EQ(events[0]["no_reply"], true);
  EXPECT_EQ(events[0]["params"]["eventType"], "Started");
  EXPECT_EQ(events[1]["params"], events[0]["params"]);
  EXPECT_EQ(events[1]["ok"], true);
  for (std::size_t i = 2; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["params"]["eventType"], "Updated");
    EXPECT_EQ(events[i]["params"]["seqNo"], static_cast<int>(i - 1));
  }
  EXPECT_EQ(engine_->counters().calls_retried_total.load(), 1u);
}

} // namespace
} // namespace ocppfleet::testing
