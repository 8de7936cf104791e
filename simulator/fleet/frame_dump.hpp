#pragma once
// The fleet's frame logs as one JSONL file (`ocppfleet run --frame-log-dump PATH`, written at
// exit and on SIGUSR1): one JSON object per frame, chargers in fleet order, each charger's
// frames oldest first:
//   {"identity":"CP-00001","direction":"cp_to_csms","timestamp":"2026-01-01T00:00:00.123Z",
//    "text":"[2,\"boot-1\",\"BootNotification\",{...}]","size":123}
// ("truncated":true when the frame log kept only the first bytes of a long frame). Secrets are
// redacted (rpc/frame_redaction.hpp). Written to PATH.tmp and renamed, so a reader never sees
// half a dump. Call it off the shard threads (it does disk I/O).
#include <string>
#include <vector>

#include "simulator/fleet/engine.hpp"

namespace ocppfleet::fleet {

// One line of the dump (no newline).
std::string frame_dump_line(const std::string& identity, const rpc::FrameRecord& frame);
// Writes the dump; false with `error` set when the file cannot be written. `frames_written`
// gets the number of lines.
bool write_frame_dump(const std::string& path, const std::vector<ChargerFrames>& chargers, std::string* error,
                      std::size_t* frames_written = nullptr);

} // namespace ocppfleet::fleet
