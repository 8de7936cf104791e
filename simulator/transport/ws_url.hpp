#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::transport {

// A parsed CSMS endpoint: ws[s]://host[:port][/path]. The charger's URL is the path plus
// "/" plus its percent-encoded identity (OCPP-J §3.1).
struct WsUrl {
  bool tls = false;
  std::string host; // without brackets for IPv6
  std::string port; // numeric, defaulted from the scheme
  std::string path; // without trailing slash; may be empty
  [[nodiscard]] bool default_port() const { return port == (tls ? "443" : "80"); }
  // Value of the Host header: host[:port], IPv6 in brackets.
  [[nodiscard]] std::string host_header() const;
  // Request target for a charger: path + "/" + percent-encoded identity. Only meaningful for
  // a valid() URL (the Link refuses to connect with any other).
  [[nodiscard]] std::string target_for(std::string_view identity) const;
  // The checks parse_ws_url applies to each part, for a WsUrl built by hand: host is a DNS
  // name or address (letters, digits, '-', '.', '_', '~'; IPv6: hex digits, ':' and '.'),
  // port 1-65535 without sign or leading junk, path empty or '/'-led RFC 3986 path
  // characters with well-formed %XX escapes. Nothing that could end the request line or
  // start a header (CR, LF, space, other control characters, non-ASCII) passes.
  [[nodiscard]] bool valid(std::string* error = nullptr) const;
};

struct WsUrlError {
  std::string message;
};

// Accepts ws:// and wss:// (case-insensitive scheme); rejects anything else with a clear
// message (other scheme, missing host, bad port, query/fragment, user-info, and any control
// character, space or non-ASCII byte anywhere: the host and path go into the upgrade
// request's request line and Host header as they are, so they must not be able to end a
// line there).
std::optional<WsUrl> parse_ws_url(std::string_view text, std::string* error = nullptr);

} // namespace ocppfleet::transport
