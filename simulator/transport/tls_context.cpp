#include "simulator/transport/tls_context.hpp"

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <tuple>

namespace ocppfleet::transport {
namespace {

namespace ssl = boost::asio::ssl;
using Context = ssl::context;

void set_base_options(Context& ctx) {
  ctx.set_options(Context::default_workarounds | Context::no_sslv2 | Context::no_sslv3 | Context::no_tlsv1 |
                  Context::no_tlsv1_1);
  // Idle TLS connections keep no read/write buffers: this matters at 10k+ connections.
  SSL_CTX_set_mode(ctx.native_handle(), SSL_MODE_RELEASE_BUFFERS);
}

// OpenSSL reports a missing file or a directory as a bare "system lib" error; say what is
// wrong before it gets to try.
void require_readable_file(const std::string& what, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found)
    throw std::runtime_error("cannot load " + what + " '" + path + "': no such file");
  if (ec) throw std::runtime_error("cannot load " + what + " '" + path + "': " + ec.message());
  if (fs::is_directory(status))
    throw std::runtime_error("cannot load " + what + " '" + path + "': it is a directory, not a PEM file");
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    const int err = errno;
    throw std::runtime_error("cannot load " + what + " '" + path + "': " + std::strerror(err));
  }
  std::fclose(f);
}

void set_verify_mode(Context& ctx, const TlsOptions& options) {
  boost::system::error_code ec;
  ctx.set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none, ec);
}

void load_trust(Context& ctx, const TlsOptions& options) {
  if (!options.verify) return;
  boost::system::error_code ec;
  if (options.ca_file) {
    require_readable_file("CA file", *options.ca_file);
    ctx.load_verify_file(*options.ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file '" + *options.ca_file + "': " + ec.message());
  } else {
    ctx.set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the system trust store: " + ec.message());
  }
}

void load_client_certificate(Context& ctx, const TlsOptions& options) {
  if (!options.client_cert && !options.client_key) return;
  if (!options.client_cert || !options.client_key)
    throw std::runtime_error("a client certificate needs both a certificate file and a key file");
  require_readable_file("client certificate", *options.client_cert);
  require_readable_file("client key", *options.client_key);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(*options.client_cert, ec);
  if (ec) throw std::runtime_error("cannot load client certificate '" + *options.client_cert + "': " + ec.message());
  ctx.use_private_key_file(*options.client_key, Context::pem, ec);
  // OpenSSL checks the key against the loaded certificate right here, so a mismatch
  // surfaces as this load error ("key values mismatch"), not at the check below.
  const bool mismatch = ec && ec.category() == boost::asio::error::get_ssl_category() &&
                        ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_X509 &&
                        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (mismatch || (!ec && SSL_CTX_check_private_key(ctx.native_handle()) != 1))
    throw std::runtime_error("client key '" + *options.client_key + "' does not match certificate '" +
                             *options.client_cert + "'");
  if (ec) throw std::runtime_error("cannot load client key '" + *options.client_key + "': " + ec.message());
}

// ---------------------------------------------------------------- the shared cache

using Key = std::tuple<bool, std::optional<std::string>, std::optional<std::string>, std::optional<std::string>>;

Key key_of(const TlsOptions& o) { return {o.verify, o.ca_file, o.client_cert, o.client_key}; }

class ContextCache {
public:
  std::shared_ptr<Context> get(const TlsOptions& options) {
    // Held while a context is made: two chargers asking at once must not both load the
    // files, and the trust context below comes from the same map.
    std::lock_guard lock{mutex_};
    return get_locked(options);
  }

private:
  std::shared_ptr<Context> get_locked(const TlsOptions& options) {
    const Key key = key_of(options);
    if (auto it = contexts_.find(key); it != contexts_.end()) {
      if (auto ctx = it->second.lock()) return ctx;
    }
    auto ctx = make(options);
    contexts_[key] = ctx;
    if (contexts_.size() >= prune_at_) prune();
    return ctx;
  }

  std::shared_ptr<Context> make(const TlsOptions& options) {
    const bool has_client_cert = options.client_cert || options.client_key;
    if (!options.verify || !has_client_cert) return make_client_tls_context(options);
    // Borrow the CA store of the same trust settings without a client certificate
    // (X509_STORE is reference counted and safe to share across threads).
    TlsOptions trust_only = options;
    trust_only.client_cert.reset();
    trust_only.client_key.reset();
    auto holder = std::make_shared<Borrowing>();
    holder->trust = get_locked(trust_only);
    Context& ctx = holder->ctx;
    set_base_options(ctx);
    set_verify_mode(ctx, options);
    SSL_CTX_set1_cert_store(ctx.native_handle(), SSL_CTX_get_cert_store(holder->trust->native_handle()));
    load_client_certificate(ctx, options);
    return {holder, &holder->ctx};
  }

  // Keeps the lender alive (and so findable in the map) while any borrower lives: else the
  // next charger's certificate would find it gone and load a second copy of the CA store.
  struct Borrowing {
    std::shared_ptr<Context> trust;
    Context ctx{Context::tls_client};
  };

  // Amortised: sweeps dead entries once the map has doubled since the last sweep.
  void prune() {
    std::erase_if(contexts_, [](const auto& entry) { return entry.second.expired(); });
    prune_at_ = 2 * contexts_.size() + 16;
  }

  std::mutex mutex_;
  std::map<Key, std::weak_ptr<Context>> contexts_;
  std::size_t prune_at_ = 16;
};

} // namespace

std::shared_ptr<Context> make_client_tls_context(const TlsOptions& options) {
  auto ctx = std::make_shared<Context>(Context::tls_client);
  set_base_options(*ctx);
  set_verify_mode(*ctx, options);
  load_trust(*ctx, options);
  load_client_certificate(*ctx, options);
  return ctx;
}

std::shared_ptr<Context> shared_client_tls_context(const TlsOptions& options) {
  static ContextCache cache;
  return cache.get(options);
}

TlsOptions tls_options_for_identity(const TlsOptions& base, const std::string& cert_dir, const std::string& identity) {
  namespace fs = std::filesystem;
  // The identity becomes a file name: refuse anything that would leave cert_dir.
  if (identity.empty() || identity == "." || identity == ".." || identity.find('/') != std::string::npos ||
      identity.find('\0') != std::string::npos)
    throw std::runtime_error("charger identity '" + identity + "' cannot name a certificate file in '" + cert_dir +
                             "'");
  const fs::path dir{cert_dir};
  const std::string cert = (dir / (identity + ".pem")).string();
  const std::string key = (dir / (identity + ".key")).string();
  std::error_code ec;
  const bool have_cert = fs::is_regular_file(cert, ec);
  const bool have_key = fs::is_regular_file(key, ec);
  if (!have_cert || !have_key) {
    std::string missing = !have_cert && !have_key ? "neither exists"
                          : !have_cert            ? "the certificate is missing"
                                                  : "the key is missing";
    throw std::runtime_error("no client certificate for charger '" + identity + "': expected '" + cert + "' and '" +
                             key + "' (" + missing + ")");
  }
  TlsOptions out = base;
  out.client_cert = cert;
  out.client_key = key;
  return out;
}

} // namespace ocppfleet::transport
