#pragma once
// Accept-everything OCPP answers. Each reply is the smallest schema-valid CALLRESULT
// payload for the action, so the simulator under test always takes its happy path.
#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "bench/sink/stats.hpp"

namespace ocppfleet::bench {

enum class OcppVersion : std::uint8_t { V16, V201 };

struct ReplyConfig {
  int heartbeat_interval_s = 300;
  std::atomic<std::int64_t> next_transaction_id{1}; // shared by all sessions (1.6 StartTransaction)
};

// CALLRESULT payload for a CALL of `action` (already classified as `kind`).
nlohmann::json reply_payload(OcppVersion version, Action kind, const nlohmann::json& request, ReplyConfig& config);

// Current UTC time as RFC 3339 with milliseconds, e.g. 2024-05-01T12:00:00.123Z.
std::string utc_now_rfc3339();

} // namespace ocppfleet::bench
