#pragma once
// One info line per ended connection or failed connect attempt, with its cause:
//   "charger CP-00001 disconnected: pong_timeout (no pong within 10 s); reconnecting"
//   "charger CP-00002 connect failed: handshake_timeout (...); retrying"
// Rate-limited fleet-wide (kDisconnectLinesPerSecond, lock-free): past the budget the lines
// are counted, and the next line written first says "N more connection losses not logged".
// The per-cause counts are on `ocppfleet run`'s progress line and summary anyway.
#include <cstdint>
#include <string_view>

#include "simulator/transport/link_error.hpp"

namespace ocppfleet::ocpp {

inline constexpr std::uint32_t kDisconnectLinesPerSecond = 20;

// Failures that are not retried are already named at warn level by the link: not repeated.
void log_link_closed(std::string_view identity, const transport::LinkFailure& failure, bool will_retry) noexcept;
// Says how many lines the limit held back that no later line reported yet (at the end of a
// run: "N more connection losses not logged"). Any thread.
void log_link_losses_not_logged() noexcept;

} // namespace ocppfleet::ocpp
