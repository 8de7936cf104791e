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

bool alnum(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

// "0x0D at offset 14": where an unprintable byte sits, without echoing it into a log line.
std::string describe_byte(unsigned char c, std::size_t at) {
  static constexpr char digits[] = "0123456789ABCDEF";
  return std::string{"0x"} + digits[c >> 4] + digits[c & 0xF] + " at offset " + std::to_string(at);
}

// The first byte no URL of ours may hold: control characters (< 0x21 takes space too), DEL,
// and anything non-ASCII (an IRI must be percent-encoded or punycoded by the user).
std::optional<std::size_t> first_forbidden_byte(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x21 || c >= 0x7f) return i;
  }
  return std::nullopt;
}

bool valid_host(std::string_view host) {
  if (host.empty()) return false;
  const bool v6 = host.find(':') != std::string_view::npos;
  for (const unsigned char c : host) {
    const bool ok = v6 ? (hex(c) || c == ':' || c == '.') : (alnum(c) || c == '-' || c == '.' || c == '_' || c == '~');
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> port_error(std::string_view port) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535)
    return "ws_url has an invalid port '" + std::string{port} + "' (1-65535)";
  return std::nullopt;
}

// RFC 3986 path: '/'-separated segments of pchar = unreserved / pct-encoded / sub-delims / ':' / '@'.
std::optional<std::string> path_error(std::string_view path) {
  if (path.empty()) return std::nullopt;
  if (path.front() != '/') return "ws_url path must start with '/'";
  static constexpr std::string_view allowed = "-._~!$&'()*+,;=:@/";
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c == '%') {
      if (i + 2 >= path.size() || !hex(static_cast<unsigned char>(path[i + 1])) ||
          !hex(static_cast<unsigned char>(path[i + 2])))
        return "ws_url path has a bad percent escape at offset " + std::to_string(i);
      i += 2;
      continue;
    }
    if (!alnum(c) && allowed.find(static_cast<char>(c)) == std::string_view::npos)
      return "ws_url path has a character not allowed in a URL path (" + describe_byte(c, i) + "); percent-encode it";
  }
  return std::nullopt;
}
} // namespace

bool WsUrl::valid(std::string* error) const {
  const auto why = [&]() -> std::optional<std::string> {
    if (!valid_host(host)) return std::string{"ws_url host is empty or has characters a host name cannot have"};
    if (auto e = port_error(port)) return e;
    return path_error(path);
  }();
  if (why && error != nullptr) *error = *why;
  return !why;
}

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
  // Before anything else: a CR/LF or space here would end the upgrade request's request line
  // and let the rest be read as headers (request splitting). The offset, not the byte, goes
  // into the message, which may be logged.
  if (const auto at = first_forbidden_byte(text))
    return fail(error, "ws_url must not contain spaces, control characters or non-ASCII bytes (" +
                           describe_byte(static_cast<unsigned char>(text[*at]), *at) + ")");
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
      if (port.empty()) return fail(error, "ws_url has an empty port after ':'");
    }
  } else {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return fail(error, "ws_url has an empty port after ':'");
    }
    // "fe80::1" or "h:80:90": an IPv6 literal needs brackets, and there is one port.
    if (host.find(':') != std::string_view::npos)
      return fail(error, "ws_url has an unbracketed ':' in the host (write IPv6 addresses as [addr])");
  }
  if (host.empty()) return fail(error, "ws_url has no host");
  if (!valid_host(host))
    return fail(error, "ws_url host '" + std::string{host} + "' has characters a host cannot have");
  url.host = std::string{host};
  if (port.empty()) {
    url.port = url.tls ? "443" : "80";
  } else {
    if (auto e = port_error(port)) return fail(error, std::move(*e));
    unsigned value = 0;
    std::from_chars(port.data(), port.data() + port.size(), value);
    url.port = std::to_string(value); // "08080" -> "8080": the Host header shows one form
  }
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  if (auto e = path_error(path)) return fail(error, std::move(*e));
  url.path = std::string{path};
  return url;
}

} // namespace ocppfleet::transport
