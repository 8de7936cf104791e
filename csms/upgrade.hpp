#pragma once
// The pure half of a WebSocket upgrade: which backend and identity a request target names,
// which subprotocol to speak, whether HTTP Basic credentials match. No I/O, unit-tested.
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::csms::detail {

struct Route {
  std::string backend; // default_backend for /ocpp/<identity>
  std::string identity;
  bool cpo = false; // /cpos/<cpo_id>/<identity>
};

// "/ocpp/<identity>" or "/cpos/<cpo_id>/<identity>", segments percent-decoded, no query.
// nullopt for anything else: other paths, empty or '/'-containing segments, bad escapes,
// control characters, an identity longer than 48 characters (the 2.0.1 limit; 1.6 has 20 for
// chargeBoxIdentity in some CSMSs, but 48 fits both in practice).
std::optional<Route> parse_target(std::string_view target);

// The first entry of the client's Sec-WebSocket-Protocol offer that we speak ("ocpp1.6",
// "ocpp2.0.1"): the client lists its preference first (RFC 6455 §4.1).
std::optional<std::string> pick_subprotocol(std::string_view offer);

// True when `authorization` is "Basic base64(identity:password)" (scheme case-insensitive).
// Compared in constant time over the password, so timing tells nothing about it.
bool basic_auth_matches(std::string_view authorization, std::string_view identity, std::string_view password);

} // namespace ocppfleet::csms::detail
