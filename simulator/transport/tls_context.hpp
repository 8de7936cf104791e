#pragma once
// Client TLS contexts. One context is shared by every charger with the same trust and
// client-certificate settings (a context holds the CA store: copying it per charger
// would cost hundreds of KiB each).
#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace ocppfleet::transport {

struct TlsOptions {
  bool verify = true;                      // verify the server certificate and host name
  std::optional<std::string> ca_file;      // PEM bundle; default: the system trust store
  std::optional<std::string> client_cert;  // PEM (security profile 3)
  std::optional<std::string> client_key;   // PEM
};

// Throws std::runtime_error with a user-facing message for unreadable/mismatched files.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

} // namespace ocppfleet::transport
