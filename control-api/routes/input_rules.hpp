#pragma once
// The input rules the control API applies to identities and CSMS URLs, one function each,
// shared by every route that takes them (create, update, bulk), so they cannot differ.
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::api {

inline constexpr std::size_t k_identity_max = 48;
// The documented identity character set, as a JSON Schema pattern (docs/control-api.md).
inline constexpr const char* k_identity_pattern = "^[A-Za-z0-9._:*-]{1,48}$";

// OCPP identities end up as the last segment of the charger's WebSocket URL and in logs, so
// they are printable ASCII without separators: letters, digits and - _ . : * only, 1 to 48
// characters, and neither "." alone nor ".." anywhere (a dot-segment would change the URL
// path). Everything else (/, ?, #, %, space, control characters, any non-ASCII byte such as
// bidi overrides or zero-width characters) is refused. nullopt when `identity` is fine.
std::optional<std::string> identity_problem(std::string_view identity);

// A CSMS endpoint: ws:// or wss://, a host, an optional port 1-65535, no query, fragment or
// credentials, and only printable ASCII without spaces (no byte < 0x21, 0x7f or >= 0x80).
// Checked with the transport's own parser so the API refuses what a charger could not use.
std::optional<std::string> ws_url_problem(std::string_view url);

// Client-chosen location ids (e.g. an external system's UUID) end up in URLs: letters,
// digits and - _ . : only, 1 to 64 characters, neither "." alone nor ".." anywhere.
inline constexpr std::size_t k_location_id_max = 64;
inline constexpr const char* k_location_id_pattern = "^[A-Za-z0-9._:-]{1,64}$";
std::optional<std::string> location_id_problem(std::string_view id);

} // namespace ocppfleet::api

namespace ocppfleet::api {

// An RFC 3339 date-time (Z or +hh:mm/-hh:mm offset, optional fraction) normalised to the
// store's form, UTC with milliseconds ("2099-01-01T00:00:00.000Z"), so text comparison is
// chronological. Years 0001-9999 only; computed in milliseconds, so far-future dates cannot
// overflow (core::parse_timestamp's nanosecond time_point ends in 2262). A space where the
// offset's sign belongs is read as '+': an unencoded '+' in a query string decodes to one.
std::optional<std::string> normalized_datetime(std::string_view text);

} // namespace ocppfleet::api
