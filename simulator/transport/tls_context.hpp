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
  bool verify = true;                     // verify the server certificate and host name
  std::optional<std::string> ca_file;     // PEM bundle; default: the system trust store
  std::optional<std::string> client_cert; // PEM (security profile 3)
  std::optional<std::string> client_key;  // PEM

  friend bool operator==(const TlsOptions&, const TlsOptions&) = default;
};

// Throws std::runtime_error with a user-facing message for unreadable/mismatched files.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options);

// Same as make_client_tls_context, but chargers asking with equal options (verify, ca_file,
// client_cert, client_key: compared as given, paths not canonicalised) get the same context
// while any of them still holds it. Contexts with different client certificates but the
// same trust settings share one CA store, so per-charger certificates (security profile 3)
// cost a certificate and a key each, not a trust store each. Files are read when a context
// is first made: a file changed on disk is seen once every holder of the old one let go.
// Thread-safe. Throws like make_client_tls_context (nothing is cached then).
std::shared_ptr<boost::asio::ssl::context> shared_client_tls_context(const TlsOptions& options);

// `base` with client_cert = <cert_dir>/<identity>.pem and client_key = <cert_dir>/<identity>.key.
// The identity is used verbatim as a file name, so it must not contain '/' (or be "." or
// ".."). Throws std::runtime_error naming both paths when either file does not exist.
TlsOptions tls_options_for_identity(const TlsOptions& base, const std::string& cert_dir, const std::string& identity);

} // namespace ocppfleet::transport
