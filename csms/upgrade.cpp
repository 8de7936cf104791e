#include "csms/upgrade.hpp"

#include <array>
#include <cctype>
#include <cstdint>

#include "csms/types.hpp"
#include "simulator/core/text.hpp"

namespace ocppfleet::csms::detail {
namespace {
using core::iequals;
using core::trim;

constexpr std::size_t max_identity = 48;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One path segment, percent-decoded. Rejects what could never be an identity: empty, '/',
// control characters (decoded or not), malformed escapes.
std::optional<std::string> decode_segment(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/') return std::nullopt;
    out.push_back(c);
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (const char c : in) {
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=') {
      ++padding;
      continue;
    } else {
      return std::nullopt;
    }
    if (padding > 0) return std::nullopt; // data after padding
    buffer = (buffer << 6U) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

} // namespace

std::optional<Route> parse_target(std::string_view target) {
  if (target.find('?') != std::string_view::npos || target.find('#') != std::string_view::npos) return std::nullopt;
  const auto split_first = [](std::string_view& rest) {
    const auto slash = rest.find('/');
    const std::string_view head = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    return head;
  };
  if (target.empty() || target.front() != '/') return std::nullopt;
  std::string_view rest = target.substr(1);
  const std::string_view root = split_first(rest);
  Route route;
  if (root == "ocpp") {
    route.backend = std::string{default_backend};
  } else if (root == "cpos") {
    const auto cpo = decode_segment(split_first(rest));
    if (!cpo) return std::nullopt;
    route.backend = *cpo;
    route.cpo = true;
  } else {
    return std::nullopt;
  }
  // The identity is the last segment: nothing may follow it.
  if (rest.find('/') != std::string_view::npos) return std::nullopt;
  const auto identity = decode_segment(rest);
  if (!identity || identity->size() > max_identity) return std::nullopt;
  route.identity = *identity;
  return route;
}

std::optional<std::string> pick_subprotocol(std::string_view offer) {
  while (!offer.empty()) {
    const auto comma = offer.find(',');
    const std::string_view item = trim(offer.substr(0, comma));
    offer = comma == std::string_view::npos ? std::string_view{} : offer.substr(comma + 1);
    if (item == "ocpp1.6" || item == "ocpp2.0.1") return std::string{item};
  }
  return std::nullopt;
}

bool basic_auth_matches(std::string_view authorization, std::string_view identity, std::string_view password) {
  authorization = trim(authorization);
  const auto space = authorization.find(' ');
  if (space == std::string_view::npos || !iequals(authorization.substr(0, space), "Basic")) return false;
  const auto decoded = base64_decode(trim(authorization.substr(space + 1)));
  if (!decoded) return false;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return false;
  if (std::string_view{*decoded}.substr(0, colon) != identity) return false;
  const std::string_view given = std::string_view{*decoded}.substr(colon + 1);
  // Constant time over the expected password's length.
  unsigned char diff = given.size() == password.size() ? 0 : 1;
  for (std::size_t i = 0; i < password.size(); ++i)
    diff |= static_cast<unsigned char>(password[i] ^ (i < given.size() ? given[i] : 0));
  return diff == 0;
}

} // namespace ocppfleet::csms::detail
