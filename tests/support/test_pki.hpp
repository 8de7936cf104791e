#pragma once

// A throwaway PKI made with the `openssl` command line tool (installed by scripts/setup.sh)
// in a fresh temporary directory, removed again by the destructor. Everything an
// OCPP security-profile test needs: a trusted CA, an unrelated CA, server certificates
// with the right and a wrong name, and client certificates (security profile 3).
// Keys are EC prime256v1 (fast to make); certificates are valid from now for two days.
//
// Separate from the C++ code under test on purpose: the certificates come from an
// independent tool, not from the OpenSSL API calls the simulator makes itself.

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace ocppfleet::testing {

using namespace std::chrono_literals;

class TestPki {
public:
  // Makes the whole set; client_identity is the CN of the client certificate. Throws
  // std::runtime_error naming the failing openssl command and its output (or "is openssl
  // installed?" when it cannot run) when anything fails or one command takes longer than
  // command_timeout.
  explicit TestPki(std::string client_identity = "CP-TLS-1", std::chrono::milliseconds command_timeout = 20s);
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  const std::string& client_identity() const { return client_identity_; }

  // All absolute paths of PEM files inside dir().
  std::string ca_cert, ca_key;                           // the trusted CA (self-signed)
  std::string wrong_ca_cert, wrong_ca_key;               // a second, unrelated CA nobody trusts
  std::string server_cert, server_key;                   // SAN IP:127.0.0.1, DNS:localhost; by the CA
  std::string wrong_name_cert, wrong_name_key;           // SAN DNS:wrong.example only; by the CA
  std::string client_cert, client_key;                   // CN = client_identity; by the CA
  std::string wrong_ca_client_cert, wrong_ca_client_key; // CN = client_identity; by the wrong CA
  std::string mismatched_client_key;                     // a valid key that belongs to no certificate

  // Issues another client certificate (CN = identity, signed by the CA) as
  // <out_dir>/<identity>.pem and <out_dir>/<identity>.key, the layout
  // transport::tls_options_for_identity expects. out_dir is created if needed.
  // Returns {cert path, key path}.
  std::pair<std::string, std::string> issue_client(const std::string& identity, const std::filesystem::path& out_dir);

private:
  void openssl(const std::vector<std::string>& args);
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  void make_ca(const std::string& cn, const std::string& cert, const std::string& key);
  // A leaf certificate signed by ca; ext = the lines of an OpenSSL extensions file.
  void make_leaf(const std::string& cn, const std::string& ext, const std::string& ca, const std::string& ca_key,
                 const std::string& cert, const std::string& key);

  std::filesystem::path dir_;
  std::string client_identity_;
  std::chrono::milliseconds timeout_;
  std::string config_; // a minimal openssl.cnf, so the host's config cannot add extensions
  long next_serial_ = 1000;
  int next_scratch_ = 0;
};

} // namespace ocppfleet::testing
