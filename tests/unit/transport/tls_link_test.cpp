#include <gtest/gtest.h>

#include <boost/asio/ssl/context.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include "fake_ws_server.hpp"
#include "link_harness.hpp"
#include "simulator/transport/tls_context.hpp"

namespace ocppfleet::transport::testing {
namespace {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

// ---------------------------------------------------------------- a throwaway PKI

struct KeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertDeleter {
  void operator()(X509* c) const { X509_free(c); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

Key make_key() {
  Key key{EVP_EC_gen("P-256")};
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) throw std::runtime_error(std::string{"bad extension "} + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Self-signed when issuer is null. `san` like "DNS:localhost,IP:127.0.0.1" (empty: none).
Cert make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
               const std::string& san, long serial) {
  Cert cert{X509_new()};
  X509* x = cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : x, x, nullptr, nullptr, 0);
  add_ext(x, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext(x, &ctx, NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  if (!ca) add_ext(x, &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
  add_ext(x, &ctx, NID_subject_key_identifier, "hash");
  if (!san.empty()) add_ext(x, &ctx, NID_subject_alt_name, san.c_str());
  if (X509_sign(x, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0)
    throw std::runtime_error("X509_sign failed");
  return cert;
}

void write_cert(const fs::path& path, X509* cert) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr || PEM_write_X509(f, cert) != 1) throw std::runtime_error("cannot write " + path.string());
  std::fclose(f);
}

void write_key(const fs::path& path, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr || PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("cannot write " + path.string());
  std::fclose(f);
}

struct Pki {
  fs::path dir;
  std::string ca, other_ca;                    // trusted CA, a CA nobody trusts
  std::string server_cert, server_key;         // localhost + 127.0.0.1, by ca
  std::string wrong_name_cert, wrong_name_key; // other.example, by ca
  std::string client_cert, client_key;         // CN=CP001, by ca
  std::string stray_key;                       // matches nothing
};

Pki make_pki() {
  Pki p;
  std::string tmpl = (fs::temp_directory_path() / "ocppfleet-tls-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  p.dir = tmpl;
  const auto file = [&](const char* name) { return (p.dir / name).string(); };

  const Key ca_key = make_key();
  const Cert ca = make_cert(ca_key.get(), "ocppfleet test CA", nullptr, nullptr, true, "", 1);
  const Key other_ca_key = make_key();
  const Cert other_ca = make_cert(other_ca_key.get(), "untrusted test CA", nullptr, nullptr, true, "", 2);
  const Key server_key = make_key();
  const Cert server =
      make_cert(server_key.get(), "localhost", ca.get(), ca_key.get(), false, "DNS:localhost,IP:127.0.0.1", 3);
  const Key wrong_key = make_key();
  const Cert wrong = make_cert(wrong_key.get(), "other.example", ca.get(), ca_key.get(), false, "DNS:other.example", 4);
  const Key client_key = make_key();
  const Cert client = make_cert(client_key.get(), "CP001", ca.get(), ca_key.get(), false, "", 5);
  const Key stray = make_key();

  write_cert(p.ca = file("ca.pem"), ca.get());
  write_cert(p.other_ca = file("other_ca.pem"), other_ca.get());
  write_cert(p.server_cert = file("server.pem"), server.get());
  write_key(p.server_key = file("server.key"), server_key.get());
  write_cert(p.wrong_name_cert = file("wrong_name.pem"), wrong.get());
  write_key(p.wrong_name_key = file("wrong_name.key"), wrong_key.get());
  write_cert(p.client_cert = file("client.pem"), client.get());
  write_key(p.client_key = file("client.key"), client_key.get());
  write_key(p.stray_key = file("stray.key"), stray.get());
  return p;
}

std::shared_ptr<ssl::context> server_context(const std::string& cert, const std::string& key,
                                             const std::string* client_ca = nullptr, bool tls12_only = false) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  if (tls12_only) ctx->set_options(ssl::context::no_tlsv1_3);
  ctx->use_certificate_chain_file(cert);
  ctx->use_private_key_file(key, ssl::context::pem);
  if (client_ca != nullptr) {
    ctx->load_verify_file(*client_ca);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

bool has_text(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class TlsLinkTest : public LinkFixture {
protected:
  static void SetUpTestSuite() { pki_ = new Pki(make_pki()); }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(pki_->dir, ignored);
    delete pki_;
    pki_ = nullptr;
  }

  static std::shared_ptr<LinkConfig> tls_config(const std::string& url, TlsOptions options) {
    auto config = config_for(url);
    config->tls = make_client_tls_context(options);
    return config;
  }
  static TlsOptions trusting(const std::string& ca) {
    TlsOptions o;
    o.ca_file = ca;
    return o;
  }
  static std::string localhost_url(const FakeWsServer& server) {
    return "wss://localhost:" + std::to_string(server.port()) + "/ocpp";
  }

  static Pki* pki_;
  const Pki& pki() const { return *pki_; }
};

Pki* TlsLinkTest::pki_ = nullptr;

FakeWsServerOptions tls_server(std::shared_ptr<ssl::context> ctx) {
  FakeWsServerOptions o;
  o.tls = std::move(ctx);
  return o;
}

// ---------------------------------------------------------------- server verification

TEST_F(TlsLinkTest, trusted_server_connects_with_hostname_verified_and_sni_set) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key))};
  make_link(tls_config(localhost_url(server), trusting(pki().ca)));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(server.server_names(), std::vector<std::string>{"localhost"});
  EXPECT_EQ(server.requests().at(0).host, "localhost:" + std::to_string(server.port()));
  EXPECT_TRUE(send("over tls"));
  EXPECT_EQ(server.wait_for_message(), std::optional<std::string>{"over tls"});
  EXPECT_EQ(listener.wait_for_message(), std::optional<std::string>{"over tls"});
}

TEST_F(TlsLinkTest, ip_literal_is_verified_against_the_ip_san_and_sends_no_sni) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key))};
  make_link(tls_config(server.url(), trusting(pki().ca)));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(server.server_names(), std::vector<std::string>{""});
}

TEST_F(TlsLinkTest, untrusted_ca_fails_verification_without_retry) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key))};
  make_link(tls_config(localhost_url(server), trusting(pki().other_ca)));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::TlsVerificationFailed);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_FALSE(closed.failure.was_open);
  EXPECT_TRUE(has_text(closed.failure.detail, "localhost")) << closed.failure.detail;
  EXPECT_TRUE(has_text(closed.failure.detail, "issuer certificate")) << closed.failure.detail;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.upgrades(), 0u);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(state(), LinkState::Failed);
}

TEST_F(TlsLinkTest, certificate_for_another_host_name_fails_verification) {
  FakeWsServer server{tls_server(server_context(pki().wrong_name_cert, pki().wrong_name_key))};
  make_link(tls_config(localhost_url(server), trusting(pki().ca)));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::TlsVerificationFailed) << closed.failure.detail;
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(has_text(closed.failure.detail, "hostname mismatch")) << closed.failure.detail;
  EXPECT_EQ(server.upgrades(), 0u);
  EXPECT_EQ(listener.opens(), 0u);
}

TEST_F(TlsLinkTest, certificate_without_the_ip_fails_verification_for_an_ip_url) {
  FakeWsServer server{tls_server(server_context(pki().wrong_name_cert, pki().wrong_name_key))};
  make_link(tls_config(server.url(), trusting(pki().ca)));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::TlsVerificationFailed) << closed.failure.detail;
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(has_text(closed.failure.detail, "IP address mismatch")) << closed.failure.detail;
  EXPECT_EQ(listener.opens(), 0u);
}

TEST_F(TlsLinkTest, verification_can_be_switched_off) {
  FakeWsServer server{tls_server(server_context(pki().wrong_name_cert, pki().wrong_name_key))};
  TlsOptions options;
  options.verify = false;
  options.ca_file = pki().other_ca; // ignored
  make_link(tls_config(localhost_url(server), options));
  start();
  EXPECT_TRUE(listener.wait_for_opens(1));
}

TEST_F(TlsLinkTest, stop_over_tls_is_a_clean_close_handshake) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key))};
  make_link(tls_config(localhost_url(server), trusting(pki().ca)));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::Stopped);
  EXPECT_TRUE(server.wait_for_close_frames(1));
  EXPECT_EQ(server.close_codes().at(0), 1000u);
}

TEST_F(TlsLinkTest, tls_server_that_never_answers_the_hello_causes_handshake_timeout) {
  auto options = tls_server(server_context(pki().server_cert, pki().server_key));
  options.answer_upgrade = false;
  FakeWsServer server{options};
  auto config = tls_config(localhost_url(server), trusting(pki().ca));
  config->handshake_timeout = 200ms;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::HandshakeTimeout);
  EXPECT_TRUE(listener.closed(0).will_retry);
}

// ---------------------------------------------------------------- client certificates

TEST_F(TlsLinkTest, server_requiring_a_client_certificate_accepts_ours) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key, &pki().ca))};
  TlsOptions options = trusting(pki().ca);
  options.client_cert = pki().client_cert;
  options.client_key = pki().client_key;
  make_link(tls_config(localhost_url(server), options));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(server.client_cert_subjects(), std::vector<std::string>{"CP001"});
}

TEST_F(TlsLinkTest, server_requiring_a_client_certificate_rejects_us_without_one) {
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key, &pki().ca))};
  auto config = tls_config(localhost_url(server), trusting(pki().ca));
  config->backoff = BackoffPolicy{1000ms, 1000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  // With TLS 1.3 the server's alert arrives after the client finished its handshake, while
  // the upgrade is under way: a certificate rejection, not a lost connection, and final.
  EXPECT_EQ(closed.failure.code, LinkError::TlsCertificateRejected) << closed.failure.detail;
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(has_text(closed.failure.detail, "certificate")) << closed.failure.detail;
  EXPECT_FALSE(closed.failure.was_open);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(server.upgrades(), 0u);
  EXPECT_TRUE(server.wait_for_tls_failures(1));
}

TEST_F(TlsLinkTest, tls12_server_rejecting_a_missing_client_certificate_fails_the_handshake) {
  // With TLS 1.2 the rejection comes inside the handshake itself.
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key, &pki().ca, true))};
  auto config = tls_config(localhost_url(server), trusting(pki().ca));
  config->backoff = BackoffPolicy{1000ms, 1000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::TlsHandshakeFailed) << closed.failure.detail;
  EXPECT_TRUE(closed.will_retry);
  EXPECT_EQ(server.upgrades(), 0u);
}

TEST_F(TlsLinkTest, handshake_failure_with_verification_off_is_not_a_verification_failure) {
  // The chain does not verify (no CA loaded), but verification is off: the failure is the
  // server refusing us, which is retryable, not an untrusted certificate.
  FakeWsServer server{tls_server(server_context(pki().server_cert, pki().server_key, &pki().ca, true))};
  TlsOptions options;
  options.verify = false;
  auto config = tls_config(localhost_url(server), options);
  config->backoff = BackoffPolicy{1000ms, 1000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::TlsHandshakeFailed) << closed.failure.detail;
  EXPECT_TRUE(closed.will_retry);
}

// ---------------------------------------------------------------- context construction

TEST_F(TlsLinkTest, mismatched_client_key_is_a_clear_error) {
  TlsOptions options = trusting(pki().ca);
  options.client_cert = pki().client_cert;
  options.client_key = pki().stray_key;
  try {
    (void)make_client_tls_context(options);
    FAIL() << "a key that does not match the certificate was accepted";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_TRUE(has_text(what, pki().stray_key)) << what;
    EXPECT_TRUE(has_text(what, pki().client_cert)) << what;
    EXPECT_TRUE(has_text(what, "does not match")) << what;
  }
}

TEST_F(TlsLinkTest, missing_ca_file_is_a_clear_error) {
  try {
    (void)make_client_tls_context(trusting((pki().dir / "nope.pem").string()));
    FAIL() << "a missing CA file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(has_text(e.what(), "cannot load CA file")) << e.what();
    EXPECT_TRUE(has_text(e.what(), "nope.pem")) << e.what();
  }
}

TEST_F(TlsLinkTest, client_certificate_without_key_is_rejected) {
  TlsOptions options = trusting(pki().ca);
  options.client_cert = pki().client_cert;
  EXPECT_THROW((void)make_client_tls_context(options), std::runtime_error);
  TlsOptions key_only = trusting(pki().ca);
  key_only.client_key = pki().client_key;
  EXPECT_THROW((void)make_client_tls_context(key_only), std::runtime_error);
}

TEST_F(TlsLinkTest, unreadable_client_certificate_is_a_clear_error) {
  TlsOptions options = trusting(pki().ca);
  options.client_cert = pki().client_key; // a key is not a certificate
  options.client_key = pki().client_key;
  try {
    (void)make_client_tls_context(options);
    FAIL() << "a key file was accepted as a certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(has_text(e.what(), "client certificate")) << e.what();
  }
}

} // namespace
} // namespace ocppfleet::transport::testing
