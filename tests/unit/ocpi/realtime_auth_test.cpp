// Real-time authorization (ocpi/realtime_authorizer, ocpi/token_authority): which tokens the
// eMSP is asked about, how its AuthorizationInfo is read, and a round trip against a loopback
// eMSP: the answer decides, is remembered for the start that follows, and hands over the
// authorization_reference; an eMSP that cannot be reached leaves the token's offline answer.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "control-api/http/errors.hpp"
#include "control-api/http/http_server.hpp"
#include "control-api/http/router.hpp"
#include "ocpi/realtime_authorizer.hpp"
#include "ocpi/token_authority.hpp"
#include "tests/unit/ocpi/loopback_http.hpp"

namespace ocppfleet::ocpi {
namespace {

using namespace std::chrono_literals;
using Status = TokenDecision::Status;
using Allowed = RealtimeAnswer::Allowed;

TokenEntry entry(std::string uid, std::string whitelist, bool valid = true) {
  TokenEntry e;
  e.country_code = "NL";
  e.party_id = "EMS";
  e.uid = std::move(uid);
  e.type = "RFID";
  e.whitelist = std::move(whitelist);
  e.valid = valid;
  return e;
}

TEST(OcpiRealtimeAuthorization, never_and_allowed_offline_tokens_ask_the_emsp_with_their_offline_answer) {
  CpoTokens t;
  t.put(entry("NEVER-1", "NEVER"));
  t.put(entry("OFFLINE-1", "ALLOWED_OFFLINE"));
  t.put(entry("ALLOWED-1", "ALLOWED"));
  t.put(entry("NEVER-BLOCKED", "NEVER", false));
  const auto never = t.decide("NEVER-1");
  EXPECT_EQ(never.status, Status::invalid);
  EXPECT_EQ(never.realtime_type, "RFID");
  const auto offline = t.decide("OFFLINE-1");
  EXPECT_EQ(offline.status, Status::accepted);
  EXPECT_EQ(offline.realtime_type, "RFID");
  EXPECT_EQ(t.decide("ALLOWED-1").realtime_type, "") << "ALLOWED is decided here";
  EXPECT_EQ(t.decide("NEVER-BLOCKED").status, Status::blocked) << "an invalid token is refused without asking";
  EXPECT_EQ(t.decide("NEVER-BLOCKED").realtime_type, "");
  EXPECT_EQ(t.decide("UNKNOWN").realtime_type, "");
}

TEST(OcpiRealtimeAuthorization, a_remembered_answer_decides_until_it_lapses_or_the_token_is_pushed_again) {
  CpoTokens t;
  const auto now = CpoTokens::Clock::now();
  t.put(entry("OFFLINE-1", "ALLOWED_OFFLINE"));
  t.grant("OFFLINE-1", now + 10min, std::nullopt, Status::blocked);
  EXPECT_EQ(t.decide("OFFLINE-1", now).status, Status::blocked);
  EXPECT_EQ(t.decide("OFFLINE-1", now).realtime_type, "") << "no second question while the answer holds";
  EXPECT_EQ(t.decide("OFFLINE-1", now + 11min).status, Status::accepted);
  t.put(entry("OFFLINE-1", "ALLOWED_OFFLINE"));
  EXPECT_EQ(t.decide("OFFLINE-1", now).realtime_type, "RFID") << "a token pushed again is asked about afresh";
  t.grant("NEVER-2", now + 10min, "REF-2");
  EXPECT_EQ(t.reference_of("NEVER-2", now), "REF-2");
  EXPECT_EQ(t.reference_of("NEVER-2", now + 11min), std::nullopt);
}

TEST(OcpiRealtimeAuthorization, authorization_info_is_read_from_the_envelope) {
  const auto a = read_authorization_info(
      200, R"({"data":{"allowed":"ALLOWED","token":{},"authorization_reference":"REF-1"},"status_code":1000})");
  EXPECT_EQ(a.allowed, Allowed::allowed);
  EXPECT_EQ(a.authorization_reference, "REF-1");
  EXPECT_EQ(read_authorization_info(200, R"({"data":{"allowed":"BLOCKED"},"status_code":1000})").allowed,
            Allowed::blocked);
  EXPECT_EQ(read_authorization_info(200, R"({"data":{"allowed":"EXPIRED"},"status_code":1000})").allowed,
            Allowed::expired);
  EXPECT_EQ(read_authorization_info(200, R"({"data":{"allowed":"NO_CREDIT"},"status_code":1000})").allowed,
            Allowed::no_credit);
  EXPECT_EQ(read_authorization_info(404, R"({"data":null,"status_code":2004})").allowed, Allowed::unknown);
  EXPECT_EQ(read_authorization_info(200, R"({"data":null,"status_code":2004})").allowed, Allowed::unknown);
  EXPECT_EQ(read_authorization_info(500, R"({"status_code":3000})").allowed, Allowed::unreachable);
  EXPECT_EQ(read_authorization_info(200, "not json").allowed, Allowed::unreachable);
  EXPECT_EQ(read_authorization_info(200, R"({"data":{"allowed":"MAYBE"},"status_code":1000})").allowed,
            Allowed::unreachable);
  EXPECT_EQ(read_authorization_info(200, R"({"data":{},"status_code":1000})").allowed, Allowed::unreachable);
  const auto long_ref = read_authorization_info(200, R"({"data":{"allowed":"ALLOWED","authorization_reference":")" +
                                                         std::string(37, 'x') + R"("},"status_code":1000})");
  EXPECT_EQ(long_ref.allowed, Allowed::allowed);
  EXPECT_EQ(long_ref.authorization_reference, std::nullopt) << "longer than the spec's 36 characters: dropped";
}

TEST(OcpiRealtimeAuthorization, the_uid_is_one_path_segment_and_the_type_a_query_parameter) {
  EXPECT_EQ(authorize_url("http://e/2.2.1/tokens/", "A B/1", "RFID"),
            "http://e/2.2.1/tokens/A%20B%2F1/authorize?type=RFID");
  const auto target = realtime_target_of(
      R"([{"identifier":"tokens","role":"RECEIVER","url":"http://x/r"},{"identifier":"tokens","role":"SENDER","url":"http://x/s"}])",
      "tok", false);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->tokens_url, "http://x/s");
  EXPECT_EQ(target->authorization, "Token tok");
  EXPECT_FALSE(realtime_target_of(R"([{"identifier":"locations","role":"RECEIVER","url":"http://x/l"}])", "t", true));
}

// A loopback eMSP answering POST /tokens/{uid}/authorize with `allowed` (and a reference).
class AuthorizingEmsp {
public:
  std::string tokens_url() const { return http_.base() + "/tokens"; }
  void answer(std::string allowed) {
    const std::lock_guard lock{mutex_};
    allowed_ = std::move(allowed);
  }
  std::vector<std::string> asked() {
    const std::lock_guard lock{mutex_};
    return asked_;
  }

private:
  void authorize(http::HttpRequest& req, http::Responder res) {
    const std::lock_guard lock{mutex_};
    asked_.push_back(req.path_params.at("uid") + "?type=" + req.query_param("type").value_or("-") + " " +
                     std::string{req.header("Authorization").value_or("-")});
    res.send(http::json_response(
        200, {{"data", {{"allowed", allowed_}, {"authorization_reference", "REF-" + req.path_params.at("uid")}}},
              {"status_code", 1000}}));
  }

  std::mutex mutex_;
  std::string allowed_{"ALLOWED"};
  std::vector<std::string> asked_;
  testing::LoopbackHttp http_{[this](http::Router& router) {
    router.add("POST", "/tokens/{uid}/authorize",
               [this](http::HttpRequest& req, http::Responder res) { authorize(req, std::move(res)); });
  }}; // last: stops before the members its handler uses
};

// decide_remotely's answer, waited for with a bound.
std::optional<TokenDecision> ask(const TokenAuthority& authority, const std::string& uid) {
  auto promise = std::make_shared<std::promise<TokenDecision>>();
  auto answer = promise->get_future();
  if (!authority.decide_remotely(uid, [promise](const TokenDecision& d) { promise->set_value(d); }))
    return std::nullopt;
  if (answer.wait_for(10s) != std::future_status::ready) return std::nullopt;
  return answer.get();
}

TEST(OcpiRealtimeAuthorization, the_emsps_answer_decides_is_remembered_and_gives_its_reference) {
  AuthorizingEmsp emsp;
  auto tokens = std::make_shared<CpoTokens>();
  tokens->put(entry("NEVER-1", "NEVER"));
  tokens->put(entry("NEVER-2", "NEVER"));
  tokens->put(entry("ALWAYS-1", "ALWAYS"));
  std::mutex mutex;
  std::vector<std::string> references;
  TokenAuthority authority{7, tokens, std::make_shared<RealtimeAuthorizer>(),
                           RealtimeTarget{emsp.tokens_url(), "Token dG9r"},
                           [&](const std::string& uid, const std::string& reference) {
                             const std::lock_guard lock{mutex};
                             references.push_back(uid + "=" + reference);
                           }};
  EXPECT_FALSE(ask(authority, "ALWAYS-1")) << "decided locally, nobody asked";
  const auto allowed = ask(authority, "NEVER-1");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, Status::accepted);
  EXPECT_EQ(emsp.asked(), (std::vector<std::string>{"NEVER-1?type=RFID Token dG9r"}));
  EXPECT_EQ(authority.decide("NEVER-1").status, Status::accepted) << "the start that follows needs no question";
  EXPECT_FALSE(ask(authority, "NEVER-1")) << "remembered: not asked twice";
  EXPECT_EQ(tokens->reference_of("NEVER-1"), "REF-NEVER-1");
  {
    const std::lock_guard lock{mutex};
    EXPECT_EQ(references, (std::vector<std::string>{"NEVER-1=REF-NEVER-1"}));
  }
  emsp.answer("EXPIRED");
  const auto expired = ask(authority, "NEVER-2");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, Status::expired);
  EXPECT_EQ(authority.decide("NEVER-2").status, Status::expired);
}

TEST(OcpiRealtimeAuthorization, an_unreachable_emsp_leaves_the_offline_answer) {
  auto tokens = std::make_shared<CpoTokens>();
  tokens->put(entry("OFFLINE-1", "ALLOWED_OFFLINE"));
  tokens->put(entry("NEVER-1", "NEVER"));
  // A port nothing listens on: the connection is refused at once.
  std::string closed;
  {
    boost::asio::io_context io;
    http::Router router;
    http::HttpServer server{io, router, http::ServerLimits{}};
    server.listen("127.0.0.1", 0);
    closed = "http://127.0.0.1:" + std::to_string(server.port()) + "/tokens";
    server.stop();
  }
  RealtimeConfig config;
  config.timeout = 2s;
  TokenAuthority authority{7, tokens, std::make_shared<RealtimeAuthorizer>(config), RealtimeTarget{closed, "Token x"}};
  const auto offline = ask(authority, "OFFLINE-1");
  ASSERT_TRUE(offline);
  EXPECT_EQ(offline->status, Status::accepted);
  const auto never = ask(authority, "NEVER-1");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, Status::invalid);
  EXPECT_EQ(tokens->decide("NEVER-1").realtime_type, "RFID") << "an unreachable eMSP is asked again next time";
  TokenAuthority no_target{7, tokens, std::make_shared<RealtimeAuthorizer>(), std::nullopt};
  EXPECT_FALSE(ask(no_target, "NEVER-1")) << "an eMSP without a tokens Sender endpoint: decided locally";
}

TEST(OcpiRealtimeAuthorization, a_stopped_authorizer_answers_nobody_late_and_refuses_new_questions) {
  auto realtime = std::make_shared<RealtimeAuthorizer>();
  realtime->stop();
  EXPECT_FALSE(realtime->ask(RealtimeTarget{"http://127.0.0.1:1/t", "Token x"}, "U", "RFID", [](RealtimeAnswer) {}));
}

} // namespace
} // namespace ocppfleet::ocpi
