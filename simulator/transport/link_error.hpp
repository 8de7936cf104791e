#pragma once
// Typed transport failures. Each has a stable code name (used by the control API's
// FAILED status and by logs) and says whether retrying can help.
#include <string>
#include <string_view>
#include <system_error>

namespace ocppfleet::transport {

enum class LinkError {
  InvalidUrl = 1,
  DnsFailure,
  ConnectionRefused,
  ConnectFailed,
  ConnectTimeout,
  TlsHandshakeFailed,
  TlsVerificationFailed,
  HandshakeTimeout,
  HttpUnauthorized,   // 401 at the WebSocket upgrade
  UpgradeRejected,    // any other non-101 answer
  SubprotocolMissing, // server accepted without choosing a subprotocol
  SubprotocolMismatch,
  PongTimeout,
  ClosedByPeer,
  ConnectionLost,
  Stopped, // we closed it
  // The server refused our client certificate, or asked for one we do not have (a TLS
  // certificate alert): security profile 3 misconfiguration, not fixed by retrying.
  TlsCertificateRejected,
  HttpNotFound,             // 404 at the upgrade: wrong URL path, not fixed by retrying
  UpgradeRedirected,        // 3xx at the upgrade: we never follow redirects (detail: Location)
  HttpServerError,          // 5xx at the upgrade
  MessageTooBig,            // an inbound message over LinkConfig::max_inbound_message (closed 1009)
  SourceAddressUnavailable, // cannot bind the pool's source address: not configured on this host
};
// One past the largest code (arrays of per-cause counters).
inline constexpr int kLinkErrorCount = static_cast<int>(LinkError::SourceAddressUnavailable) + 1;

const std::error_category& link_category() noexcept;
std::error_code make_error_code(LinkError e) noexcept;

// Stable snake_case name, e.g. "tls_verification_failed".
std::string_view code_name(LinkError e) noexcept;
// Retrying cannot fix wrong credentials, an untrusted certificate or a protocol mismatch:
// the link stops instead of hammering the server.
bool is_retryable(LinkError e) noexcept;

struct LinkFailure {
  LinkError code = LinkError::Stopped;
  std::string detail; // human sentence with the specifics (status, subprotocol, OS error)
  bool was_open = false;
};

} // namespace ocppfleet::transport

template <> struct std::is_error_code_enum<ocppfleet::transport::LinkError> : std::true_type {};
