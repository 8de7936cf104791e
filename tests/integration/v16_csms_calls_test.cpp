// CSMS-initiated 1.6 calls, malformed input and error paths against the strict CSMS.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

TEST_F(V16AgainstStrictCsms, get_and_change_configuration_round_trip) {
  start_peer();
  add_charger("CFG-1");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("CFG-1", "GetConfiguration", json::object());
  ASSERT_TRUE(r["ok"]) << r.dump();
  bool found = false;
  for (const auto& k : r["result"]["configurationKey"])
    found |= k["key"] == "HeartbeatInterval";
  EXPECT_TRUE(found);

  r = peer_->call("CFG-1", "ChangeConfiguration", {{"key", "HeartbeatInterval"}, {"value", "7"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  r = peer_->call("CFG-1", "GetConfiguration", {{"key", {"HeartbeatInterval", "NoSuchKey"}}});
  ASSERT_EQ(r["result"]["configurationKey"].size(), 1u);
  EXPECT_EQ(r["result"]["configurationKey"][0]["value"], "7");
  EXPECT_EQ(r["result"]["configurationKey"][0]["readonly"], false);
  EXPECT_EQ(r["result"]["unknownKey"], json::array({"NoSuchKey"}));

  EXPECT_EQ(
      peer_->call("CFG-1", "ChangeConfiguration", {{"key", "NumberOfConnectors"}, {"value", "4"}})["result"]["status"],
      "Rejected");
  EXPECT_EQ(peer_->call("CFG-1", "ChangeConfiguration", {{"key", "NoSuchKey"}, {"value", "1"}})["result"]["status"],
            "NotSupported");
  EXPECT_EQ(peer_->call("CFG-1", "ChangeConfiguration",
                        {{"key", "HeartbeatInterval"}, {"value", "soon"}})["result"]["status"],
            "Rejected");
  EXPECT_EQ(peer_->call("CFG-1", "ChangeConfiguration",
                        {{"key", "WebSocketPingInterval"}, {"value", "60"}})["result"]["status"],
            "RebootRequired");
}

TEST_F(V16AgainstStrictCsms, unknown_action_from_csms_gets_not_implemented) {
  start_peer();
  const auto id = add_charger("UNK-1");
  ASSERT_TRUE(wait_booted(1));
  // The strict peer refuses to send an action outside the schema set, so send it raw.
  peer_->send_raw("UNK-1", R"([2,"raw-1","FlyToTheMoon",{}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "raw-1").has_value(); }, 5s));
  const auto reply = *sent_frame_with_id(id, "raw-1");
  EXPECT_EQ(reply[0], 4);
  EXPECT_EQ(reply[2], "NotImplemented");
  // A 1.6 action the spec defines and we do not implement is recognised: NotSupported.
  const auto r = peer_->call("UNK-1", "GetLocalListVersion", json::object());
  EXPECT_FALSE(r["ok"]);
  EXPECT_EQ(r["error"]["code"], "NotSupported") << r.dump();
}

TEST_F(V16AgainstStrictCsms, garbage_frame_gets_callerror_and_the_charger_stays_alive) {
  start_peer();
  const auto id = add_charger("GARBAGE-1");
  ASSERT_TRUE(wait_booted(1));
  peer_->send_raw("GARBAGE-1", "this is not json {");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "-1").has_value(); }, 5s));
  const auto reply = *sent_frame_with_id(id, "-1");
  EXPECT_EQ(reply[0], 4);
  EXPECT_EQ(reply[2], "FormationViolation");
  // Wrong payload types get the precise code.
  peer_->send_raw("GARBAGE-1", R"([2,"raw-2","ChangeConfiguration",{"key":5,"value":"1"}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "raw-2").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "raw-2"))[2], "TypeConstraintViolation");
  peer_->send_raw("GARBAGE-1", R"([2,"raw-3","ChangeConfiguration",{"value":"1"}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "raw-3").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "raw-3"))[2], "OccurenceConstraintViolation");
  peer_->send_raw("GARBAGE-1", R"([2,"raw-4","Reset",{"type":"Sideways"}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "raw-4").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "raw-4"))[2], "PropertyConstraintViolation");
  // Still alive and answering.
  const auto r = peer_->call("GARBAGE-1", "GetConfiguration", {{"key", {"HeartbeatInterval"}}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["configurationKey"][0]["key"], "HeartbeatInterval");
}

TEST_F(V16AgainstStrictCsms, trigger_message_sends_the_requested_message_after_accepting) {
  start_peer();
  add_charger("TRIG-1", 2);
  ASSERT_TRUE(wait_booted(1));
  ASSERT_TRUE(peer_->wait_for_count(call_event("TRIG-1", "StatusNotification"), 3, 5s));
  auto r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "Heartbeat"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  EXPECT_TRUE(peer_->wait_for_event(call_event("TRIG-1", "Heartbeat"), 5s));
  r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "StatusNotification"}, {"connectorId", 2}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  EXPECT_TRUE(peer_->wait_for_count(call_event("TRIG-1", "StatusNotification"), 4, 5s));
  r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "BootNotification"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  EXPECT_TRUE(peer_->wait_for_count(call_event("TRIG-1", "BootNotification"), 2, 5s));
  r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "DiagnosticsStatusNotification"}});
  EXPECT_TRUE(peer_->wait_for_event(call_event("TRIG-1", "DiagnosticsStatusNotification"), 5s));
  r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "MeterValues"}, {"connectorId", 1}});
  EXPECT_TRUE(peer_->wait_for_event(call_event("TRIG-1", "MeterValues"), 5s));
  r = peer_->call("TRIG-1", "TriggerMessage", {{"requestedMessage", "Heartbeat"}, {"connectorId", 7}});
  EXPECT_EQ(r["result"]["status"], "Rejected");
}

TEST_F(V16AgainstStrictCsms, change_availability_is_scheduled_during_a_transaction) {
  start_peer();
  add_charger("AVAIL-1");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("AVAIL-1", "ChangeAvailability", {{"connectorId", 1}, {"type", "Inoperative"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  EXPECT_TRUE(peer_->wait_for_event(
      [](const json& e) {
        return e.value("action", "") == "StatusNotification" && e["params"]["status"] == "Unavailable";
      },
      5s));
  r = peer_->call("AVAIL-1", "ChangeAvailability", {{"connectorId", 1}, {"type", "Operative"}});
  EXPECT_EQ(r["result"]["status"], "Accepted");
  r = peer_->call("AVAIL-1", "RemoteStartTransaction", {{"idTag", "T"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("AVAIL-1", "StartTransaction"), 5s));
  r = peer_->call("AVAIL-1", "ChangeAvailability", {{"connectorId", 0}, {"type", "Inoperative"}});
  EXPECT_EQ(r["result"]["status"], "Scheduled");
}

TEST_F(V16AgainstStrictCsms, unlock_clear_cache_and_data_transfer_answer_per_spec) {
  start_peer();
  add_charger("MISC-1");
  ASSERT_TRUE(wait_booted(1));
  EXPECT_EQ(peer_->call("MISC-1", "UnlockConnector", {{"connectorId", 1}})["result"]["status"], "Unlocked");
  EXPECT_EQ(peer_->call("MISC-1", "UnlockConnector", {{"connectorId", 5}})["result"]["status"], "NotSupported");
  EXPECT_EQ(peer_->call("MISC-1", "ClearCache", json::object())["result"]["status"], "Accepted");
  EXPECT_EQ(peer_->call("MISC-1", "DataTransfer", {{"vendorId", "someone-else"}})["result"]["status"],
            "UnknownVendorId");
  EXPECT_EQ(peer_->call("MISC-1", "DataTransfer", {{"vendorId", "ocppfleet"}, {"data", "x"}})["result"]["status"],
            "Accepted");
}

} // namespace
} // namespace ocppfleet::testing
