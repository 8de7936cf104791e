// 2.0.1 transactions (TransactionEvent Started / Updated / Ended) against the strict
// ocpp-rpc CSMS, including the offline queue across a dropped connection.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

bool is_tx_event(const json& e, const std::string& identity) {
  return e.value("event", "") == "call" && e.value("identity", "") == identity &&
         e.value("action", "") == "TransactionEvent";
}

std::vector<json> tx_events(const NodeCsmsPeer& peer, const std::string& identity) {
  std::vector<json> out;
  for (const auto& e : peer.events())
    if (is_tx_event(e, identity)) out.push_back(e["params"]);
  return out;
}

double energy_of(const json& event) {
  if (!event.contains("meterValue")) return -1;
  for (const auto& mv : event["meterValue"])
    for (const auto& sv : mv["sampledValue"])
      if (sv.value("measurand", "") == "Energy.Active.Import.Register") return sv["value"].get<double>();
  return -1;
}

json set_variable(const std::string& component, const std::string& variable, const std::string& value) {
  return {{"setVariableData", json::array({{{"component", {{"name", component}}},
                                            {"variable", {{"name", variable}}},
                                            {"attributeValue", value}}})}};
}

TEST_F(V201AgainstStrictCsms, request_start_runs_started_updated_ended_with_increasing_seq_no) {
  start_peer();
  add_charger("V2-TX");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("V2-TX", "SetVariables", set_variable("SampledDataCtrlr", "TxUpdatedInterval", "1"));
  ASSERT_EQ(r["result"]["setVariableResult"][0]["attributeStatus"], "Accepted") << r.dump();

  r = peer_->call("V2-TX", "RequestStartTransaction",
                  {{"idToken", {{"idToken", "TOKEN-1"}, {"type", "ISO14443"}}}, {"remoteStartId", 77}, {"evseId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  // AuthorizeRemoteStart defaults to true: Authorize first.
  const auto authorize = peer_->wait_for_event(call_event("V2-TX", "Authorize"), 5s);
  ASSERT_TRUE(authorize);
  EXPECT_EQ((*authorize)["params"]["idToken"]["idToken"], "TOKEN-1");
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-TX", "TransactionEvent"), 4, 10s)); // Started + >= 3 Updated
  auto events = tx_events(*peer_, "V2-TX");
  const auto started = events.front(); // a copy: events is reassigned below
  EXPECT_EQ(started["eventType"], "Started");
  EXPECT_EQ(started["triggerReason"], "RemoteStart");
  EXPECT_EQ(started["seqNo"], 0);
  EXPECT_EQ(started["transactionInfo"]["remoteStartId"], 77);
  EXPECT_EQ(started["transactionInfo"]["chargingState"], "Charging");
  EXPECT_EQ(started["idToken"]["idToken"], "TOKEN-1");
  EXPECT_EQ(started["evse"]["id"], 1);
  EXPECT_FALSE(started.contains("offline"));
  const std::string tx_id = started["transactionInfo"]["transactionId"];
  ASSERT_FALSE(tx_id.empty());
  const auto occupied = peer_->wait_for_event(
      [](const json& e) {
        return e.value("event", "") == "call" && e["action"] == "StatusNotification" &&
               e["params"]["connectorStatus"] == "Occupied";
      },
      5s);
  EXPECT_TRUE(occupied);

  r = peer_->call("V2-TX", "RequestStopTransaction", {{"transactionId", tx_id}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_tx_event(e, "V2-TX") && e["params"]["eventType"] == "Ended"; }, 5s));
  r = peer_->call("V2-TX", "RequestStopTransaction", {{"transactionId", tx_id}});
  EXPECT_EQ(r["result"]["status"], "Rejected"); // no longer running

  events = tx_events(*peer_, "V2-TX");
  const auto ended = events.back();
  EXPECT_EQ(ended["eventType"], "Ended");
  EXPECT_EQ(ended["triggerReason"], "RemoteStop");
  EXPECT_EQ(ended["transactionInfo"]["stoppedReason"], "Remote");
  double last_energy = -1;
  std::size_t updates_with_meter = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seqNo"], static_cast<int>(i)) << events[i].dump();
    EXPECT_EQ(events[i]["transactionInfo"]["transactionId"], tx_id);
    const double energy = energy_of(events[i]);
    if (energy >= 0) {
      EXPECT_GE(energy, last_energy) << "energy register went backwards";
      last_energy = energy;
    }
    if (events[i]["eventType"] == "Updated" && events[i]["triggerReason"] == "MeterValuePeriodic") {
      ++updates_with_meter;
      EXPECT_EQ(events[i]["meterValue"][0]["sampledValue"][0]["context"], "Sample.Periodic");
    }
  }
  EXPECT_GE(updates_with_meter, 3u);
  EXPECT_GT(energy_of(ended), energy_of(started)); // 22 kW for >= 3 s
}

TEST_F(V201AgainstStrictCsms, local_session_authorizes_and_ends_with_reason_local) {
  start_peer();
  const auto id = add_charger("V2-LOCAL");
  ASSERT_TRUE(wait_booted(1));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_session(1, "CARD-9"); });
  const auto started = peer_->wait_for_event(call_event("V2-LOCAL", "TransactionEvent"), 5s);
  ASSERT_TRUE(started);
  EXPECT_EQ((*started)["params"]["triggerReason"], "Authorized");
  EXPECT_FALSE((*started)["params"]["transactionInfo"].contains("remoteStartId"));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_tx_event(e, "V2-LOCAL") && e["params"]["eventType"] == "Ended"; }, 5s));
  const auto events = tx_events(*peer_, "V2-LOCAL");
  EXPECT_EQ(events.back()["transactionInfo"]["stoppedReason"], "Local");
  EXPECT_EQ(events.back()["triggerReason"], "StopAuthorized");
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) {
        return e.value("event", "") == "call" && e["identity"] == "V2-LOCAL" && e["action"] == "StatusNotification" &&
               e["params"]["connectorStatus"] == "Available";
      },
      5s));
}

TEST_F(V201AgainstStrictCsms, invalid_token_starts_no_transaction) {
  PeerOptions options;
  options.invalid_id_tags = {"BAD-CARD"};
  start_peer(options);
  const auto id = add_charger("V2-BAD");
  ASSERT_TRUE(wait_booted(1));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_session(1, "BAD-CARD"); });
  ASSERT_TRUE(peer_->wait_for_event(call_event("V2-BAD", "Authorize"), 5s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(peer_->count(call_event("V2-BAD", "TransactionEvent")), 0u);
}

TEST_F(V201AgainstStrictCsms, events_queued_while_offline_arrive_after_reconnect_in_order_once) {
  start_peer();
  link_->backoff.initial = 2s; // the offline window: the reconnect waits 1.4-2.6 s
  link_->backoff.max = 4s;
  const auto id = add_charger("V2-OFF");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("V2-OFF", "SetVariables", set_variable("SampledDataCtrlr", "TxUpdatedInterval", "1"));
  ASSERT_EQ(r["result"]["setVariableResult"][0]["attributeStatus"], "Accepted");
  r = peer_->call("V2-OFF", "RequestStartTransaction",
                  {{"idToken", {{"idToken", "T-OFF"}, {"type", "ISO14443"}}}, {"remoteStartId", 5}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-OFF", "TransactionEvent"), 2, 5s));

  // Keep the charger offline long enough to meter a few samples: the reconnect waits out
  // the backoff (raised for this test), then the CSMS drops the link mid-transaction.
  peer_->close("V2-OFF");
  ASSERT_TRUE(eventually(
      [&] {
        const auto s = engine_->snapshot(id);
        return s && s->link_state != transport::LinkState::Open;
      },
      5s));
  const auto online_count = tx_events(*peer_, "V2-OFF").size();
  std::this_thread::sleep_for(150ms);
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); }); // Ended, generated offline

  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_tx_event(e, "V2-OFF") && e["params"]["eventType"] == "Ended"; }, 10s));
  std::this_thread::sleep_for(300ms); // nothing must follow twice
  const auto events = tx_events(*peer_, "V2-OFF");
  ASSERT_GT(events.size(), online_count);
  std::size_t ended = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i]["seqNo"], static_cast<int>(i)) << "out of order or duplicated: " << events[i].dump();
    if (events[i]["eventType"] == "Ended") ++ended;
  }
  EXPECT_EQ(ended, 1u);
  const auto& last = events.back();
  EXPECT_EQ(last["eventType"], "Ended");
  EXPECT_EQ(last["offline"], true);
  // The queued events went out on the new connection: after it connected.
  const auto reconnect = peer_->wait_for_count(event_is("connected", "V2-OFF"), 2, 1s);
  EXPECT_TRUE(reconnect);
  // A 2.0.1 station does not boot again after a lost connection, it resumes.
  EXPECT_EQ(peer_->count(call_event("V2-OFF", "BootNotification")), 1u);
}

TEST_F(V201AgainstStrictCsms, reset_immediate_ends_the_transaction_and_boots_with_remote_reset) {
  start_peer();
  add_charger("V2-RST");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("V2-RST", "RequestStartTransaction",
                       {{"idToken", {{"idToken", "T-R"}, {"type", "ISO14443"}}}, {"remoteStartId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("V2-RST", "TransactionEvent"), 5s));
  r = peer_->call("V2-RST", "Reset", {{"type", "OnIdle"}});
  EXPECT_EQ(r["result"]["status"], "Scheduled");
  r = peer_->call("V2-RST", "Reset", {{"type", "Immediate"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-RST", "BootNotification"), 2, 10s));
  const auto events = tx_events(*peer_, "V2-RST");
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back()["eventType"], "Ended");
  EXPECT_EQ(events.back()["transactionInfo"]["stoppedReason"], "ImmediateReset");
  EXPECT_EQ(events.back()["triggerReason"], "ResetCommand");
  std::vector<std::string> reasons;
  for (const auto& e : peer_->events())
    if (e.value("event", "") == "call" && e["action"] == "BootNotification") reasons.push_back(e["params"]["reason"]);
  EXPECT_EQ(reasons, (std::vector<std::string>{"PowerUp", "RemoteReset"}));
}

} // namespace
} // namespace ocppfleet::testing
