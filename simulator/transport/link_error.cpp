#include "simulator/transport/link_error.hpp"

namespace ocppfleet::transport {
namespace {
class LinkCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "ocppfleet.link"; }
  std::string message(int ev) const override {
    switch (static_cast<LinkError>(ev)) {
    case LinkError::InvalidUrl: return "invalid CSMS URL";
    case LinkError::DnsFailure: return "could not resolve the CSMS host name";
    case LinkError::ConnectionRefused: return "connection refused by the CSMS";
    case LinkError::ConnectFailed: return "could not connect to the CSMS";
    case LinkError::ConnectTimeout: return "timed out connecting to the CSMS";
    case LinkError::TlsHandshakeFailed: return "TLS handshake failed";
    case LinkError::TlsVerificationFailed: return "the CSMS certificate did not verify";
    case LinkError::HandshakeTimeout: return "timed out in the WebSocket/TLS handshake";
    case LinkError::HttpUnauthorized: return "the CSMS answered 401 Unauthorized to the WebSocket upgrade";
    case LinkError::UpgradeRejected: return "the CSMS rejected the WebSocket upgrade";
    case LinkError::SubprotocolMissing: return "the CSMS did not select an OCPP subprotocol";
    case LinkError::SubprotocolMismatch: return "the CSMS selected a different OCPP subprotocol";
    case LinkError::PongTimeout: return "no WebSocket pong within the pong timeout";
    case LinkError::ClosedByPeer: return "the CSMS closed the connection";
    case LinkError::ConnectionLost: return "the connection was lost";
    case LinkError::Stopped: return "the connection was closed by the simulator";
    case LinkError::TlsCertificateRejected: return "the CSMS refused the client certificate (or required one)";
    case LinkError::HttpNotFound:
      return "the CSMS answered 404 Not Found to the WebSocket upgrade (check the URL path)";
    case LinkError::UpgradeRedirected: return "the CSMS redirected the WebSocket upgrade (redirects are not followed)";
    case LinkError::HttpServerError: return "the CSMS answered the WebSocket upgrade with a server error (5xx)";
    case LinkError::MessageTooBig: return "the CSMS sent a message larger than the inbound limit";
    case LinkError::SourceAddressUnavailable: return "the source address is not configured on this host";
    }
    return "unknown link error";
  }
};
} // namespace

const std::error_category& link_category() noexcept {
  static const LinkCategory category;
  return category;
}

std::error_code make_error_code(LinkError e) noexcept { return {static_cast<int>(e), link_category()}; }

std::string_view code_name(LinkError e) noexcept {
  switch (e) {
  case LinkError::InvalidUrl: return "invalid_url";
  case LinkError::DnsFailure: return "dns_failure";
  case LinkError::ConnectionRefused: return "connection_refused";
  case LinkError::ConnectFailed: return "connect_failed";
  case LinkError::ConnectTimeout: return "connect_timeout";
  case LinkError::TlsHandshakeFailed: return "tls_handshake_failed";
  case LinkError::TlsVerificationFailed: return "tls_verification_failed";
  case LinkError::HandshakeTimeout: return "handshake_timeout";
  case LinkError::HttpUnauthorized: return "http_unauthorized";
  case LinkError::UpgradeRejected: return "upgrade_rejected";
  case LinkError::SubprotocolMissing: return "subprotocol_missing";
  case LinkError::SubprotocolMismatch: return "subprotocol_mismatch";
  case LinkError::PongTimeout: return "pong_timeout";
  case LinkError::ClosedByPeer: return "closed_by_peer";
  case LinkError::ConnectionLost: return "connection_lost";
  case LinkError::Stopped: return "stopped";
  case LinkError::TlsCertificateRejected: return "tls_certificate_rejected";
  case LinkError::HttpNotFound: return "http_not_found";
  case LinkError::UpgradeRedirected: return "upgrade_redirected";
  case LinkError::HttpServerError: return "http_server_error";
  case LinkError::MessageTooBig: return "message_too_big";
  case LinkError::SourceAddressUnavailable: return "source_address_unavailable";
  }
  return "unknown";
}

bool is_retryable(LinkError e) noexcept {
  switch (e) {
  case LinkError::InvalidUrl:
  case LinkError::TlsVerificationFailed:
  case LinkError::TlsCertificateRejected:
  case LinkError::HttpUnauthorized:
  case LinkError::SubprotocolMissing:
  case LinkError::SubprotocolMismatch:
  case LinkError::HttpNotFound:
  case LinkError::UpgradeRedirected:
  case LinkError::SourceAddressUnavailable:
  case LinkError::Stopped: return false;
  default: return true;
  }
}

} // namespace ocppfleet::transport
