#include "simulator/transport/session.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <netinet/in.h>

#include <cctype>
#include <iterator>
#include <optional>
#include <vector>

#include <openssl/err.h>

#include "simulator/transport/link.hpp"
#include "simulator/transport/source_address_pool.hpp"

namespace ocppfleet::transport {
namespace {

// A TLS alert from the server about our certificate (missing, untrusted, expired, ...).
bool is_certificate_alert(const boost::system::error_code& ec) {
  if (ec.category() != boost::asio::error::get_ssl_category()) return false;
  switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
  case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
  case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
  case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
  case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
  case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
  case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
  case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
  case SSL_R_TLSV1_ALERT_ACCESS_DENIED: return true;
  default: return false;
  }
}

} // namespace

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string basic_auth_header(const std::string& user, const std::string& password) {
  const std::string plain = user + ":" + password;
  std::string out(beast::detail::base64::encoded_size(plain.size()), '\0');
  out.resize(beast::detail::base64::encode(out.data(), plain.data(), plain.size()));
  return "Basic " + out;
}

#ifdef IP_BIND_ADDRESS_NO_PORT
// bind(address, 0) alone picks the ephemeral port at bind time, when the destination is
// not known yet, so the port stays reserved against every destination: one source address
// would then carry ~28k sockets in total instead of ~28k per CSMS endpoint. With this option
// (Linux >= 4.2) the port is chosen at connect time, as for an unbound socket.
using bind_address_no_port = asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;
#endif

std::string_view family_name(const asio::ip::address& a) { return a.is_v4() ? "IPv4" : "IPv6"; }

bool is_ip_literal(const std::string& host) {
  error_code ec;
  (void)asio::ip::make_address(host, ec);
  return !ec;
}

template <class NextLayer>
class WsSession final : public SessionBase, public std::enable_shared_from_this<WsSession<NextLayer>> {
  static constexpr bool tls = !std::is_same_v<NextLayer, tcp::socket>;

public:
  WsSession(Link& link, std::shared_ptr<const LinkConfig> config, std::string target, NextLayer&& next)
      : SessionBase(&link), config_(std::move(config)), target_(std::move(target)), ws_(std::move(next)) {}

  void run() override { do_resolve(); }

  bool send(std::string frame) override {
    if (closing_ || !open_ || queue_.size() > config_->max_outbound_queue) return false;
    queue_.push_back(std::move(frame));
    if (!writing_) do_write();
    return true;
  }

  void ping() override {
    if (!open_ || closing_ || pinging_) return;
    pinging_ = true;
    ws_.async_ping({}, [self = this->shared_from_this()](error_code) { self->pinging_ = false; });
  }

  void close_graceful() override {
    if (closing_) return;
    if (!open_) return abort(LinkError::Stopped);
    closing_ = true;
    forced_ = LinkError::Stopped;
    ws_.async_close(websocket::close_code::normal, [self = this->shared_from_this()](error_code) {
      // The read loop completes with `closed` (or an error) and reports.
      self->close_socket();
    });
  }

  void abort(LinkError reason) override {
    if (!forced_) forced_ = reason;
    closing_ = true;
    if (resolver_) resolver_->cancel();
    close_socket();
  }

private:
  void close_socket() {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

  void do_resolve() {
    resolver_.emplace(ws_.get_executor());
    resolver_->async_resolve(config_->url.host, config_->url.port,
                             [self = this->shared_from_this()](error_code ec, tcp::resolver::results_type results) {
                               self->on_resolve(ec, std::move(results));
                             });
  }

  void on_resolve(error_code ec, tcp::resolver::results_type results) {
    resolver_.reset();
    if (forced_) return finish(*forced_, "");
    if (ec) return finish(LinkError::DnsFailure, "cannot resolve '" + config_->url.host + "': " + ec.message());
    if (config_->source_addresses) return connect_from_source(results);
    asio::async_connect(
        beast::get_lowest_layer(ws_), results,
        [self = this->shared_from_this()](error_code ec2, const tcp::endpoint&) { self->on_connect(ec2); });
  }

  // With a source address pool: bind to the charger's address, then connect. Asio's range
  // connect opens a fresh (unbound) socket per endpoint, so walk the endpoints of the source
  // address's family here, opening and binding a socket for each.
  void connect_from_source(const tcp::resolver::results_type& results) {
    source_index_ = link_ != nullptr ? link_->source_index() : 0;
    const auto& source = config_->source_addresses->address_for(source_index_);
    candidates_.clear();
    for (const auto& entry : results) {
      if (entry.endpoint().address().is_v4() == source.is_v4()) candidates_.push_back(entry.endpoint());
    }
    if (candidates_.empty())
      return finish(LinkError::ConnectFailed, "source address " + source.to_string() + " is " +
                                                  std::string{family_name(source)} + " but '" + config_->url.host +
                                                  "' has no " + std::string{family_name(source)} + " address");
    next_candidate_ = 0;
    do_bound_connect();
  }

  void do_bound_connect() {
    const auto& source = config_->source_addresses->address_for(source_index_);
    const tcp::endpoint remote = candidates_[next_candidate_++];
    auto& socket = beast::get_lowest_layer(ws_);
    error_code ec;
    socket.close(ec);
    socket.open(remote.protocol(), ec);
    if (ec) return finish(LinkError::ConnectFailed, "cannot open a socket: " + ec.message());
#ifdef IP_BIND_ADDRESS_NO_PORT
    error_code ignored; // older kernels: bind still works, with fewer ports per address
    socket.set_option(bind_address_no_port{true}, ignored);
#endif
    socket.bind(tcp::endpoint{source, 0}, ec);
    if (ec) {
      std::string detail = "cannot bind to source address " + source.to_string() + ": " + ec.message();
      // Not configured here: retrying cannot help, fail fast. Other bind errors may pass.
      if (ec == boost::system::errc::address_not_available)
        return finish(LinkError::SourceAddressUnavailable, detail + " (is it configured on this host?)");
      return finish(LinkError::ConnectFailed, std::move(detail));
    }
    socket.async_connect(remote, [self = this->shared_from_this()](error_code ec2) { self->on_bound_connect(ec2); });
  }

  void on_bound_connect(error_code ec) {
    if (ec && !forced_ && next_candidate_ < candidates_.size()) return do_bound_connect();
    candidates_ = {}; // idle sessions keep no endpoint list
    on_connect(ec);
  }

  void on_connect(error_code ec) {
    if (forced_) return finish(*forced_, "");
    if (ec == asio::error::connection_refused)
      return finish(LinkError::ConnectionRefused,
                    "connection refused by " + config_->url.host + ":" + config_->url.port);
    // Linux reports a connect without a free ephemeral port (to this destination, from this
    // source address) as EADDRNOTAVAIL: say so, the OS text alone does not.
    if (ec == boost::system::errc::address_not_available)
      return finish(LinkError::ConnectFailed, "no free local port to reach " + config_->url.host + ":" +
                                                  config_->url.port + " (" + ec.message() +
                                                  "); spread the chargers over more source addresses");
    if (ec) return finish(LinkError::ConnectFailed, ec.message());
    error_code ignored;
    beast::get_lowest_layer(ws_).set_option(tcp::no_delay(true), ignored);
    if (link_ != nullptr) link_->session_connected(this);
    if constexpr (tls) {
      do_tls_handshake();
    } else {
      do_ws_handshake();
    }
  }

  void do_tls_handshake() {
    if constexpr (tls) {
      auto& stream = ws_.next_layer();
      SSL* ssl = stream.native_handle();
      const std::string& host = config_->url.host;
      const bool ip = is_ip_literal(host);
      if (!ip) SSL_set_tlsext_host_name(ssl, host.c_str()); // no SNI for IP literals (RFC 6066)
      if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0) {
        // Let OpenSSL check the name during chain verification: a mismatch then fails with
        // X509_V_ERR_HOSTNAME_MISMATCH / IP_ADDRESS_MISMATCH in the verify result. (Asio's
        // host_name_verification callback rejects without setting an error, which OpenSSL 3
        // reports as "unspecified certificate verification error".)
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        int ok = 0;
        if (ip) {
          ok = X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
        } else {
          X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
          ok = X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
        }
        if (ok != 1) return finish(LinkError::TlsHandshakeFailed, "cannot verify host name '" + host + "'");
      }
      stream.async_handshake(asio::ssl::stream_base::client,
                             [self = this->shared_from_this()](error_code ec) { self->on_tls_handshake(ec); });
    }
  }

  void on_tls_handshake(error_code ec) {
    if constexpr (tls) {
      if (forced_) return finish(*forced_, "");
      if (ec) {
        SSL* ssl = ws_.next_layer().native_handle();
        // OpenSSL records a verify result even with verification off; only then is it the cause.
        const bool verifying = (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0;
        const long verify = SSL_get_verify_result(ssl);
        if (verifying && verify != X509_V_OK)
          return finish(LinkError::TlsVerificationFailed, "certificate of " + config_->url.host + " did not verify: " +
                                                              X509_verify_cert_error_string(verify));
        if (is_certificate_alert(ec))
          return finish(LinkError::TlsCertificateRejected,
                        "the CSMS refused the TLS handshake over our client certificate: " + ec.message());
        return finish(LinkError::TlsHandshakeFailed, ec.message());
      }
      do_ws_handshake();
    }
  }

  void do_ws_handshake() {
    const std::optional<std::string> password = link_ != nullptr ? link_->basic_auth_password() : std::nullopt;
    const std::string user = link_ != nullptr ? link_->identity() : std::string{};
    ws_.set_option(websocket::stream_base::decorator(
        [sub = config_->subprotocol,
         auth = password ? basic_auth_header(user, *password) : std::string{}](websocket::request_type& req) {
          req.set(http::field::user_agent, "ocppfleet");
          req.set(http::field::sec_websocket_protocol, sub);
          if (!auth.empty()) req.set(http::field::authorization, auth);
        }));
    response_ = std::make_unique<websocket::response_type>();
    ws_.async_handshake(*response_, config_->url.host_header(), target_,
                        [self = this->shared_from_this()](error_code ec) { self->on_ws_handshake(ec); });
  }

  // A non-101 answer to the upgrade, named by what it means for retrying.
  void declined(const websocket::response_type& response) {
    const unsigned status = response.result_int();
    const std::string what = "HTTP " + std::to_string(status) + " at the WebSocket upgrade";
    if (status == 401) return finish(LinkError::HttpUnauthorized, what + " (check the Basic auth password)");
    if (status == 404) return finish(LinkError::HttpNotFound, what + " (no CSMS endpoint at " + target_ + ")");
    if (status >= 300 && status < 400) {
      const auto location = response[http::field::location];
      return finish(LinkError::UpgradeRedirected,
                    what + (location.empty() ? std::string{} : " to " + std::string{location}) +
                        "; redirects are not followed: point the URL there");
    }
    if (status >= 500) return finish(LinkError::HttpServerError, what);
    // A server that refuses our subprotocol says so in a 400 (e.g. ocpp-rpc: "no common
    // subprotocol"); that is a configuration error like a mismatch, not worth retrying.
    std::string body = response.body().substr(0, 200);
    for (auto& ch : body)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (status == 400 && body.find("protocol") != std::string::npos)
      return finish(LinkError::SubprotocolMismatch,
                    what + ": the CSMS refused subprotocol '" + config_->subprotocol + "' (" + body + ")");
    return finish(LinkError::UpgradeRejected, what);
  }

  void on_ws_handshake(error_code ec) {
    const auto response = std::move(response_);
    if (forced_) return finish(*forced_, "");
    if (ec == websocket::error::upgrade_declined) {
      return declined(*response);
    }
    if constexpr (tls) {
      // With TLS 1.3 the server judges our certificate after our handshake completed: its
      // alert (e.g. "certificate required") arrives while we read the upgrade answer.
      if (ec && is_certificate_alert(ec))
        return finish(LinkError::TlsCertificateRejected,
                      "the CSMS refused our client certificate during the WebSocket upgrade: " + ec.message());
      if (ec && ec.category() == asio::error::get_ssl_category())
        return finish(LinkError::TlsHandshakeFailed, "TLS failure during the WebSocket upgrade: " + ec.message());
    }
    if (ec) return finish(LinkError::ConnectionLost, "WebSocket upgrade failed: " + ec.message());
    const auto chosen = (*response)[http::field::sec_websocket_protocol];
    if (chosen.empty())
      return finish(LinkError::SubprotocolMissing,
                    "the server accepted the upgrade without selecting subprotocol '" + config_->subprotocol + "'");
    if (chosen != config_->subprotocol)
      return finish(LinkError::SubprotocolMismatch, "the server selected subprotocol '" + std::string{chosen} +
                                                        "', expected '" + config_->subprotocol + "'");
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = config_->handshake_timeout; // bounds the close handshake
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(config_->max_inbound_message);
    ws_.auto_fragment(false);
    ws_.write_buffer_bytes(512); // client frames are masked through this buffer; most OCPP frames fit
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::pong && link_ != nullptr) link_->session_pong(this);
    });
    open_ = true;
    if (link_ != nullptr) link_->session_open(this);
    do_read();
  }

  // Reads a message in small pieces. Beast's whole-message read reserves ~1.5 KiB in the
  // buffer before any byte arrives, i.e. for as long as a charger is idle; with a small
  // limit an idle connection holds kReadChunk bytes, and a large message still
  // accumulates (read_message_max still bounds it).
  static constexpr std::size_t kReadChunk = 128;

  void do_read() {
    ws_.async_read_some(buffer_, kReadChunk,
                        [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) {
      if (forced_) return finish(*forced_, "");
      if (ec == websocket::error::closed) {
        const auto& reason = ws_.reason();
        return finish(
            LinkError::ClosedByPeer,
            "close code " + std::to_string(reason.code) +
                (reason.reason.empty() ? "" : " (" + std::string(reason.reason.data(), reason.reason.size()) + ")"));
      }
      if (ec == websocket::error::message_too_big)
        return finish(LinkError::MessageTooBig, "inbound message over " + std::to_string(config_->max_inbound_message) +
                                                    " bytes (LinkConfig::max_inbound_message); closed with 1009");
      return finish(LinkError::ConnectionLost, ec.message());
    }
    if (!ws_.is_message_done()) return do_read();
    const auto data = buffer_.cdata();
    const std::string_view text{static_cast<const char*>(data.data()), data.size()};
    if (link_ != nullptr && !closing_) link_->session_message(this, text);
    buffer_.consume(buffer_.size());
    // An idle charger holds no read buffer: the next message allocates one again, which
    // costs far less than keeping ~1.5 KiB per connection for messages every minute.
    buffer_.shrink_to_fit();
    if (!reported_) do_read();
  }

  void do_write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    writing_ = false;
    if (reported_) {
      queue_.clear(); // finish() kept the frame that was being written alive until now
      return;
    }
    if (ec) {
      // The read side observes the failure too and reports it; make sure it does.
      if (!forced_) forced_ = LinkError::ConnectionLost;
      close_socket();
      return;
    }
    queue_.erase(queue_.begin());
    if (queue_.empty()) {
      queue_.shrink_to_fit();
    } else if (!closing_) {
      do_write();
    }
  }

  void finish(LinkError code, std::string detail) {
    if (reported_) return;
    reported_ = true;
    const bool was_open = open_;
    open_ = false;
    closing_ = true;
    close_socket();
    // The frame being written must stay valid until its write completes (Asio's buffer
    // rule); on_write drops it. The frames behind it are dropped now.
    if (writing_) {
      queue_.erase(std::next(queue_.begin()), queue_.end());
    } else {
      queue_.clear();
    }
    // Forced ends (timeouts, stop, drop) carry no specifics: say at least what happened.
    if (detail.empty()) detail = make_error_code(code).message();
    if (link_ != nullptr) link_->session_closed(this, LinkFailure{code, std::move(detail), was_open});
  }

  std::shared_ptr<const LinkConfig> config_;
  std::string target_;
  websocket::stream<NextLayer, false> ws_; // no permessage-deflate: smaller per-connection state
  std::optional<tcp::resolver> resolver_;
  std::vector<tcp::endpoint> candidates_; // with a source pool: the endpoints to try, in order
  std::uint32_t next_candidate_ = 0;
  std::uint32_t source_index_ = 0;
  std::unique_ptr<websocket::response_type> response_;
  beast::flat_buffer buffer_;
  // A vector, not a deque: libstdc++'s empty deque allocates ~600 bytes up front, and
  // thousands of idle chargers each hold an empty queue.
  std::vector<std::string> queue_;
  std::optional<LinkError> forced_;
  bool open_ = false;
  bool writing_ = false;
  bool pinging_ = false;
  bool closing_ = false;
  bool reported_ = false;
};

} // namespace

std::shared_ptr<SessionBase> make_session(asio::any_io_executor executor, Link& link,
                                          std::shared_ptr<const LinkConfig> config, std::string target) {
  if (config->url.tls) {
    using Next = asio::ssl::stream<tcp::socket>;
    Next next{tcp::socket{executor}, *config->tls};
    return std::make_shared<WsSession<Next>>(link, std::move(config), std::move(target), std::move(next));
  }
  return std::make_shared<WsSession<tcp::socket>>(link, std::move(config), std::move(target), tcp::socket{executor});
}

} // namespace ocppfleet::transport
