#include "simulator/fleet/frame_dump.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/rpc/frame_redaction.hpp"

namespace ocppfleet::fleet {

std::string frame_dump_line(const std::string& identity, const rpc::FrameRecord& frame) {
  nlohmann::json j{{"identity", identity},
                   {"direction", frame.direction == rpc::Direction::ChargerToCsms ? "cp_to_csms" : "csms_to_cp"},
                   {"timestamp", core::format_timestamp(frame.at)},
                   {"text", rpc::redacted_text(frame.text)},
                   {"size", frame.size}};
  if (frame.truncated()) j["truncated"] = true;
  // A CSMS may send bytes that are not UTF-8: replaced, never a failed dump.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool write_frame_dump(const std::string& path, const std::vector<ChargerFrames>& chargers, std::string* error,
                      std::size_t* frames_written) {
  const std::string tmp = path + ".tmp";
  std::size_t lines = 0;
  {
    std::ofstream out{tmp, std::ios::binary | std::ios::trunc};
    if (!out) {
      if (error != nullptr) *error = "cannot write " + tmp + ": " + std::strerror(errno);
      return false;
    }
    for (const auto& c : chargers)
      for (const auto& f : c.frames) {
        out << frame_dump_line(c.identity, f) << '\n';
        ++lines;
      }
    out.flush();
    if (!out) {
      if (error != nullptr) *error = "cannot write " + tmp + ": " + std::strerror(errno);
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (error != nullptr) *error = "cannot rename " + tmp + " to " + path + ": " + std::strerror(errno);
    return false;
  }
  if (frames_written != nullptr) *frames_written = lines;
  return true;
}

} // namespace ocppfleet::fleet
