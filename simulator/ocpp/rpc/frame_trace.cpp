#include "simulator/ocpp/rpc/frame_trace.hpp"

#include "simulator/core/log.hpp"
#include "simulator/ocpp/rpc/frame_redaction.hpp"

namespace ocppfleet::rpc {

std::string trace_text(std::string_view frame, std::size_t max_bytes) {
  std::string text = redacted_text(frame);
  if (text.size() <= max_bytes) return text;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  const std::size_t size = text.size();
  text.resize(cut);
  text += "...[truncated, " + std::to_string(size) + " bytes]";
  return text;
}

std::string_view arrow(Direction d) noexcept { return d == Direction::ChargerToCsms ? "->" : "<-"; }

void trace_frame(std::string_view identity, Direction d, std::string_view frame) {
  const auto& log = core::logger();
  if (!log->should_log(spdlog::level::trace)) return;
  try {
    log->trace("frame {} {} {}", identity, arrow(d), trace_text(frame));
  } catch (...) { // never onto the shard thread: a failed log line is dropped
  }
}

} // namespace ocppfleet::rpc
