// Self-tests for the test infrastructure itself: if these fail, integration tests that use
// the strict CSMS peer or the schema validator cannot be trusted.

#include <gtest/gtest.h>

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "support/node_csms_peer.hpp"
#include "support/ocpp_schema_validator.hpp"

namespace ocppfleet::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

json boot16(std::string vendor = "ocppfleet", std::string model = "sim") {
  return {{"chargePointVendor", std::move(vendor)}, {"chargePointModel", std::move(model)}};
}

json boot201() { return {{"reason", "PowerUp"}, {"chargingStation", {{"model", "sim"}, {"vendorName", "ocppfleet"}}}}; }

// Expects an error that mentions every fragment (e.g. the failing path).
void expect_error(const std::optional<std::string>& err, std::initializer_list<std::string> fragments) {
  ASSERT_TRUE(err.has_value()) << "expected a validation error";
  for (const auto& f : fragments)
    EXPECT_NE(err->find(f), std::string::npos) << "'" << f << "' not in: " << *err;
}

// ------------------------------------------------------------------ validator ------

TEST(OcppSchemaValidator, V16BootNotificationRequest) {
  const auto& v = OcppSchemaValidator::v16();
  EXPECT_EQ(v.validate_request("BootNotification", boot16()), std::nullopt);

  json missing = boot16();
  missing.erase("chargePointModel");
  expect_error(v.validate_request("BootNotification", missing), {"BootNotification.req", "chargePointModel"});

  json extra = boot16();
  extra["colour"] = "red";
  expect_error(v.validate_request("BootNotification", extra), {"colour"});

  // chargePointVendor is CiString20Type.
  expect_error(v.validate_request("BootNotification", boot16(std::string(21, 'v'))), {"/chargePointVendor"});
  EXPECT_EQ(v.validate_request("BootNotification", boot16(std::string(20, 'v'))), std::nullopt);

  expect_error(v.validate_request("BootNotification", json{{"chargePointVendor", 5}, {"chargePointModel", "m"}}),
               {"/chargePointVendor"});
}

TEST(OcppSchemaValidator, V16BootNotificationResponseEnumAndDateTime) {
  const auto& v = OcppSchemaValidator::v16();
  const json ok = {{"status", "Accepted"}, {"currentTime", "2024-02-29T23:59:59.123+01:00"}, {"interval", 300}};
  EXPECT_EQ(v.validate_response("BootNotification", ok), std::nullopt);

  json bad_enum = ok;
  bad_enum["status"] = "Maybe";
  expect_error(v.validate_response("BootNotification", bad_enum), {"/status"});

  for (const char* bad : {"2024-01-01T00:00:00",      // no offset (ocpp-rpc accepts this)
                          "2024-01-01 00:00:00Z",     // space separator (ocpp-rpc accepts)
                          "2024-01-01T00:00:00+0100", // offset without colon (ocpp-rpc accepts)
                          "2023-02-29T00:00:00Z",     // not a leap year
                          "2024-01-01T24:00:00Z", "yesterday", "2024-1-01T00:00:00Z"}) {
    json bad_time = ok;
    bad_time["currentTime"] = bad;
    expect_error(v.validate_response("BootNotification", bad_time), {"/currentTime", "date-time"});
  }
  for (const char* good : {"2024-01-01T00:00:00Z", "2024-01-01t00:00:00z", "2024-12-31T23:59:60.5-05:30"}) {
    json t = ok;
    t["currentTime"] = good;
    EXPECT_EQ(v.validate_response("BootNotification", t), std::nullopt) << good;
  }
  json fractional_interval = ok;
  fractional_interval["interval"] = 1.5;
  expect_error(v.validate_response("BootNotification", fractional_interval), {"/interval"});
}

TEST(OcppSchemaValidator, V16NestedPathsUriAndMultipleOf) {
  const auto& v = OcppSchemaValidator::v16();
  expect_error(v.validate_response("Authorize", json{{"idTagInfo", {{"status", "Nope"}}}}), {"/idTagInfo/status"});

  EXPECT_EQ(v.validate_request("GetDiagnostics", json{{"location", "ftp://diag.example/upload"}}), std::nullopt);
  expect_error(v.validate_request("GetDiagnostics", json{{"location", "not a uri"}}), {"/location", "URI"});

  // multipleOf 0.1 with ocpp-rpc's tolerance: 123.4 must pass (valijson alone rejects it).
  auto schedule = [](double limit) {
    return json{{"status", "Accepted"},
                {"chargingSchedule",
                 {{"chargingRateUnit", "W"},
                  {"chargingSchedulePeriod", json::array({{{"startPeriod", 0}, {"limit", limit}}})}}}};
  };
  EXPECT_EQ(v.validate_response("GetCompositeSchedule", schedule(123.4)), std::nullopt);
  EXPECT_EQ(v.validate_response("GetCompositeSchedule", schedule(16)), std::nullopt);
  expect_error(v.validate_response("GetCompositeSchedule", schedule(10.05)),
               {"/chargingSchedule/chargingSchedulePeriod/0/limit", "multiple"});
}

TEST(OcppSchemaValidator, UnknownActionIsAnError) {
  expect_error(OcppSchemaValidator::v16().validate_request("TransactionEvent", json::object()), {"TransactionEvent"});
  expect_error(OcppSchemaValidator::v201().validate_request("StartTransaction", json::object()), {"StartTransaction"});
  expect_error(OcppSchemaValidator::v16().validate_response("NoSuchThing", json::object()), {"NoSuchThing"});
}

TEST(OcppSchemaValidator, V201BootNotification) {
  const auto& v = OcppSchemaValidator::v201();
  EXPECT_EQ(&v, &OcppSchemaValidator::for_subprotocol("ocpp2.0.1"));
  EXPECT_EQ(v.validate_request("BootNotification", boot201()), std::nullopt);

  json missing = boot201();
  missing["chargingStation"].erase("model");
  expect_error(v.validate_request("BootNotification", missing), {"/chargingStation", "model"});

  json extra = boot201();
  extra["chargingStation"]["colour"] = "red";
  expect_error(v.validate_request("BootNotification", extra), {"colour"});

  json too_long = boot201();
  too_long["chargingStation"]["vendorName"] = std::string(51, 'v'); // string[0..50]
  expect_error(v.validate_request("BootNotification", too_long), {"/chargingStation/vendorName"});

  json bad_enum = boot201();
  bad_enum["reason"] = "Because";
  expect_error(v.validate_request("BootNotification", bad_enum), {"/reason"});

  EXPECT_EQ(v.validate_response("Heartbeat", json{{"currentTime", "2024-05-01T12:00:00.000Z"}}), std::nullopt);
  expect_error(v.validate_response("Heartbeat", json{{"currentTime", "2024-05-01T12:00:00"}}), {"/currentTime"});
  expect_error(v.validate_response("Heartbeat", json{{"currentTime", "2024-13-01T12:00:00Z"}}), {"/currentTime"});
}

TEST(OcppSchemaValidator, Frames) {
  const auto& v = OcppSchemaValidator::v16();
  const std::string boot = R"([2,"19223201","BootNotification",{"chargePointVendor":"v","chargePointModel":"m"}])";
  EXPECT_EQ(v.validate_frame(boot, true), std::nullopt);
  expect_error(v.validate_frame(boot, false), {"may not be sent by the CSMS"});
  expect_error(v.validate_frame(R"([2,"1","RemoteStartTransaction",{"idTag":"A"}])", true), {"charging station"});
  EXPECT_EQ(v.validate_frame(R"([2,"1","RemoteStartTransaction",{"idTag":"A"}])", false), std::nullopt);
  EXPECT_EQ(v.validate_frame(R"([2,"1","DataTransfer",{"vendorId":"x"}])", false), std::nullopt);
  expect_error(v.validate_frame(R"([2,"1","BootNotification",{"chargePointVendor":"v"}])", true), {"chargePointModel"});
  expect_error(v.validate_frame(R"([2,")" + std::string(37, 'x') + R"(","Heartbeat",{}])", true), {"message id"});
  expect_error(v.validate_frame("garbage", true), {"JSON"});
  expect_error(v.validate_frame(R"([2,"1","Heartbeat"])", true), {"4 elements"});
  expect_error(v.validate_frame(R"([5,"1",{}])", true), {"message type"});

  const std::string result = R"([3,"1",{"currentTime":"2024-01-01T00:00:00Z"}])";
  EXPECT_EQ(v.validate_frame(result, false), std::nullopt);
  EXPECT_EQ(v.validate_frame(result, false, "Heartbeat"), std::nullopt);
  expect_error(v.validate_frame(result, false, "BootNotification"), {"status"});

  EXPECT_EQ(v.validate_frame(R"([4,"1","FormationViolation","bad",{}])", true), std::nullopt);
  // What ocpp-rpc answers to garbage, even on 1.6 where RpcFrameworkError does not exist.
  expect_error(v.validate_frame(R"([4,"-1","RpcFrameworkError","Message must be a JSON structure",{}])", false),
               {"RpcFrameworkError"});
  EXPECT_EQ(OcppSchemaValidator::v201().validate_frame(R"([4,"-1","RpcFrameworkError","x",{}])", false), std::nullopt);
  expect_error(OcppSchemaValidator::v201().validate_frame(R"([4,"1","FormationViolation","x",{}])", true),
               {"FormationViolation"});
}

TEST(OcppSchemaValidator, DirectionTablesCoverEveryAction) {
  for (const auto* v : {&OcppSchemaValidator::v16(), &OcppSchemaValidator::v201()}) {
    const auto actions = v->actions();
    EXPECT_GT(actions.size(), 30u);
    for (const auto& a : actions) {
      EXPECT_TRUE(v->initiated_by_charger(a) || v->initiated_by_csms(a)) << v->subprotocol() << " " << a;
      // Every schema parses and runs without valijson throwing.
      for (const auto& err : {v->validate_request(a, json::object()), v->validate_response(a, json::object())}) {
        EXPECT_TRUE(!err || err->find("validator error") == std::string::npos) << *err;
      }
    }
  }
}

// ------------------------------------------------------------------ peer -----------

TEST(NodeCsmsPeer, StartsOnFreePortAndLeavesNoProcess) {
  auto a = NodeCsmsPeer::start({});
  auto b = NodeCsmsPeer::start({});
  EXPECT_GT(a->port(), 0);
  EXPECT_NE(a->port(), b->port());
  EXPECT_EQ(a->ws_url(), "ws://127.0.0.1:" + std::to_string(a->port()));
  const pid_t pid_a = a->pid();
  const pid_t pid_b = b->pid();
  EXPECT_TRUE(process_alive(pid_a));
  a.reset();
  b.reset();
  // Reaped by the destructor: the pid no longer exists (not even as a zombie).
  EXPECT_EQ(::kill(pid_a, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_EQ(::kill(pid_b, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(NodeCsmsPeer, DeadPeerFailsFastInsteadOfHanging) {
  auto peer = NodeCsmsPeer::start({});
  const pid_t pid = peer->pid();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const auto started = std::chrono::steady_clock::now();
  // EOF on its stdout ends every wait early; nothing can match any more.
  EXPECT_FALSE(peer->wait_for_event(event_is("never"), 20s));
  EXPECT_TRUE(peer->exited());
  EXPECT_THROW(peer->stats(), std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  peer.reset();
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST(NodeCsmsPeer, BadOptionsMakeStartThrowWithHint) {
  PeerOptions opts;
  opts.boot_sequence = {"Maybe"};
  try {
    NodeCsmsPeer::start(opts, 10s);
    FAIL() << "start() should have thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("boot_sequence"), std::string::npos) << e.what();
  }
}

TEST(NodeCsmsPeer, ClientBootIsAnsweredPerBootSequence) {
  PeerOptions opts;
  opts.boot_sequence = {"Pending", "Accepted"};
  opts.heartbeat_interval = 42;
  opts.boot_retry_interval = 2;
  auto peer = NodeCsmsPeer::start(opts);

  const auto client = run_node_script(
      "test_client.js", {{"url", peer->ws_url()},
                         {"identity", "CP-1"},
                         {"calls", json::array({{{"action", "BootNotification"}, {"params", boot16()}},
                                                {{"action", "BootNotification"}, {"params", boot16()}},
                                                {{"action", "Heartbeat"}, {"params", json::object()}}})}});
  ASSERT_EQ(client.exit_code, 0) << client.stderr_text;

  const auto connected = peer->wait_for_event(event_is("connected", "CP-1"), kWait);
  ASSERT_TRUE(connected);
  EXPECT_EQ(connected->at("protocol"), "ocpp1.6");
  EXPECT_EQ(connected->at("remote_address"), "127.0.0.1");
  EXPECT_EQ(connected->at("headers").at("authorization"), false);

  ASSERT_TRUE(peer->wait_for_count(call_event("CP-1", "BootNotification"), 2, kWait));
  std::vector<json> boots;
  for (const auto& e : peer->events()) {
    if (call_event("CP-1", "BootNotification")(e)) boots.push_back(e);
  }
  ASSERT_EQ(boots.size(), 2u);
  EXPECT_EQ(boots[0].at("ok"), true);
  EXPECT_EQ(boots[0].at("params"), boot16());
  EXPECT_EQ(boots[0].at("response").at("status"), "Pending");
  EXPECT_EQ(boots[0].at("response").at("interval"), 2);
  EXPECT_EQ(boots[1].at("response").at("status"), "Accepted");
  EXPECT_EQ(boots[1].at("response").at("interval"), 42);
  EXPECT_FALSE(boots[0].at("message_id").get<std::string>().empty());

  // The peer's own answers must satisfy our validator too (cross-check of both sides).
  ASSERT_TRUE(peer->wait_for_event(call_event("CP-1", "Heartbeat"), kWait));
  for (const auto& e : peer->events()) {
    if (e.value("event", "") != "call") continue;
    EXPECT_EQ(OcppSchemaValidator::v16().validate_response(e.at("action").get<std::string>(), e.at("response")),
              std::nullopt)
        << e.dump();
  }

  // What the client saw matches what the peer reported.
  int responses = 0;
  for (const auto& line : client.lines) {
    if (line.value("event", "") == "response") ++responses;
  }
  EXPECT_EQ(responses, 3);
  EXPECT_TRUE(peer->wait_for_event(event_is("disconnected", "CP-1"), kWait));
  EXPECT_TRUE(peer->violations().empty());

  const json stats = peer->stats();
  EXPECT_EQ(stats.at("calls_by_action").at("BootNotification"), 2);
  EXPECT_EQ(stats.at("connected"), 0);
}

TEST(NodeCsmsPeer, ReportsStrictViolationsAndBadMessages) {
  auto peer = NodeCsmsPeer::start({});
  json invalid_boot = boot16();
  invalid_boot.erase("chargePointModel");
  const auto client = run_node_script(
      "test_client.js", {{"url", peer->ws_url()},
                         {"identity", "CP-BAD"},
                         {"calls", json::array({{{"action", "BootNotification"}, {"params", invalid_boot}}})},
                         {"raw", json::array({"this is not json"})}});
  ASSERT_EQ(client.exit_code, 0) << client.stderr_text;

  const auto violation = peer->wait_for_event(event_is("strict_violation", "CP-BAD"), kWait);
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->at("direction"), "inbound");
  EXPECT_EQ(violation->at("action"), "BootNotification");
  EXPECT_NE(violation->at("error").get<std::string>().find("chargePointModel"), std::string::npos);

  const auto call = peer->wait_for_event(call_event("CP-BAD", "BootNotification"), kWait);
  ASSERT_TRUE(call);
  EXPECT_EQ(call->at("ok"), false);
  EXPECT_EQ(call->at("error").at("code"), "OccurrenceConstraintViolation");

  const auto bad = peer->wait_for_event(event_is("bad_message", "CP-BAD"), kWait);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->at("message"), "this is not json");
  EXPECT_EQ(bad->at("response").at(1), "-1"); // ocpp-rpc answers garbage with message id "-1"
  EXPECT_EQ(peer->violations().size(), 1u);
}

TEST(NodeCsmsPeer, CommandsReachConnectedChargerAndCloseAllDisconnects) {
  auto peer = NodeCsmsPeer::start({});

  const json unknown = peer->call("nobody", "Reset", {{"type", "Hard"}}, 2s);
  EXPECT_EQ(unknown.at("ok"), false);
  EXPECT_EQ(unknown.at("error").at("code"), "UnknownIdentity");
  const json bogus = peer->command({{"cmd", "no_such_command"}});
  EXPECT_EQ(bogus.at("ok"), false);

  NodeScriptResult client;
  std::thread runner([&] {
    client = run_node_script("test_client.js", {{"url", peer->ws_url()},
                                                {"identity", "CP-2"},
                                                {"handlers", {{"Reset", {{"status", "Accepted"}}}}},
                                                {"stay_ms", 8000}});
  });
  const auto connected = peer->wait_for_event(event_is("connected", "CP-2"), kWait);
  ASSERT_TRUE(connected);
  ASSERT_TRUE(peer->wait_for_event(call_event("CP-2", "BootNotification"), kWait));

  const json reset = peer->call("CP-2", "Reset", {{"type", "Hard"}});
  EXPECT_EQ(reset.at("ok"), true) << reset.dump();
  EXPECT_EQ(reset.at("result"), json({{"status", "Accepted"}}));

  // The peer refuses to send an invalid CALL of its own and reports it.
  const json invalid = peer->call("CP-2", "Reset", {{"type", "Sideways"}});
  EXPECT_EQ(invalid.at("ok"), false);
  ASSERT_TRUE(peer->wait_for_event(
      [](const json& e) {
        return e.value("event", "") == "strict_violation" && e.value("direction", "") == "outbound";
      },
      kWait));

  EXPECT_EQ(peer->stats().at("identities"), json::array({"CP-2"}));
  const json closed = peer->close_all(1001);
  EXPECT_EQ(closed.at("ok"), true);
  const auto disconnected = peer->wait_for_event(event_is("disconnected", "CP-2"), kWait);
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->at("code"), 1001);
  runner.join();
  EXPECT_EQ(client.exit_code, 0) << client.stderr_text;
}

TEST(NodeCsmsPeer, UnansweredCallTimesOut) {
  auto peer = NodeCsmsPeer::start({});
  NodeScriptResult client;
  std::thread runner([&] {
    client = run_node_script("test_client.js",
                             {{"url", peer->ws_url()}, {"identity", "CP-S"}, {"silent", {"Reset"}}, {"stay_ms", 8000}});
  });
  ASSERT_TRUE(peer->wait_for_event(call_event("CP-S", "BootNotification"), kWait));
  const json reset = peer->call("CP-S", "Reset", {{"type", "Soft"}}, 300ms);
  EXPECT_EQ(reset.at("ok"), false);
  EXPECT_EQ(reset.at("error").at("code"), "TimeoutError") << reset.dump();
  peer->close("CP-S");
  runner.join();
  EXPECT_EQ(client.exit_code, 0) << client.stderr_text;
}

TEST(NodeCsmsPeer, TerminateDropsTcpWithoutCloseHandshake) {
  auto peer = NodeCsmsPeer::start({});
  NodeScriptResult client;
  std::thread runner([&] {
    client = run_node_script("test_client.js", {{"url", peer->ws_url()}, {"identity", "CP-T"}, {"stay_ms", 8000}});
  });
  ASSERT_TRUE(peer->wait_for_event(call_event("CP-T", "BootNotification"), kWait));
  EXPECT_EQ(peer->close_all(1000, /*terminate=*/true).at("ok"), true);
  const auto disconnected = peer->wait_for_event(event_is("disconnected", "CP-T"), kWait);
  ASSERT_TRUE(disconnected);
  EXPECT_EQ(disconnected->at("code"), 1006); // abnormal closure: no close frame exchanged
  runner.join();
  EXPECT_FALSE(client.timed_out);
}

TEST(NodeCsmsPeer, BasicAuthAndV201) {
  PeerOptions opts;
  opts.protocols = {"ocpp2.0.1"};
  opts.basic_auth_password = "s3cret-pass";
  auto peer = NodeCsmsPeer::start(opts);

  const auto rejected = run_node_script(
      "test_client.js",
      {{"url", peer->ws_url()}, {"identity", "CS-1"}, {"protocols", {"ocpp2.0.1"}}, {"password", "nope"}});
  EXPECT_EQ(rejected.exit_code, 3);
  const auto auth = peer->wait_for_event(event_is("auth_rejected", "CS-1"), kWait);
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->at("reason"), "wrong_password");
  EXPECT_EQ(auth->at("status"), 401);

  const auto accepted = run_node_script(
      "test_client.js",
      {{"url", peer->ws_url()},
       {"identity", "CS-1"},
       {"protocols", {"ocpp2.0.1"}},
       {"password", "s3cret-pass"},
       {"calls", json::array({{{"action", "BootNotification"}, {"params", boot201()}},
                              {{"action", "Authorize"},
                               {"params", {{"idToken", {{"idToken", "T1"}, {"type", "ISO14443"}}}}}}})}});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.stderr_text;
  const auto connected = peer->wait_for_event(event_is("connected", "CS-1"), kWait);
  ASSERT_TRUE(connected);
  EXPECT_EQ(connected->at("protocol"), "ocpp2.0.1");
  EXPECT_EQ(connected->at("headers").at("authorization"), true);
  const auto boot = peer->wait_for_event(call_event("CS-1", "BootNotification"), kWait);
  ASSERT_TRUE(boot);
  EXPECT_EQ(boot->at("response").at("status"), "Accepted");
  EXPECT_EQ(OcppSchemaValidator::v201().validate_response("BootNotification", boot->at("response")), std::nullopt);
  const auto authz = peer->wait_for_event(call_event("CS-1", "Authorize"), kWait);
  ASSERT_TRUE(authz);
  EXPECT_EQ(OcppSchemaValidator::v201().validate_response("Authorize", authz->at("response")), std::nullopt);

  for (const auto& e : peer->events()) {
    EXPECT_EQ(e.dump().find("s3cret-pass"), std::string::npos) << "password leaked: " << e.dump();
  }
  EXPECT_TRUE(peer->violations().empty());
}

} // namespace
} // namespace ocppfleet::testing
