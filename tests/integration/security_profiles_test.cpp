// OCPP security profiles 1-3 end to end: 1.6 chargers run by the fleet engine against the
// strict ocpp-rpc CSMS (tests/peers/csms.js) serving ws or wss on a free loopback port, with
// certificates the openssl CLI makes for this run (support/test_pki). Profile 1 is HTTP
// Basic auth, 2 adds TLS with server authentication, 3 adds client certificates.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "simulator/fleet/engine.hpp"
#include "simulator/transport/tls_context.hpp"
#include "simulator/transport/ws_url.hpp"
#include "support/node_csms_peer.hpp"
#include "support/test_pki.hpp"

namespace ocppfleet::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using transport::LinkError;
using transport::LinkState;
using transport::TlsOptions;

constexpr const char* kPassword = "correct horse battery staple";
// How long a charger that must not retry is watched; longer than the first backoff (200 ms
// +- jitter) several times over, so a retry loop would show.
constexpr auto kNoRetryWindow = 1500ms;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class SecurityProfiles : public ::testing::Test {
protected:
  static void SetUpTestSuite() { pki_ = new TestPki("SP3-CP-1"); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  static TestPki& pki() { return *pki_; }

  void SetUp() override {
    spec_ = std::make_shared<charger::ConnectorSpec>();
    engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{1, nullptr});
  }

  void TearDown() override {
    if (peer_) {
      for (const auto& v : peer_->violations())
        ADD_FAILURE() << "strict peer violation: " << v.dump();
    }
    engine_->shutdown();
    engine_.reset();
    peer_.reset();
  }

  // tls: null for ws, else the peer's "tls" option.
  void start_peer(json tls = nullptr, std::optional<std::string> password = std::nullopt) {
    PeerOptions options;
    options.protocols = {"ocpp1.6", "ocpp2.0.1"};
    options.basic_auth_password = std::move(password);
    if (!tls.is_null()) options.extra["tls"] = std::move(tls);
    peer_ = NodeCsmsPeer::start(options);
    const auto listening = peer_->wait_for_event(event_is("listening"), 1s);
    ASSERT_TRUE(listening);
    tls_ = options.extra.contains("tls");
    ASSERT_EQ(listening->value("scheme", ""), tls_ ? "wss" : "ws");
  }

  static json peer_tls(const std::string& cert, const std::string& key, bool request_client_cert = false) {
    json tls = {{"cert", cert}, {"key", key}};
    if (request_client_cert) {
      tls["ca"] = pki().ca_cert;
      tls["request_client_cert"] = true;
    }
    return tls;
  }

  // A link config of its own per TLS setting (a fleet shares one; here each charger
  // stands for a differently configured fleet).
  std::shared_ptr<transport::LinkConfig> link_to_peer(std::shared_ptr<boost::asio::ssl::context> tls = nullptr) {
    auto link = std::make_shared<transport::LinkConfig>();
    const std::string url = (tls_ ? "wss://127.0.0.1:" : "ws://127.0.0.1:") + std::to_string(peer_->port());
    std::string error;
    auto parsed = transport::parse_ws_url(url, &error);
    if (!parsed) throw std::runtime_error("bad test URL " + url + ": " + error);
    link->url = *parsed;
    link->backoff.initial = 200ms;
    link->backoff.max = 2s;
    link->connect_timeout = 5s;
    link->handshake_timeout = 5s;
    link->tls = std::move(tls);
    return link;
  }

  static TlsOptions trusting(const std::string& ca) {
    TlsOptions o;
    o.ca_file = ca;
    return o;
  }

  fleet::ChargerId add_charger(const std::string& identity, std::shared_ptr<const transport::LinkConfig> link,
                               std::optional<std::string> password = std::nullopt,
                               ocpp::ProtocolVersion version = ocpp::ProtocolVersion::V16) {
    fleet::ChargerSpec spec;
    spec.version = version;
    spec.identity.identity = identity;
    spec.identity.serial_number = "SN-" + identity;
    spec.link = std::move(link);
    spec.connector_spec = spec_;
    spec.connectors = 1;
    spec.options.call_timeout = 5s;
    spec.basic_auth_password = std::move(password);
    const auto id = engine_->add(std::move(spec));
    engine_->start(id);
    return id;
  }

  template <class Pred> static bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  // The peer saw the connection and accepted this charger's BootNotification.
  void expect_boots(const std::string& identity) {
    const auto connected = peer_->wait_for_event(event_is("connected", identity), 10s);
    ASSERT_TRUE(connected) << identity << " never connected; peer stderr: " << peer_->stderr_tail();
    const auto boot = peer_->wait_for_event(call_event(identity, "BootNotification"), 10s);
    ASSERT_TRUE(boot) << identity << " sent no BootNotification";
    EXPECT_EQ((*boot)["response"]["status"], "Accepted") << boot->dump();
  }

  // Waits for the link to give up (state Failed) and returns its failure.
  transport::LinkFailure wait_failed(fleet::ChargerId id) {
    EXPECT_TRUE(eventually([&] {
      const auto s = engine_->snapshot(id);
      return s && s->link_state == LinkState::Failed;
    })) << "the link never reached Failed";
    const auto s = engine_->snapshot(id);
    if (!s || !s->last_failure) {
      ADD_FAILURE() << "no failure recorded";
      return {};
    }
    return *s->last_failure;
  }

  // A failure that retrying cannot fix leaves exactly one attempt behind.
  void expect_single_attempt(fleet::ChargerId id) {
    std::this_thread::sleep_for(kNoRetryWindow);
    const auto s = engine_->snapshot(id);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->connect_attempts, 1u);
    EXPECT_EQ(s->link_state, LinkState::Failed);
  }

  std::size_t boots_seen(const std::string& identity) const {
    return peer_->count(call_event(identity, "BootNotification"));
  }

  static TestPki* pki_;
  std::unique_ptr<NodeCsmsPeer> peer_;
  std::unique_ptr<fleet::Engine> engine_;
  std::shared_ptr<charger::ConnectorSpec> spec_;
  bool tls_ = false;
};

TestPki* SecurityProfiles::pki_ = nullptr;

// ---------------------------------------------------------------- profile 1

TEST_F(SecurityProfiles, sp1_right_password_boots_over_ws) {
  start_peer(nullptr, kPassword);
  add_charger("SP1-OK", link_to_peer(), kPassword);
  expect_boots("SP1-OK");
  const auto connected = peer_->wait_for_event(event_is("connected", "SP1-OK"), 1s);
  ASSERT_TRUE(connected);
  EXPECT_EQ((*connected)["headers"]["authorization"], true);
  EXPECT_FALSE(connected->contains("client_cert_cn")) << "a plain ws peer has no TLS fields";
  EXPECT_EQ(peer_->count(event_is("auth_rejected")), 0u);
  EXPECT_TRUE(eventually([&] { return engine_->counters().booted.load() == 1; }));
}

TEST_F(SecurityProfiles, sp1_wrong_or_missing_password_gets_401_and_no_retry) {
  start_peer(nullptr, kPassword);
  const auto wrong = add_charger("SP1-WRONG", link_to_peer(), std::string{"not the password"});
  const auto none = add_charger("SP1-NONE", link_to_peer());

  const auto rejected = peer_->wait_for_event(event_is("auth_rejected", "SP1-WRONG"), 10s);
  ASSERT_TRUE(rejected);
  EXPECT_EQ((*rejected)["reason"], "wrong_password");
  EXPECT_EQ((*rejected)["status"], 401);
  const auto missing = peer_->wait_for_event(event_is("auth_rejected", "SP1-NONE"), 10s);
  ASSERT_TRUE(missing);
  EXPECT_EQ((*missing)["reason"], "missing_credentials");
  EXPECT_EQ((*missing)["status"], 401);

  for (const auto id : {wrong, none}) {
    const auto failure = wait_failed(id);
    EXPECT_EQ(failure.code, LinkError::HttpUnauthorized) << failure.detail;
    EXPECT_FALSE(transport::is_retryable(failure.code));
    EXPECT_FALSE(failure.was_open);
    EXPECT_TRUE(contains(failure.detail, "401")) << failure.detail;
  }
  // The engine counts a charger as failed only when its link said will_retry = false.
  EXPECT_EQ(engine_->counters().failed.load(), 2);
  expect_single_attempt(wrong);
  expect_single_attempt(none);
  EXPECT_EQ(peer_->count(event_is("auth_rejected", "SP1-WRONG")), 1u);
  EXPECT_EQ(peer_->count(event_is("connected")), 0u);
}

TEST_F(SecurityProfiles, sp1_basic_auth_over_wss_boots) {
  start_peer(peer_tls(pki().server_cert, pki().server_key), kPassword);
  add_charger("SP1-TLS", link_to_peer(transport::make_client_tls_context(trusting(pki().ca_cert))), kPassword);
  expect_boots("SP1-TLS");
  const auto connected = peer_->wait_for_event(event_is("connected", "SP1-TLS"), 1s);
  ASSERT_TRUE(connected);
  EXPECT_EQ((*connected)["headers"]["authorization"], true);
  EXPECT_TRUE((*connected)["client_cert_cn"].is_null()) << connected->dump();
}

// ---------------------------------------------------------------- profile 2

TEST_F(SecurityProfiles, sp2_server_signed_by_the_trusted_ca_boots) {
  start_peer(peer_tls(pki().server_cert, pki().server_key));
  add_charger("SP2-OK", link_to_peer(transport::make_client_tls_context(trusting(pki().ca_cert))));
  expect_boots("SP2-OK");
  EXPECT_TRUE(eventually([&] { return engine_->counters().booted.load() == 1; }));
}

TEST_F(SecurityProfiles, sp2_untrusted_ca_fails_fast_without_retry) {
  start_peer(peer_tls(pki().server_cert, pki().server_key));
  const auto id =
      add_charger("SP2-WRONG-CA", link_to_peer(transport::make_client_tls_context(trusting(pki().wrong_ca_cert))));
  const auto failure = wait_failed(id);
  EXPECT_EQ(failure.code, LinkError::TlsVerificationFailed) << failure.detail;
  EXPECT_TRUE(contains(failure.detail, "127.0.0.1")) << failure.detail;
  EXPECT_TRUE(contains(failure.detail, "issuer certificate")) << failure.detail;
  EXPECT_EQ(engine_->counters().failed.load(), 1);
  expect_single_attempt(id);
  EXPECT_EQ(peer_->count(event_is("connected")), 0u);
  // Our alert is all the CSMS sees of it.
  EXPECT_TRUE(peer_->wait_for_event(event_is("tls_client_error"), 2s));
}

TEST_F(SecurityProfiles, sp2_certificate_for_another_host_fails_verification) {
  start_peer(peer_tls(pki().wrong_name_cert, pki().wrong_name_key));
  const auto id =
      add_charger("SP2-WRONG-NAME", link_to_peer(transport::make_client_tls_context(trusting(pki().ca_cert))));
  const auto failure = wait_failed(id);
  EXPECT_EQ(failure.code, LinkError::TlsVerificationFailed) << failure.detail;
  EXPECT_TRUE(contains(failure.detail, "IP address mismatch")) << failure.detail;
  EXPECT_EQ(engine_->counters().failed.load(), 1);
  expect_single_attempt(id);
  EXPECT_EQ(boots_seen("SP2-WRONG-NAME"), 0u);
}

TEST_F(SecurityProfiles, sp2_insecure_mode_connects_to_an_unverifiable_server) {
  start_peer(peer_tls(pki().wrong_name_cert, pki().wrong_name_key));
  TlsOptions insecure = trusting(pki().wrong_ca_cert); // ignored without verification
  insecure.verify = false;
  add_charger("SP2-INSECURE", link_to_peer(transport::make_client_tls_context(insecure)));
  expect_boots("SP2-INSECURE");
}

// ---------------------------------------------------------------- profile 3

TEST_F(SecurityProfiles, sp3_per_charger_client_certificates_connect_with_their_identity_as_cn) {
  start_peer(peer_tls(pki().server_cert, pki().server_key, /*request_client_cert=*/true));
  const auto cert_dir = pki().dir() / "sp3-chargers";
  const std::vector<std::string> identities{"SP3-A", "SP3-B"};
  const TlsOptions base = trusting(pki().ca_cert);
  std::vector<std::shared_ptr<boost::asio::ssl::context>> contexts;
  for (const auto& identity : identities) {
    pki().issue_client(identity, cert_dir);
    const auto options = transport::tls_options_for_identity(base, cert_dir.string(), identity);
    contexts.push_back(transport::shared_client_tls_context(options));
    add_charger(identity, link_to_peer(contexts.back()));
  }
  for (const auto& identity : identities) {
    expect_boots(identity);
    const auto connected = peer_->wait_for_event(event_is("connected", identity), 1s);
    ASSERT_TRUE(connected);
    EXPECT_EQ((*connected)["client_cert_cn"], identity) << connected->dump();
  }
  EXPECT_TRUE(eventually([&] { return engine_->counters().booted.load() == 2; }));
  // Plus the fixed client certificate of the PKI, from a context made directly.
  TlsOptions fixed = base;
  fixed.client_cert = pki().client_cert;
  fixed.client_key = pki().client_key;
  add_charger(pki().client_identity(), link_to_peer(transport::make_client_tls_context(fixed)));
  expect_boots(pki().client_identity());
  const auto connected = peer_->wait_for_event(event_is("connected", pki().client_identity()), 1s);
  ASSERT_TRUE(connected);
  EXPECT_EQ((*connected)["client_cert_cn"], pki().client_identity());
}

TEST_F(SecurityProfiles, sp3_charger_without_an_accepted_client_certificate_is_refused) {
  start_peer(peer_tls(pki().server_cert, pki().server_key, /*request_client_cert=*/true));
  const auto no_cert =
      add_charger("SP3-NO-CERT", link_to_peer(transport::make_client_tls_context(trusting(pki().ca_cert))));
  TlsOptions foreign = trusting(pki().ca_cert);
  foreign.client_cert = pki().wrong_ca_client_cert;
  foreign.client_key = pki().wrong_ca_client_key;
  const auto foreign_cert = add_charger("SP3-FOREIGN-CERT", link_to_peer(transport::make_client_tls_context(foreign)));

  const auto tls_error = [](std::string code) {
    return [code = std::move(code)](const json& e) {
      return e.value("event", "") == "tls_client_error" && e.value("code", "") == code;
    };
  };
  ASSERT_TRUE(peer_->wait_for_event(tls_error("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE"), 10s))
      << peer_->stderr_tail();
  ASSERT_TRUE(peer_->wait_for_event(tls_error("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), 10s)) << peer_->stderr_tail();

  const auto failure_of = [&](fleet::ChargerId id) -> std::optional<transport::LinkFailure> {
    std::optional<transport::LinkFailure> failure;
    eventually([&] {
      const auto s = engine_->snapshot(id);
      if (s && s->last_failure) failure = s->last_failure;
      return failure.has_value();
    });
    return failure;
  };
  // No certificate: the server's "certificate required" alert (with TLS 1.3 it arrives while
  // we read the upgrade answer). Not our verification of the server that failed.
  const auto missing = failure_of(no_cert);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->code, LinkError::TlsCertificateRejected) << missing->detail;
  EXPECT_TRUE(contains(missing->detail, "certificate required")) << missing->detail;
  EXPECT_FALSE(missing->was_open);
  // Not retried: a missing certificate stays missing.
  std::this_thread::sleep_for(1500ms);
  const auto after = engine_->snapshot(no_cert);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->link_state, transport::LinkState::Failed);
  EXPECT_EQ(after->connect_attempts, 1u);
  // Untrusted certificate: Node finishes the handshake, then drops the TCP connection
  // without an alert, so all the charger can tell is that the connection went away.
  const auto untrusted = failure_of(foreign_cert);
  ASSERT_TRUE(untrusted);
  EXPECT_EQ(untrusted->code, LinkError::ConnectionLost) << untrusted->detail;
  EXPECT_FALSE(untrusted->was_open);

  EXPECT_EQ(peer_->count(event_is("connected")), 0u);
  EXPECT_EQ(boots_seen("SP3-NO-CERT"), 0u);
  EXPECT_EQ(boots_seen("SP3-FOREIGN-CERT"), 0u);
  EXPECT_EQ(engine_->counters().booted.load(), 0);
}

TEST_F(SecurityProfiles, sp3_unusable_client_certificate_files_are_clear_errors) {
  const auto expect_error = [](const TlsOptions& options, const std::vector<std::string>& fragments) {
    try {
      (void)transport::make_client_tls_context(options);
      ADD_FAILURE() << "accepted: " << options.client_cert.value_or("") << " / " << options.client_key.value_or("");
    } catch (const std::runtime_error& e) {
      for (const auto& f : fragments)
        EXPECT_TRUE(contains(e.what(), f)) << "'" << f << "' not in: " << e.what();
    }
  };
  const std::string missing = (pki().dir() / "no-such-client.pem").string();
  TlsOptions o = trusting(pki().ca_cert);
  o.client_cert = missing;
  o.client_key = pki().client_key;
  expect_error(o, {"client certificate", missing, "no such file"});

  o.client_cert = pki().dir().string(); // a directory cannot be read as a PEM file
  expect_error(o, {"client certificate", pki().dir().string(), "directory"});

  o.client_cert = pki().client_cert;
  o.client_key = missing;
  expect_error(o, {"client key", missing, "no such file"});

  o.client_key = pki().mismatched_client_key;
  expect_error(o, {pki().mismatched_client_key, pki().client_cert, "does not match"});

  o.client_cert = pki().client_key; // a key where the certificate belongs
  o.client_key = pki().client_key;
  expect_error(o, {"cannot load client certificate", pki().client_key});
}

// The profiles are the transport's, so they hold for 2.0.1 stations too; the station also
// reports the profile it runs under in its device model.
TEST_F(SecurityProfiles, v201_station_with_client_certificate_and_basic_auth_boots_and_reports_profile_3) {
  start_peer(peer_tls(pki().server_cert, pki().server_key, /*request_client_cert=*/true), kPassword);
  TlsOptions with_cert = trusting(pki().ca_cert);
  with_cert.client_cert = pki().client_cert;
  with_cert.client_key = pki().client_key;
  auto link = link_to_peer(transport::make_client_tls_context(with_cert));
  link->subprotocol = "ocpp2.0.1";
  add_charger(pki().client_identity(), link, kPassword, ocpp::ProtocolVersion::V201);
  expect_boots(pki().client_identity());
  const auto connected = peer_->wait_for_event(event_is("connected", pki().client_identity()), 1s);
  ASSERT_TRUE(connected);
  EXPECT_EQ((*connected)["protocol"], "ocpp2.0.1");
  EXPECT_EQ((*connected)["client_cert_cn"], pki().client_identity());
  const auto r = peer_->call(pki().client_identity(), "GetVariables",
                             {{"getVariableData", json::array({{{"component", {{"name", "SecurityCtrlr"}}},
                                                                {"variable", {{"name", "SecurityProfile"}}}}})}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["getVariableResult"][0]["attributeValue"], "3");
}

TEST_F(SecurityProfiles, v201_station_with_a_wrong_password_fails_once_with_401) {
  start_peer(nullptr, kPassword);
  auto link = link_to_peer();
  link->subprotocol = "ocpp2.0.1";
  const auto id = add_charger("SP1-V201-WRONG", link, std::string{"not the password"}, ocpp::ProtocolVersion::V201);
  std::optional<transport::LinkFailure> failure;
  ASSERT_TRUE(eventually([&] {
    const auto s = engine_->snapshot(id);
    if (s && s->link_state == transport::LinkState::Failed) failure = s->last_failure;
    return failure.has_value();
  }));
  EXPECT_EQ(failure->code, LinkError::HttpUnauthorized) << failure->detail;
  std::this_thread::sleep_for(kNoRetryWindow);
  EXPECT_EQ(engine_->snapshot(id)->connect_attempts, 1u);
  EXPECT_EQ(peer_->count(event_is("auth_rejected")), 1u);
}

} // namespace
} // namespace ocppfleet::testing
