#pragma once
// The OCPI 2.2.1 transport (transport_and_format, status_codes): every answer is the
// {data, status_code, status_message, timestamp} envelope; X-Request-ID and X-Correlation-ID
// are echoed; tokens come in `Authorization: Token <base64>` (or raw, as older peers send).
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "control-api/http/http_types.hpp"

namespace ocppfleet::ocpi {

namespace status_code {
inline constexpr int success = 1000;
inline constexpr int client_error = 2000;
inline constexpr int invalid_parameters = 2001;
inline constexpr int not_enough_information = 2002;
inline constexpr int unknown_object = 2003; // unknown Location (and the other objects we serve)
inline constexpr int unknown_token = 2004;
inline constexpr int server_error = 3000;
inline constexpr int unable_to_use_client_api = 3001;
inline constexpr int unsupported_version = 3002;
inline constexpr int no_matching_endpoints = 3003;
} // namespace status_code

// The envelope, with `timestamp` now (UTC, seconds) and the request's correlation headers.
http::HttpResponse envelope(const http::HttpRequest& request, unsigned http_status, nlohmann::json data, int code,
                            std::string message);
inline http::HttpResponse ok(const http::HttpRequest& request, nlohmann::json data) {
  return envelope(request, 200, std::move(data), status_code::success, "Success");
}

// The tokens an Authorization header may mean: the Base64-decoded value (a trailing newline
// tolerated) and the raw value, in that order; empty when the header is not "Token ...".
std::vector<std::string> token_candidates(std::optional<std::string_view> authorization);

std::string base64_encode(std::string_view raw);
// nullopt when `text` is not valid Base64.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace ocppfleet::ocpi
