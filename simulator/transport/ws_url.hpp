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
  // Request target for a charger: path + "/" + percent-encoded identity.
  [[nodiscard]] std::string target_for(std::string_view identity) const;
};

struct WsUrlError {
  std::string message;
};

// Accepts ws:// and wss:// (case-insensitive scheme); rejects anything else with a clear
// message (other scheme, missing host, bad port, query/fragment, user-info).
std::optional<WsUrl> parse_ws_url(std::string_view text, std::string* error = nullptr);

} // namespace ocppfleet::transport
