#include "simulator/transport/ws_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "simulator/core/percent_encode.hpp"

namespace ocppfleet::transport {
namespace {
std::optional<WsUrl> fail(std::string* error, std::string msg) {
  if (error != nullptr) *error = std::move(msg);
  return std::nullopt;
}
std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}
} // namespace

std::string WsUrl::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (!default_port()) h += ":" + port;
  return h;
}

std::string WsUrl::target_for(std::string_view identity) const {
  return path + "/" + core::percent_encode_segment(identity);
}

std::optional<WsUrl> parse_ws_url(std::string_view text, std::string* error) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos)
    return fail(error, "ws_url must start with ws:// or wss:// (got '" + std::string{text} + "')");
  const std::string scheme = lower(text.substr(0, scheme_end));
  WsUrl url;
  if (scheme == "ws") {
    url.tls = false;
  } else if (scheme == "wss") {
    url.tls = true;
  } else {
    return fail(error, "unsupported scheme '" + scheme + "': ws_url must use ws:// or wss://");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos)
    return fail(error, "ws_url must not carry a query or fragment");
  const auto path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos)
    return fail(error, "ws_url must not embed credentials; use the charger's Basic auth password setting");
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail(error, "ws_url has an unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(error, "ws_url has junk after the IPv6 address");
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    // "fe80::1" or "h:80:90": an IPv6 literal needs brackets, and there is one port.
    if (host.find(':') != std::string_view::npos)
      return fail(error, "ws_url has an unbracketed ':' in the host (write IPv6 addresses as [addr])");
  }
  if (host.empty()) return fail(error, "ws_url has no host");
  url.host = std::string{host};
  if (port.empty()) {
    url.port = url.tls ? "443" : "80";
  } else {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535)
      return fail(error, "ws_url has an invalid port '" + std::string{port} + "'");
    url.port = std::to_string(value);
  }
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  url.path = std::string{path};
  return url;
}

} // namespace ocppfleet::transport
