// The embedded CSMS against the strict ocpp-rpc client (tests/peers/test_client.js): whole
// sessions in 1.6 and 2.0.1, every answer validated by the client, and the state we recorded.
#include "csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

json meter_v16(int wh) {
  return json::array({{{"timestamp", "2026-01-01T00:10:00Z"},
                       {"sampledValue", json::array({{{"value", std::to_string(wh)},
                                                      {"measurand", "Energy.Active.Import.Register"},
                                                      {"unit", "Wh"}}})}}});
}

json meter_v201(double wh) {
  return json::array(
      {{{"timestamp", "2026-01-01T00:10:00Z"},
        {"sampledValue", json::array({{{"value", wh}, {"measurand", "Energy.Active.Import.Register"}}})}}});
}

json v16_session_calls(int transaction_id) {
  const json status = [](const char* s) {
    return json{{"connectorId", 1}, {"errorCode", "NoError"}, {"status", s}};
  }("Available");
  return json::array({
      {{"action", "BootNotification"},
       {"params",
        {{"chargePointVendor", "TestVendor"},
         {"chargePointModel", "TM-1"},
         {"chargePointSerialNumber", "SN-9"},
         {"firmwareVersion", "fw-2"}}}},
      {{"action", "Heartbeat"}, {"params", json::object()}},
      {{"action", "StatusNotification"}, {"params", status}},
      {{"action", "Authorize"}, {"params", {{"idTag", "TAG-16"}}}},
      {{"action", "StartTransaction"},
       {"params",
        {{"connectorId", 1}, {"idTag", "TAG-16"}, {"meterStart", 1000}, {"timestamp", "2026-01-01T00:00:00Z"}}}},
      {{"action", "StatusNotification"},
       {"params", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Charging"}}}},
      {{"action", "MeterValues"},
       {"params", {{"connectorId", 1}, {"transactionId", transaction_id}, {"meterValue", meter_v16(2500)}}}},
      {{"action", "StopTransaction"},
       {"params",
        {{"transactionId", transaction_id},
         {"meterStop", 4200},
         {"timestamp", "2026-01-01T00:30:00Z"},
         {"idTag", "TAG-16"},
         {"reason", "Local"}}}},
      {{"action", "StatusNotification"},
       {"params", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Finishing"}}}},
      {{"action", "DataTransfer"}, {"params", {{"vendorId", "acme"}, {"messageId", "x"}}}},
  });
}

TEST_F(CsmsServerTest, strict_v16_client_runs_a_whole_session_and_the_state_is_recorded) {
  auto options = default_options();
  options.heartbeat_interval = 77s;
  start_server(options);
  auto listener = std::make_shared<RecordingListener>();
  server_->subscribe(listener);
  // A fresh backend mints 1 first: the script can name it in MeterValues/StopTransaction.
  const auto r = client({{"url", endpoint()}, {"identity", "CP-16"}, {"calls", v16_session_calls(1)}});
  expect_all_ok(r);
  ASSERT_FALSE(events_of(r, "open").empty());
  EXPECT_EQ(events_of(r, "open")[0]["protocol"], "ocpp1.6");
  EXPECT_EQ(result_of(r, "BootNotification")["status"], "Accepted");
  EXPECT_EQ(result_of(r, "BootNotification")["interval"], 77);
  EXPECT_EQ(result_of(r, "StartTransaction")["transactionId"], 1);
  EXPECT_EQ(result_of(r, "DataTransfer")["status"], "UnknownVendorId");

  ASSERT_TRUE(eventually([&] { return !connected("default", "CP-16"); }));
  const auto st = server_->station("default", "CP-16");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->ocpp_version, "ocpp1.6");
  EXPECT_EQ(st->vendor, "TestVendor");
  EXPECT_EQ(st->model, "TM-1");
  EXPECT_EQ(st->serial_number, "SN-9");
  EXPECT_EQ(st->firmware_version, "fw-2");
  EXPECT_EQ(st->boot_status, "Accepted");
  EXPECT_FALSE(st->last_seen.empty());
  ASSERT_EQ(st->connectors.size(), 1u);
  EXPECT_EQ(st->connectors[0].status, "Finishing");
  EXPECT_EQ(st->connectors[0].error_code, "NoError");

  const auto txs = server_->list_transactions("default");
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].transaction_id, "1");
  EXPECT_EQ(txs[0].identity, "CP-16");
  EXPECT_EQ(txs[0].id_token, "TAG-16");
  EXPECT_EQ(txs[0].state, csms::TransactionState::Ended);
  EXPECT_DOUBLE_EQ(txs[0].meter_start_wh.value_or(-1), 1000);
  EXPECT_DOUBLE_EQ(txs[0].meter_stop_wh.value_or(-1), 4200);
  EXPECT_DOUBLE_EQ(txs[0].energy_wh, 3200);
  EXPECT_EQ(txs[0].stop_reason, "Local");
  const auto tokens = server_->list_id_tokens("default");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].id_token, "TAG-16");

  // The listener heard connect, the three status changes, the transaction's life, disconnect.
  listener->read([](const RecordingListener& l) {
    ASSERT_EQ(l.connections.size(), 2u);
    EXPECT_TRUE(l.connections[0].connected);
    EXPECT_FALSE(l.connections[1].connected);
    ASSERT_EQ(l.statuses.size(), 3u);
    EXPECT_EQ(l.statuses[1].status.status, "Charging");
    ASSERT_EQ(l.transactions.size(), 3u);
    EXPECT_EQ(l.transactions[0].change, csms::TransactionChange::Started);
    EXPECT_EQ(l.transactions[1].change, csms::TransactionChange::Updated);
    EXPECT_DOUBLE_EQ(l.transactions[1].transaction.energy_wh, 1500);
    EXPECT_EQ(l.transactions[2].change, csms::TransactionChange::Ended);
  });
}

TEST_F(CsmsServerTest, strict_v201_client_runs_boot_status_and_a_transaction_event_life) {
  start_server();
  const json token{{"idToken", "RFID-201"}, {"type", "ISO14443"}};
  auto event = [&](const char* type, int seq, double wh, const char* trigger) {
    json p{{"eventType", type},
           {"timestamp", "2026-01-01T00:0" + std::to_string(seq) + ":00Z"},
           {"triggerReason", trigger},
           {"seqNo", seq},
           {"transactionInfo", {{"transactionId", "TX-A"}}},
           {"meterValue", meter_v201(wh)}};
    if (std::string{type} == "Started") {
      p["idToken"] = token;
      p["evse"] = {{"id", 1}, {"connectorId", 1}};
    }
    if (std::string{type} == "Ended") p["transactionInfo"]["stoppedReason"] = "EVDisconnected";
    return json{{"action", "TransactionEvent"}, {"params", p}};
  };
  const json calls = json::array({
      {{"action", "BootNotification"},
       {"params",
        {{"reason", "PowerUp"},
         {"chargingStation", {{"model", "Sat"}, {"vendorName", "Kempower"}, {"serialNumber", "K-1"}}}}}},
      {{"action", "StatusNotification"},
       {"params",
        {{"timestamp", "2026-01-01T00:00:00Z"}, {"connectorStatus", "Available"}, {"evseId", 1}, {"connectorId", 1}}}},
      {{"action", "Authorize"}, {"params", {{"idToken", token}}}},
      event("Started", 1, 500, "Authorized"),
      {{"action", "StatusNotification"},
       {"params",
        {{"timestamp", "2026-01-01T00:01:00Z"}, {"connectorStatus", "Occupied"}, {"evseId", 1}, {"connectorId", 1}}}},
      event("Updated", 2, 1700, "MeterValuePeriodic"),
      event("Ended", 3, 3500, "EVCommunicationLost"),
      {{"action", "Heartbeat"}, {"params", json::object()}},
      {{"action", "DataTransfer"}, {"params", {{"vendorId", "acme"}}}},
      {{"action", "NotifyReport"},
       {"params", {{"requestId", 1}, {"generatedAt", "2026-01-01T00:00:00Z"}, {"seqNo", 0}}}},
  });
  const auto r = client({{"url", endpoint()}, {"identity", "CP-201"}, {"protocols", {"ocpp2.0.1"}}, {"calls", calls}});
  expect_all_ok(r);
  EXPECT_EQ(events_of(r, "open")[0]["protocol"], "ocpp2.0.1");
  EXPECT_EQ(result_of(r, "TransactionEvent", 0)["idTokenInfo"]["status"], "Accepted");
  EXPECT_EQ(result_of(r, "TransactionEvent", 1), json::object());

  const auto st = server_->station("default", "CP-201");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->ocpp_version, "ocpp2.0.1");
  EXPECT_EQ(st->vendor, "Kempower");
  EXPECT_EQ(st->serial_number, "K-1");
  ASSERT_EQ(st->connectors.size(), 1u);
  EXPECT_EQ(st->connectors[0].evse_id, 1);
  EXPECT_EQ(st->connectors[0].status, "Occupied");
  const auto txs = server_->list_transactions("default");
  ASSERT_EQ(txs.size(), 1u);
  EXPECT_EQ(txs[0].transaction_id, "TX-A");
  EXPECT_EQ(txs[0].state, csms::TransactionState::Ended);
  EXPECT_EQ(txs[0].id_token, "RFID-201");
  EXPECT_EQ(txs[0].evse_id, 1);
  EXPECT_DOUBLE_EQ(txs[0].energy_wh, 3000);
  EXPECT_EQ(txs[0].stop_reason, "EVDisconnected");
  EXPECT_EQ(txs[0].started_at, "2026-01-01T00:01:00Z");
  EXPECT_EQ(txs[0].stopped_at, "2026-01-01T00:03:00Z");
}

// Decides "LATER-*" tokens remotely, from another thread a moment later (as OCPI real-time
// authorization does): LATER-YES Accepted, any other Blocked. Other tokens: at once, Accepted.
class DeferringAuthorizer final : public csms::Authorizer {
public:
  ~DeferringAuthorizer() override {
    for (auto& t : threads_)
      t.join();
  }
  [[nodiscard]] csms::TokenVerdict authorize(std::string_view) const override { return {}; }
  bool authorize_remotely(const std::string& token, VerdictDone done) const override {
    if (token.rfind("LATER-", 0) != 0) return false;
    const std::lock_guard lock{mutex_};
    threads_.emplace_back([token, done = std::move(done)] {
      std::this_thread::sleep_for(50ms);
      csms::TokenVerdict v;
      v.status = token == "LATER-YES" ? csms::TokenVerdict::Status::accepted : csms::TokenVerdict::Status::blocked;
      done(v);
    });
    return true;
  }

private:
  mutable std::mutex mutex_;
  mutable std::vector<std::thread> threads_;
};

TEST_F(CsmsServerTest, an_authorize_decided_remotely_is_answered_when_the_verdict_comes_in_both_versions) {
  start_server();
  auto authorizer = std::make_shared<DeferringAuthorizer>();
  server_->set_authorizer("default", authorizer);
  const auto r16 = client({{"url", endpoint()},
                           {"identity", "CP-RT16"},
                           {"calls",
                            {{{"action", "Authorize"}, {"params", {{"idTag", "LATER-YES"}}}},
                             {{"action", "Authorize"}, {"params", {{"idTag", "LATER-NO"}}}},
                             {{"action", "Authorize"}, {"params", {{"idTag", "NOW"}}}},
                             {{"action", "Heartbeat"}, {"params", json::object()}}}}});
  expect_all_ok(r16);
  EXPECT_EQ(result_of(r16, "Authorize", 0)["idTagInfo"]["status"], "Accepted");
  EXPECT_EQ(result_of(r16, "Authorize", 1)["idTagInfo"]["status"], "Blocked");
  EXPECT_EQ(result_of(r16, "Authorize", 2)["idTagInfo"]["status"], "Accepted");
  const auto r201 = client(
      {{"url", endpoint()},
       {"identity", "CP-RT201"},
       {"protocols", {"ocpp2.0.1"}},
       {"calls",
        {{{"action", "Authorize"}, {"params", {{"idToken", {{"idToken", "LATER-NO"}, {"type", "ISO14443"}}}}}},
         {{"action", "Authorize"}, {"params", {{"idToken", {{"idToken", "LATER-YES"}, {"type", "ISO14443"}}}}}}}}});
  expect_all_ok(r201);
  EXPECT_EQ(result_of(r201, "Authorize", 0)["idTokenInfo"]["status"], "Blocked");
  EXPECT_EQ(result_of(r201, "Authorize", 1)["idTokenInfo"]["status"], "Accepted");
  // The tokens are recorded as any Authorize's are.
  const auto tokens = server_->list_id_tokens("default");
  EXPECT_EQ(tokens.size(), 3u);
}

TEST_F(CsmsServerTest, malformed_frames_get_ocpp_j_errors_and_the_connection_survives) {
  start_server();
  const json raw = json::array({
      "this is not json",
      R"([2,"p1","Heartbeat"])",
      R"([2,"u1","FlyToTheMoon",{}])",
      R"([2,"b1","BootNotification",{"chargePointModel":"x"}])",
      R"([2,"t1","StartTransaction",{"connectorId":"one","idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}])",
  });
  const json calls = json::array({{{"action", "Heartbeat"}, {"params", json::object()}}});
  const auto r = client({{"url", endpoint()},
                         {"identity", "CP-BAD"},
                         {"strict", false},
                         {"calls", calls},
                         {"raw", raw},
                         {"stay_ms", 1500}});
  std::map<std::string, json> errors; // message id -> CALLERROR
  for (const auto& m : events_of(r, "message")) {
    const auto frame = json::parse(m.value("data", ""), nullptr, false);
    if (frame.is_array() && frame.size() == 5 && frame[0] == 4) errors[frame[1].get<std::string>()] = frame;
  }
  ASSERT_TRUE(errors.contains("-1")) << r.stderr_text;
  EXPECT_EQ(errors["-1"][2], "FormationViolation");
  EXPECT_EQ(errors["p1"][2], "ProtocolError");
  EXPECT_EQ(errors["u1"][2], "NotImplemented");
  EXPECT_EQ(errors["b1"][2], "OccurenceConstraintViolation"); // 1.6's own spelling
  EXPECT_EQ(errors["t1"][2], "TypeConstraintViolation");
  // The connection stayed up through all of it: the client closed it itself.
  const auto closed = events_of(r, "closed");
  ASSERT_FALSE(closed.empty());
  EXPECT_EQ(closed[0]["code"], 1000);
}

TEST_F(CsmsServerTest, oversized_frames_close_that_connection_only) {
  auto options = default_options();
  options.max_frame_bytes = 4096;
  start_server(options);
  const json big = R"([2,"big","DataTransfer",{"vendorId":"x","data":")" + std::string(8000, 'a') + R"("}])";
  const auto r = client({{"url", endpoint()},
                         {"identity", "CP-BIG"},
                         {"strict", false},
                         {"calls", json::array()},
                         {"raw", json::array({big})},
                         {"stay_ms", 3000}});
  const auto closed = events_of(r, "closed");
  ASSERT_FALSE(closed.empty());
  EXPECT_EQ(closed[0]["code"], 1009); // "message too big"
  // Others are served as before.
  expect_all_ok(client({{"url", endpoint()}, {"identity", "CP-NEXT"}}));
}

TEST_F(CsmsServerTest, upgrades_without_an_ocpp_subprotocol_or_to_unknown_paths_are_refused) {
  start_server();
  EXPECT_EQ(upgrade_status("/ocpp/CP-1", "Sec-WebSocket-Protocol: ocpp1.5\r\n").substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(upgrade_status("/ocpp/CP-1", "").substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(upgrade_status("/elsewhere/CP-1", "Sec-WebSocket-Protocol: ocpp1.6\r\n").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(upgrade_status("/ocpp/CP-1", "Sec-WebSocket-Protocol: ocpp1.6\r\n").substr(0, 12), "HTTP/1.1 101");
  EXPECT_FALSE(server_->station("default", "never"));
}

TEST_F(CsmsServerTest, security_profile_1_checks_basic_auth_on_the_default_path) {
  auto options = default_options();
  options.password = "s3cret-pw";
  start_server(options);
  EXPECT_EQ(upgrade_status("/ocpp/CP-P", "Sec-WebSocket-Protocol: ocpp1.6\r\n").substr(0, 12), "HTTP/1.1 401");
  const auto wrong = client({{"url", endpoint()}, {"identity", "CP-P"}, {"password", "nope"}});
  EXPECT_EQ(wrong.exit_code, 3);
  expect_all_ok(client({{"url", endpoint()}, {"identity", "CP-P"}, {"password", "s3cret-pw"}}));
  EXPECT_EQ(server_->station("default", "CP-P")->boot_status, "Accepted");
}

TEST_F(CsmsServerTest, a_cpo_backend_accepts_only_its_registered_identities) {
  start_server();
  EXPECT_EQ(client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-A"}}).exit_code, 3); // no such CPO yet
  server_->register_cpo("acme", {"CP-A"});
  EXPECT_TRUE(server_->cpo_registered("acme"));
  EXPECT_EQ(upgrade_status("/cpos/acme/CP-B", "Sec-WebSocket-Protocol: ocpp1.6\r\n").substr(0, 12), "HTTP/1.1 403");
  EXPECT_EQ(upgrade_status("/cpos/other/CP-A", "Sec-WebSocket-Protocol: ocpp1.6\r\n").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-B"}}).exit_code, 3);
  expect_all_ok(client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-A"}}));
  server_->add_identities("acme", {"CP-B"});
  expect_all_ok(client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-B"}}));
  // Each backend keeps its own state.
  EXPECT_EQ(server_->list_stations("acme").size(), 2u);
  EXPECT_TRUE(server_->list_stations("default").empty());
  EXPECT_THROW(server_->register_cpo("default", {}), std::invalid_argument);
}

TEST_F(CsmsServerTest, unregistering_a_cpo_drops_its_live_connections) {
  start_server();
  server_->register_cpo("gone", {"CP-G"});
  auto running = client_async({{"url", endpoint("/cpos/gone")}, {"identity", "CP-G"}, {"stay_ms", 20000}});
  ASSERT_TRUE(eventually([&] { return connected("gone", "CP-G"); }));
  const auto t0 = std::chrono::steady_clock::now();
  server_->unregister_cpo("gone");
  ASSERT_EQ(running.wait_for(10s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  const auto r = running.get();
  ASSERT_FALSE(events_of(r, "closed").empty());
  EXPECT_EQ(events_of(r, "closed")[0]["code"], 1001);
  EXPECT_FALSE(connected("gone", "CP-G"));
  EXPECT_FALSE(server_->cpo_registered("gone"));
  EXPECT_EQ(client({{"url", endpoint("/cpos/gone")}, {"identity", "CP-G"}}).exit_code, 3);
  EXPECT_EQ(server_->list_stations("gone").size(), 1u); // the record stays
}

TEST_F(CsmsServerTest, a_second_connection_of_an_identity_replaces_the_first) {
  start_server();
  auto first = client_async({{"url", endpoint()}, {"identity", "CP-DUP"}, {"stay_ms", 20000}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-DUP"); }));
  expect_all_ok(client({{"url", endpoint()}, {"identity", "CP-DUP"}}));
  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(events_of(first.get(), "closed").empty());
}

} // namespace
} // namespace ocppfleet::testing

namespace ocppfleet::testing {
namespace {

TEST_F(CsmsServerTest, malformed_frames_on_2_0_1_get_the_2_0_1_error_spellings) {
  start_server();
  const json raw = json::array({
      "[not json",
      R"([9,"x9",{}])",
      R"([2,"u2","FlyToTheMoon",{}])",
      R"([2,"b2","BootNotification",{"reason":"PowerUp"}])",
      R"([2,"s2","StatusNotification",{"timestamp":"2026-01-01T00:00:00Z","connectorStatus":"Dancing","evseId":1,"connectorId":1}])",
  });
  const auto r = client({{"url", endpoint()},
                         {"identity", "CP-BAD2"},
                         {"protocols", {"ocpp2.0.1"}},
                         {"strict", false},
                         {"calls", json::array()},
                         {"raw", raw},
                         {"stay_ms", 1500}});
  std::vector<json> errors;
  for (const auto& m : events_of(r, "message")) {
    const auto frame = json::parse(m.value("data", ""), nullptr, false);
    if (frame.is_array() && frame.size() == 5 && frame[0] == 4) errors.push_back(frame);
  }
  ASSERT_EQ(errors.size(), 5u) << r.stderr_text;
  EXPECT_EQ(errors[0][1], "-1");
  EXPECT_EQ(errors[0][2], "FormatViolation");
  EXPECT_EQ(errors[1][2], "MessageTypeNotSupported");
  EXPECT_EQ(errors[2][2], "NotImplemented");
  EXPECT_EQ(errors[3][1], "b2");
  EXPECT_EQ(errors[3][2], "OccurrenceConstraintViolation");
  EXPECT_EQ(errors[4][2], "PropertyConstraintViolation");
  ASSERT_FALSE(events_of(r, "closed").empty());
  EXPECT_EQ(events_of(r, "closed")[0]["code"], 1000);
}

} // namespace
} // namespace ocppfleet::testing
