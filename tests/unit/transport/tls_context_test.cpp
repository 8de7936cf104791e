// The shared TLS context cache and per-charger client certificates, with certificates
// made by the openssl command line tool (support/test_pki).
#include <gtest/gtest.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "simulator/transport/tls_context.hpp"
#include "support/test_pki.hpp"

namespace ocppfleet::transport {
namespace {

namespace fs = std::filesystem;
using ocppfleet::testing::TestPki;
using Context = boost::asio::ssl::context;

bool mentions(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string certificate_cn(Context& ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx.native_handle());
  if (cert == nullptr) return {};
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

X509_STORE* store_of(Context& ctx) { return SSL_CTX_get_cert_store(ctx.native_handle()); }

bool releases_buffers(Context& ctx) { return (SSL_CTX_get_mode(ctx.native_handle()) & SSL_MODE_RELEASE_BUFFERS) != 0; }

class TlsContext : public ::testing::Test {
protected:
  static void SetUpTestSuite() { pki_ = new TestPki("CP-PKI-1"); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  static TestPki& pki() { return *pki_; }
  static TlsOptions trusting(const std::string& ca) {
    TlsOptions o;
    o.ca_file = ca;
    return o;
  }
  // A per-test directory inside the PKI's (removed with it).
  fs::path cert_dir() const {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return pki().dir() / (std::string{"certs-"} + info->name());
  }

  static TestPki* pki_;
};

TestPki* TlsContext::pki_ = nullptr;

// ---------------------------------------------------------------- shared contexts

TEST_F(TlsContext, equal_options_share_one_context_and_different_ones_do_not) {
  const auto a = shared_client_tls_context(trusting(pki().ca_cert));
  const auto b = shared_client_tls_context(trusting(pki().ca_cert));
  EXPECT_EQ(a, b);
  const auto other_ca = shared_client_tls_context(trusting(pki().wrong_ca_cert));
  EXPECT_NE(a, other_ca);
  TlsOptions insecure = trusting(pki().ca_cert);
  insecure.verify = false;
  const auto c = shared_client_tls_context(insecure);
  EXPECT_NE(a, c);
  EXPECT_EQ(SSL_CTX_get_verify_mode(c->native_handle()), SSL_VERIFY_NONE);
  EXPECT_EQ(SSL_CTX_get_verify_mode(a->native_handle()), SSL_VERIFY_PEER);
}

TEST_F(TlsContext, the_cache_does_not_keep_unused_contexts_alive) {
  auto ctx = shared_client_tls_context(trusting(pki().ca_cert));
  std::weak_ptr<Context> weak = ctx;
  ctx.reset();
  EXPECT_TRUE(weak.expired());
  EXPECT_NE(shared_client_tls_context(trusting(pki().ca_cert)), nullptr);
}

TEST_F(TlsContext, client_certificates_get_their_own_context_but_share_the_trust_store) {
  const auto [cert1, key1] = pki().issue_client("CP-A", cert_dir());
  const auto [cert2, key2] = pki().issue_client("CP-B", cert_dir());
  const auto base = trusting(pki().ca_cert);
  const auto a = shared_client_tls_context(tls_options_for_identity(base, cert_dir().string(), "CP-A"));
  const auto b = shared_client_tls_context(tls_options_for_identity(base, cert_dir().string(), "CP-B"));
  const auto a_again = shared_client_tls_context(tls_options_for_identity(base, cert_dir().string(), "CP-A"));
  const auto trust_only = shared_client_tls_context(base);
  EXPECT_EQ(a, a_again);
  EXPECT_NE(a, b);
  EXPECT_EQ(certificate_cn(*a), "CP-A");
  EXPECT_EQ(certificate_cn(*b), "CP-B");
  EXPECT_EQ(certificate_cn(*trust_only), "");
  // One CA store for all three: per-charger certificates must not copy the trust store.
  EXPECT_EQ(store_of(*a), store_of(*b));
  EXPECT_EQ(store_of(*a), store_of(*trust_only));
  EXPECT_EQ(SSL_CTX_get_verify_mode(a->native_handle()), SSL_VERIFY_PEER);
  // A different CA is a different store.
  const auto other =
      shared_client_tls_context(tls_options_for_identity(trusting(pki().wrong_ca_cert), cert_dir().string(), "CP-A"));
  EXPECT_NE(store_of(*other), store_of(*a));
  EXPECT_EQ(certificate_cn(*other), "CP-A");
}

TEST_F(TlsContext, every_context_releases_idle_buffers) {
  TlsOptions with_cert = trusting(pki().ca_cert);
  with_cert.client_cert = pki().client_cert;
  with_cert.client_key = pki().client_key;
  EXPECT_TRUE(releases_buffers(*make_client_tls_context(trusting(pki().ca_cert))));
  EXPECT_TRUE(releases_buffers(*make_client_tls_context(with_cert)));
  EXPECT_TRUE(releases_buffers(*shared_client_tls_context(trusting(pki().ca_cert))));
  EXPECT_TRUE(releases_buffers(*shared_client_tls_context(with_cert)));
}

TEST_F(TlsContext, concurrent_callers_get_the_same_context) {
  TlsOptions options = trusting(pki().ca_cert);
  options.client_cert = pki().client_cert;
  options.client_key = pki().client_key;
  std::vector<std::shared_ptr<Context>> got(8);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&, i] { got[i] = shared_client_tls_context(options); });
  for (auto& t : threads)
    t.join();
  for (const auto& ctx : got)
    EXPECT_EQ(ctx, got.front());
  EXPECT_EQ(certificate_cn(*got.front()), "CP-PKI-1");
}

TEST_F(TlsContext, failures_are_not_cached) {
  const auto ca = (cert_dir() / "late_ca.pem").string();
  fs::create_directories(cert_dir());
  try {
    (void)shared_client_tls_context(trusting(ca));
    FAIL() << "a missing CA file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(mentions(e.what(), "cannot load CA file")) << e.what();
    EXPECT_TRUE(mentions(e.what(), ca)) << e.what();
  }
  fs::copy_file(pki().ca_cert, ca);
  EXPECT_NE(shared_client_tls_context(trusting(ca)), nullptr);

  TlsOptions mismatched = trusting(pki().ca_cert);
  mismatched.client_cert = pki().client_cert;
  mismatched.client_key = pki().mismatched_client_key;
  EXPECT_THROW((void)shared_client_tls_context(mismatched), std::runtime_error);
  EXPECT_THROW((void)shared_client_tls_context(mismatched), std::runtime_error);
}

// ---------------------------------------------------------------- per-identity files

TEST_F(TlsContext, options_for_identity_pick_the_identity_files_and_keep_the_rest) {
  const auto [cert, key] = pki().issue_client("CP-7", cert_dir());
  TlsOptions base = trusting(pki().ca_cert);
  base.verify = false;
  const auto o = tls_options_for_identity(base, cert_dir().string(), "CP-7");
  EXPECT_EQ(o.client_cert, cert);
  EXPECT_EQ(o.client_key, key);
  EXPECT_EQ(o.ca_file, pki().ca_cert);
  EXPECT_FALSE(o.verify);
  EXPECT_EQ(certificate_cn(*make_client_tls_context(o)), "CP-7");
}

TEST_F(TlsContext, options_for_identity_without_files_name_both_paths) {
  fs::create_directories(cert_dir());
  const auto dir = cert_dir().string();
  const auto cert = (cert_dir() / "CP-NONE.pem").string();
  const auto key = (cert_dir() / "CP-NONE.key").string();
  try {
    (void)tls_options_for_identity({}, dir, "CP-NONE");
    FAIL() << "missing certificate files were accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(mentions(e.what(), cert)) << e.what();
    EXPECT_TRUE(mentions(e.what(), key)) << e.what();
    EXPECT_TRUE(mentions(e.what(), "CP-NONE")) << e.what();
    EXPECT_TRUE(mentions(e.what(), "neither exists")) << e.what();
  }
  // Only the certificate there: the key is what is missing.
  fs::copy_file(pki().client_cert, cert);
  try {
    (void)tls_options_for_identity({}, dir, "CP-NONE");
    FAIL() << "a certificate without its key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(mentions(e.what(), key)) << e.what();
    EXPECT_TRUE(mentions(e.what(), "key is missing")) << e.what();
  }
}

TEST_F(TlsContext, identities_that_would_leave_the_directory_are_refused) {
  fs::create_directories(cert_dir());
  for (const std::string bad : {"", ".", "..", "../CP-1", "a/b"})
    EXPECT_THROW((void)tls_options_for_identity({}, cert_dir().string(), bad), std::runtime_error) << bad;
}

// ---------------------------------------------------------------- the PKI itself

TEST_F(TlsContext, test_pki_makes_what_it_promises) {
  for (const auto* path : {&pki().ca_cert, &pki().ca_key, &pki().wrong_ca_cert, &pki().server_cert, &pki().server_key,
                           &pki().wrong_name_cert, &pki().wrong_name_key, &pki().client_cert, &pki().client_key,
                           &pki().wrong_ca_client_cert, &pki().mismatched_client_key})
    EXPECT_TRUE(fs::is_regular_file(*path)) << *path;
  EXPECT_EQ(pki().client_identity(), "CP-PKI-1");
  fs::path dir;
  {
    TestPki scratch{"CP-SCRATCH"};
    dir = scratch.dir();
    EXPECT_TRUE(fs::is_directory(dir));
  }
  EXPECT_FALSE(fs::exists(dir)) << "the destructor must remove the temp directory";
}

} // namespace
} // namespace ocppfleet::transport
