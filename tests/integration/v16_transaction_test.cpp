// Transactions of 1.6 chargers against the strict ocpp-rpc CSMS.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

double energy_of(const json& meter_values_params) {
  for (const auto& mv : meter_values_params["meterValue"])
    for (const auto& sv : mv["sampledValue"])
      if (sv.value("measurand", "") == "Energy.Active.Import.Register")
        return std::stod(sv["value"].get<std::string>());
  return -1;
}

TEST_F(V16AgainstStrictCsms, remote_start_runs_a_full_transaction_with_meter_values_and_remote_stop) {
  start_peer();
  add_charger("TX-1");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("TX-1", "ChangeConfiguration", {{"key", "MeterValueSampleInterval"}, {"value", "1"}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");

  r = peer_->call("TX-1", "RemoteStartTransaction", {{"idTag", "TAG-1"}, {"connectorId", 1}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");

  // AuthorizeRemoteTxRequests defaults to true: Authorize, then StartTransaction.
  const auto authorize = peer_->wait_for_event(call_event("TX-1", "Authorize"), 5s);
  ASSERT_TRUE(authorize);
  EXPECT_EQ((*authorize)["params"]["idTag"], "TAG-1");
  const auto start = peer_->wait_for_event(call_event("TX-1", "StartTransaction"), 5s);
  ASSERT_TRUE(start);
  EXPECT_EQ((*start)["params"]["connectorId"], 1);
  const auto tx_id = (*start)["response"]["transactionId"].get<std::int64_t>();
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_call(e, "TX-1", "StatusNotification") && e["params"]["status"] == "Charging"; },
      5s));

  // Periodic samples carry the transaction id and a rising energy register.
  ASSERT_TRUE(peer_->wait_for_count(call_event("TX-1", "MeterValues"), 3, 8s));
  std::vector<double> energy;
  for (const auto& e : peer_->events()) {
    if (!is_call(e, "TX-1", "MeterValues")) continue;
    EXPECT_EQ(e["params"]["transactionId"], tx_id);
    energy.push_back(energy_of(e["params"]));
  }
  ASSERT_GE(energy.size(), 3u);
  EXPECT_GT(energy.back(), energy.front()); // 22 kW for ≥ 2 s is > 12 Wh

  r = peer_->call("TX-1", "RemoteStopTransaction", {{"transactionId", tx_id}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");
  const auto stop = peer_->wait_for_event(call_event("TX-1", "StopTransaction"), 5s);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["params"]["transactionId"], tx_id);
  EXPECT_EQ((*stop)["params"]["reason"], "Remote");
  EXPECT_GE((*stop)["params"]["meterStop"].get<double>(),
            (*start)["params"]["meterStart"].get<double>() + energy.back() - energy.front());
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_call(e, "TX-1", "StatusNotification") && e["params"]["status"] == "Finishing"; },
      5s));
}

TEST_F(V16AgainstStrictCsms, remote_start_without_authorization_when_configured) {
  start_peer();
  add_charger("TX-2");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("TX-2", "ChangeConfiguration", {{"key", "AuthorizeRemoteTxRequests"}, {"value", "false"}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  r = peer_->call("TX-2", "RemoteStartTransaction", {{"idTag", "TAG-2"}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("TX-2", "StartTransaction"), 5s));
  EXPECT_EQ(peer_->count(call_event("TX-2", "Authorize")), 0u);
}

TEST_F(V16AgainstStrictCsms, remote_start_on_a_busy_connector_is_rejected) {
  start_peer();
  add_charger("TX-3");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("TX-3", "RemoteStartTransaction", {{"idTag", "A"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("TX-3", "StartTransaction"), 5s));
  r = peer_->call("TX-3", "RemoteStartTransaction", {{"idTag", "B"}, {"connectorId", 1}});
  EXPECT_EQ(r["result"]["status"], "Rejected");
  r = peer_->call("TX-3", "RemoteStartTransaction", {{"idTag", "B"}, {"connectorId", 9}});
  EXPECT_EQ(r["result"]["status"], "Rejected");
}

TEST_F(V16AgainstStrictCsms, local_session_authorizes_starts_and_stops_with_reason_local) {
  start_peer();
  const auto id = add_charger("LOCAL-1");
  ASSERT_TRUE(wait_booted(1));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_session(1, "LOCALTAG"); });
  ASSERT_TRUE(peer_->wait_for_event(call_event("LOCAL-1", "StartTransaction"), 5s));
  ASSERT_TRUE(eventually([&] {
    const auto s = engine_->snapshot(id);
    return s && s->connectors[0].csms_transaction_id.has_value();
  }));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });
  const auto stop = peer_->wait_for_event(call_event("LOCAL-1", "StopTransaction"), 5s);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["params"]["reason"], "Local");
  EXPECT_TRUE((*stop)["params"].contains("transactionData"));
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) { return is_call(e, "LOCAL-1", "StatusNotification") && e["params"]["status"] == "Available"; },
      5s));
}

TEST_F(V16AgainstStrictCsms, invalid_id_tag_does_not_start_a_transaction) {
  PeerOptions options;
  options.invalid_id_tags = {"BADTAG"};
  start_peer(options);
  const auto id = add_charger("AUTH-1");
  ASSERT_TRUE(wait_booted(1));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.start_session(1, "BADTAG"); });
  ASSERT_TRUE(peer_->wait_for_event(call_event("AUTH-1", "Authorize"), 5s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(peer_->count(call_event("AUTH-1", "StartTransaction")), 0u);
}

TEST_F(V16AgainstStrictCsms, hard_reset_stops_the_transaction_and_boots_again_with_the_same_identity) {
  start_peer();
  add_charger("RESET-1");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("RESET-1", "RemoteStartTransaction", {{"idTag", "T"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("RESET-1", "StartTransaction"), 5s));
  r = peer_->call("RESET-1", "Reset", {{"type", "Hard"}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "RESET-1"), 5s));
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected", "RESET-1"), 2, 5s));
  ASSERT_TRUE(peer_->wait_for_count(call_event("RESET-1", "BootNotification"), 2, 5s));
  const auto stop = peer_->wait_for_event(call_event("RESET-1", "StopTransaction"), 5s);
  ASSERT_TRUE(stop);
  EXPECT_EQ((*stop)["params"]["reason"], "HardReset");
}

} // namespace
} // namespace ocppfleet::testing
