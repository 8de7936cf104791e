#pragma once
// Every OCPP frame in and out, at trace level (`ocppfleet run --log-level trace`):
// "frame CP-00001 -> [2,"boot-1","BootNotification",{...}]" (-> to the CSMS, <- from it),
// secrets redacted (frame_redaction.hpp) and the text cut to kTraceFrameBytes. Costs one
// level check when trace is off.
#include <cstddef>
#include <string>
#include <string_view>

#include "simulator/ocpp/rpc/frame_log.hpp"

namespace ocppfleet::rpc {

inline constexpr std::size_t kTraceFrameBytes = 1024;

// The text a trace line shows: redacted, then cut (at a UTF-8 boundary) to `max_bytes` plus
// "...[truncated, N bytes]".
std::string trace_text(std::string_view frame, std::size_t max_bytes = kTraceFrameBytes);
std::string_view arrow(Direction d) noexcept; // "->" to the CSMS, "<-" from it
// Logs the frame at trace level when that level is on.
void trace_frame(std::string_view identity, Direction d, std::string_view frame);

} // namespace ocppfleet::rpc
