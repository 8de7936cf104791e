#pragma once
// Plain request/response values exchanged between the HTTP server and the route handlers.
// They carry no Beast types so routes (and their tests) compile without Beast headers.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocppfleet::http {

struct HttpRequest {
  std::string method;                                       // as sent, e.g. "GET"
  std::string path;                                         // raw path without the query string, still percent-encoded
  std::vector<std::pair<std::string, std::string>> query;   // percent-decoded, '+' = space
  std::vector<std::pair<std::string, std::string>> headers; // as received, in order
  std::string body;
  std::string remote_address;                     // "ip:port" of the peer
  std::map<std::string, std::string> path_params; // filled by the Router, percent-decoded

  // First header with this name, compared case-insensitively (RFC 9110 field names).
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
  // First query parameter with this (decoded) name.
  [[nodiscard]] std::optional<std::string> query_param(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Extra headers (e.g. Allow, WWW-Authenticate, Location). Server and Content-Length are
  // set by the server and must not be added here.
  std::vector<std::pair<std::string, std::string>> headers;
};

// RFC 3986 percent-decoding; with plus_is_space, '+' decodes to ' ' (query strings, as
// Starlette does). Malformed escapes are kept literally instead of failing the request.
std::string percent_decode(std::string_view s, bool plus_is_space);

// Splits "a=1&b=%20x" into decoded pairs; a key without '=' gets an empty value.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

} // namespace ocppfleet::http
