#include "simulator/transport/tls_context.hpp"

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace ocppfleet::transport {

std::shared_ptr<boost::asio::ssl::context> make_client_tls_context(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  // Idle TLS connections keep no read/write buffers: this matters at 10k+ connections.
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ec;
  if (options.verify) {
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (options.ca_file) {
      ctx->load_verify_file(*options.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load CA file '" + *options.ca_file + "': " + ec.message());
    } else {
      ctx->set_default_verify_paths(ec);
      if (ec) throw std::runtime_error("cannot load the system trust store: " + ec.message());
    }
  } else {
    ctx->set_verify_mode(ssl::verify_none, ec);
  }
  if (options.client_cert || options.client_key) {
    if (!options.client_cert || !options.client_key)
      throw std::runtime_error("a client certificate needs both a certificate file and a key file");
    ctx->use_certificate_chain_file(*options.client_cert, ec);
    if (ec) throw std::runtime_error("cannot load client certificate '" + *options.client_cert + "': " + ec.message());
    ctx->use_private_key_file(*options.client_key, ssl::context::pem, ec);
    // OpenSSL checks the key against the loaded certificate right here, so a mismatch
    // surfaces as this load error ("key values mismatch"), not at the check below.
    const bool mismatch = ec && ec.category() == boost::asio::error::get_ssl_category() &&
                          ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_X509 &&
                          ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
    if (mismatch || (!ec && SSL_CTX_check_private_key(ctx->native_handle()) != 1))
      throw std::runtime_error("client key '" + *options.client_key + "' does not match certificate '" +
                               *options.client_cert + "'");
    if (ec) throw std::runtime_error("cannot load client key '" + *options.client_key + "': " + ec.message());
  }
  return ctx;
}

} // namespace ocppfleet::transport
