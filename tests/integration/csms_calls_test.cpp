// CSMS-initiated calls to the strict ocpp-rpc client: answers come back, the client's strict
// mode accepted our requests (else it answers a CALLERROR), timeouts and lost connections.
#include "csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

// Waits for the callback's outcome.
struct Outcome {
  std::promise<csms::CallOutcome> promise;
  std::future<csms::CallOutcome> future = promise.get_future();
  csms::CallCallback callback() {
    return [this](csms::CallOutcome o) { promise.set_value(std::move(o)); };
  }
  csms::CallOutcome get(std::chrono::milliseconds timeout = 15s) {
    if (future.wait_for(timeout) != std::future_status::ready)
      return csms::CallFailure{csms::CallFailureKind::Timeout, "TestTimeout", "the callback never came", {}};
    return future.get();
  }
};

json result_or_fail(const csms::CallOutcome& o) {
  if (const auto* f = std::get_if<csms::CallFailure>(&o)) {
    ADD_FAILURE() << "call failed: " << f->code << " " << f->description;
    return {};
  }
  return std::get<json>(o);
}

csms::CallFailure failure_or_fail(const csms::CallOutcome& o) {
  if (const auto* f = std::get_if<csms::CallFailure>(&o)) return *f;
  ADD_FAILURE() << "call unexpectedly answered: " << std::get<json>(o).dump();
  return {};
}

TEST_F(CsmsServerTest, v16_remote_start_and_other_commands_return_the_stations_answers) {
  start_server();
  auto running = client_async({{"url", endpoint()},
                               {"identity", "CP-R"},
                               {"handlers",
                                {{"RemoteStartTransaction", {{"status", "Accepted"}}},
                                 {"RemoteStopTransaction", {{"status", "Rejected"}}},
                                 {"UnlockConnector", {{"status", "Unlocked"}}},
                                 {"ChangeAvailability", {{"status", "Scheduled"}}},
                                 {"Reset", {{"status", "Accepted"}}}}},
                               {"stay_ms", 8000}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-R"); }));
  Outcome start, stop, unlock, availability, reset;
  // Issued back to back: one is in flight at a time, the rest wait their turn.
  server_->remote_start("default", "CP-R", 1, "TAG-R", start.callback());
  server_->remote_stop("default", "CP-R", "17", stop.callback());
  server_->unlock_connector("default", "CP-R", 1, 1, unlock.callback());
  server_->change_availability("default", "CP-R", 0, false, availability.callback());
  server_->reset("default", "CP-R", true, reset.callback());
  EXPECT_EQ(result_or_fail(start.get())["status"], "Accepted");
  EXPECT_EQ(result_or_fail(stop.get())["status"], "Rejected");
  EXPECT_EQ(result_or_fail(unlock.get())["status"], "Unlocked");
  EXPECT_EQ(result_or_fail(availability.get())["status"], "Scheduled");
  EXPECT_EQ(result_or_fail(reset.get())["status"], "Accepted");
  const auto r = running.get();
  std::vector<json> inbound = events_of(r, "inbound_call");
  ASSERT_EQ(inbound.size(), 5u);
  EXPECT_EQ(inbound[0]["action"], "RemoteStartTransaction");
  EXPECT_EQ(inbound[0]["params"]["idTag"], "TAG-R");
  EXPECT_EQ(inbound[0]["params"]["connectorId"], 1);
  EXPECT_EQ(inbound[1]["params"]["transactionId"], 17);
  EXPECT_EQ(inbound[3]["params"]["type"], "Inoperative");
  EXPECT_EQ(inbound[4]["params"]["type"], "Hard");
}

TEST_F(CsmsServerTest, v201_request_start_and_stop_are_built_for_2_0_1) {
  start_server();
  auto running = client_async({{"url", endpoint()},
                               {"identity", "CP-R2"},
                               {"protocols", {"ocpp2.0.1"}},
                               {"handlers",
                                {{"RequestStartTransaction", {{"status", "Accepted"}, {"transactionId", "T-9"}}},
                                 {"RequestStopTransaction", {{"status", "Accepted"}}}}},
                               {"stay_ms", 6000}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-R2"); }));
  Outcome start, stop;
  server_->remote_start("default", "CP-R2", 2, "TAG-2", start.callback());
  server_->remote_stop("default", "CP-R2", "T-9", stop.callback());
  const auto started = result_or_fail(start.get());
  EXPECT_EQ(started["status"], "Accepted");
  EXPECT_EQ(started["transactionId"], "T-9");
  EXPECT_EQ(result_or_fail(stop.get())["status"], "Accepted");
  const auto inbound = events_of(running.get(), "inbound_call");
  ASSERT_EQ(inbound.size(), 2u);
  EXPECT_EQ(inbound[0]["params"]["idToken"]["idToken"], "TAG-2");
  EXPECT_EQ(inbound[0]["params"]["idToken"]["type"], "Central");
  EXPECT_EQ(inbound[0]["params"]["evseId"], 2);
  EXPECT_EQ(inbound[1]["params"]["transactionId"], "T-9");
}

TEST_F(CsmsServerTest, an_unanswered_call_times_out_and_a_lost_connection_fails_the_rest) {
  auto options = default_options();
  options.call_timeout = 400ms;
  start_server(options);
  auto running = client_async({{"url", endpoint()}, {"identity", "CP-S"}, {"silent", {"Reset"}}, {"stay_ms", 2500}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-S"); }));
  Outcome timed_out;
  const auto t0 = std::chrono::steady_clock::now();
  server_->reset("default", "CP-S", false, timed_out.callback());
  const auto f = failure_or_fail(timed_out.get());
  EXPECT_EQ(f.kind, csms::CallFailureKind::Timeout);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 350ms);

  // With a long timeout, the client leaving first is what ends the call.
  running.get();
  ASSERT_TRUE(eventually([&] { return !connected("default", "CP-S"); }));
  Outcome not_connected;
  server_->reset("default", "CP-S", false, not_connected.callback());
  EXPECT_EQ(failure_or_fail(not_connected.get()).kind, csms::CallFailureKind::NotConnected);
}

TEST_F(CsmsServerTest, a_call_in_flight_fails_with_connection_lost_when_the_station_leaves) {
  start_server(); // 30 s default timeout: only the disconnect can end the call in time
  auto running = client_async({{"url", endpoint()}, {"identity", "CP-L"}, {"silent", {"Reset"}}, {"stay_ms", 1500}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-L"); }));
  Outcome lost, queued;
  server_->reset("default", "CP-L", true, lost.callback());
  server_->reset("default", "CP-L", false, queued.callback());
  EXPECT_EQ(failure_or_fail(lost.get()).kind, csms::CallFailureKind::ConnectionLost);
  EXPECT_EQ(failure_or_fail(queued.get()).kind, csms::CallFailureKind::ConnectionLost);
  running.get();
}

TEST_F(CsmsServerTest, a_1_6_transaction_id_that_is_not_an_integer_is_refused_before_sending) {
  start_server();
  auto running = client_async({{"url", endpoint()}, {"identity", "CP-I"}, {"stay_ms", 3000}});
  ASSERT_TRUE(eventually([&] { return connected("default", "CP-I"); }));
  Outcome invalid;
  server_->remote_stop("default", "CP-I", "abc", invalid.callback());
  EXPECT_EQ(failure_or_fail(invalid.get()).kind, csms::CallFailureKind::Invalid);
  running.get();
}

} // namespace
} // namespace ocppfleet::testing
