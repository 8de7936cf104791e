#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::core {

// RFC 3339 UTC with milliseconds: 2026-11-23T10:15:30.123Z (what OCPP date-time fields expect).
std::string format_timestamp(std::chrono::system_clock::time_point t);

// Parses RFC 3339 date-time (Z or ±hh:mm offset, optional fraction). nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view s);

} // namespace ocppfleet::core
