// OCPP 2.0.1 chargers against the strict ocpp-rpc CSMS (protocol ocpp2.0.1): boot,
// registration states, status per EVSE and the CSMS-initiated basics.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

TEST_F(V201AgainstStrictCsms, hundred_chargers_boot_and_report_every_evse) {
  start_peer();
  for (int i = 0; i < 100; ++i)
    add_charger("V2-BOOT-" + std::to_string(i), i % 2 == 0 ? 1 : 2);
  ASSERT_TRUE(wait_booted(100, 30s)) << "booted " << engine_->counters().booted.load();
  // 50 chargers with one EVSE and 50 with two: 150 StatusNotifications, one per EVSE.
  ASSERT_TRUE(peer_->wait_for_count(event_is("call"), 100 + 150, 15s));
  std::size_t boots = 0;
  std::size_t statuses = 0;
  for (const auto& e : peer_->events()) {
    if (e.value("event", "") != "call") continue;
    if (e["action"] == "BootNotification") {
      ++boots;
      EXPECT_EQ(e["params"]["reason"], "PowerUp");
      EXPECT_EQ(e["params"]["chargingStation"]["vendorName"], "ocppfleet");
      EXPECT_EQ(e["response"]["status"], "Accepted");
    } else if (e["action"] == "StatusNotification") {
      ++statuses;
      EXPECT_EQ(e["params"]["connectorStatus"], "Available");
      EXPECT_EQ(e["params"]["connectorId"], 1);
      EXPECT_GE(e["params"]["evseId"].get<int>(), 1);
      EXPECT_LE(e["params"]["evseId"].get<int>(), 2);
    }
  }
  EXPECT_EQ(boots, 100u);
  EXPECT_EQ(statuses, 150u);
  EXPECT_TRUE(peer_->violations().empty());
}

TEST_F(V201AgainstStrictCsms, pending_lets_the_csms_configure_then_accepted_starts_normal_traffic) {
  PeerOptions options;
  options.boot_sequence = {"Pending", "Accepted"};
  options.boot_retry_interval = 2;
  start_peer(options);
  add_charger("V2-PEND");
  ASSERT_TRUE(peer_->wait_for_event(call_event("V2-PEND", "BootNotification"), 5s));
  // While Pending the CSMS may read and write the device model (B02).
  auto r = peer_->call("V2-PEND", "SetVariables",
                       {{"setVariableData", json::array({{{"component", {{"name", "OCPPCommCtrlr"}}},
                                                          {"variable", {{"name", "HeartbeatInterval"}}},
                                                          {"attributeValue", "120"}}})}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["setVariableResult"][0]["attributeStatus"], "Accepted");
  // Nothing but the boot went out while Pending.
  EXPECT_EQ(peer_->count(call_event("V2-PEND", "StatusNotification")), 0u);
  ASSERT_TRUE(wait_booted(1, 10s));
  ASSERT_TRUE(peer_->wait_for_event(call_event("V2-PEND", "StatusNotification"), 5s));
  EXPECT_EQ(peer_->count(call_event("V2-PEND", "BootNotification")), 2u);
  r = peer_->call("V2-PEND", "GetVariables",
                  {{"getVariableData", json::array({{{"component", {{"name", "OCPPCommCtrlr"}}},
                                                     {"variable", {{"name", "HeartbeatInterval"}}}}})}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  // The Accepted boot's interval (the peer's 300 s) replaces what the CSMS set while Pending.
  EXPECT_EQ(r["result"]["getVariableResult"][0]["attributeValue"], "300");
}

TEST_F(V201AgainstStrictCsms, unknown_action_and_bad_payloads_get_the_2_0_1_error_codes) {
  start_peer();
  const auto id = add_charger("V2-ERR");
  ASSERT_TRUE(wait_booted(1));
  // A spec action we do not implement is recognised: NotSupported (OCPP-J), not
  // NotImplemented "unknown action" (real CSMSs treat the two differently).
  auto r = peer_->call("V2-ERR", "GetLocalListVersion", json::object());
  EXPECT_FALSE(r["ok"]);
  EXPECT_EQ(r["error"]["code"], "NotSupported") << r.dump();
  // The strict peer will not send invalid frames itself: send them raw.
  const std::pair<const char*, const char*> cases[] = {
      {R"([2,"raw-1","RequestStopTransaction",{"transactionId":42}])", "TypeConstraintViolation"},
      {R"([2,"raw-2","RequestStopTransaction",{}])", "OccurrenceConstraintViolation"},
      {R"([2,"raw-3","Reset",{"type":"Sideways"}])", "PropertyConstraintViolation"},
      {R"([2,"raw-4","FlyToTheMoon",{}])", "NotImplemented"},
      {R"([7,"raw-5"])", "MessageTypeNotSupported"},
  };
  for (const auto& [frame, code] : cases) {
    const std::string message_id = json::parse(frame)[1].get<std::string>();
    peer_->send_raw("V2-ERR", frame);
    ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, message_id).has_value(); }, 5s)) << frame;
    const auto reply = *sent_frame_with_id(id, message_id);
    EXPECT_EQ(reply[0], 4) << reply.dump();
    EXPECT_EQ(reply[2], code) << frame << " -> " << reply.dump();
  }
  peer_->send_raw("V2-ERR", "this is not json {");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "-1").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "-1"))[2], "FormatViolation");
  // Still alive and answering.
  r = peer_->call("V2-ERR", "ClearCache", json::object());
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");
}

TEST_F(V201AgainstStrictCsms, trigger_availability_and_unlock_behave_per_evse) {
  start_peer();
  add_charger("V2-OPS", 2);
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-OPS", "StatusNotification"), 2, 5s));

  auto r = peer_->call("V2-OPS", "TriggerMessage",
                       {{"requestedMessage", "StatusNotification"}, {"evse", {{"id", 2}, {"connectorId", 1}}}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-OPS", "StatusNotification"), 3, 5s));
  r = peer_->call("V2-OPS", "TriggerMessage", {{"requestedMessage", "Heartbeat"}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("V2-OPS", "Heartbeat"), 5s));
  r = peer_->call("V2-OPS", "TriggerMessage", {{"requestedMessage", "MeterValues"}, {"evse", {{"id", 1}}}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  const auto mv = peer_->wait_for_event(call_event("V2-OPS", "MeterValues"), 5s);
  ASSERT_TRUE(mv);
  EXPECT_EQ((*mv)["params"]["evseId"], 1);
  r = peer_->call("V2-OPS", "TriggerMessage", {{"requestedMessage", "BootNotification"}});
  EXPECT_EQ(r["result"]["status"], "Rejected"); // already accepted
  r = peer_->call("V2-OPS", "TriggerMessage", {{"requestedMessage", "SignV2GCertificate"}});
  EXPECT_EQ(r["result"]["status"], "NotImplemented");
  r = peer_->call("V2-OPS", "TriggerMessage", {{"requestedMessage", "Heartbeat"}, {"evse", {{"id", 7}}}});
  EXPECT_EQ(r["result"]["status"], "Rejected");

  r = peer_->call("V2-OPS", "ChangeAvailability", {{"operationalStatus", "Inoperative"}, {"evse", {{"id", 2}}}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  ASSERT_TRUE(peer_->wait_for_event(
      [](const json& e) {
        return e.value("event", "") == "call" && e["action"] == "StatusNotification" && e["params"]["evseId"] == 2 &&
               e["params"]["connectorStatus"] == "Unavailable";
      },
      5s));

  r = peer_->call("V2-OPS", "UnlockConnector", {{"evseId", 1}, {"connectorId", 1}});
  EXPECT_EQ(r["result"]["status"], "Unlocked");
  r = peer_->call("V2-OPS", "UnlockConnector", {{"evseId", 9}, {"connectorId", 1}});
  EXPECT_EQ(r["result"]["status"], "UnknownConnector");
  r = peer_->call("V2-OPS", "DataTransfer", {{"vendorId", "someone.else"}});
  EXPECT_EQ(r["result"]["status"], "UnknownVendorId");
}

} // namespace
} // namespace ocppfleet::testing
