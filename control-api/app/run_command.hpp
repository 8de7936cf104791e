#pragma once
// `ocppfleet run`: a demo fleet against a CSMS URL, with live progress and a summary.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "control-api/app/load_shaping_options.hpp"
#include "control-api/app/model_options.hpp"
#include "control-api/app/protocol_options.hpp"

namespace ocppfleet::app {

struct RunOptions {
  std::string ws_url;
  int count = 10;
  std::uint64_t seed = 1;
  double duration_s = 0; // 0 = until Ctrl-C
  std::string identity_prefix = "CP";
  int connectors = 1;
  bool sessions = false;
  // --sessions idTags: a template per charger (fleet::IdTagSource) or a list file.
  std::string id_tag = "{hex8}";
  std::optional<std::string> id_tag_file;
  unsigned shards = 0;
  std::optional<std::string> password;
  double ping_interval_s = 30;
  double stable_after_s = 30;
  bool stop_abruptly = false; // stop without ending transactions first (the old behaviour) // a connection this long
                              // (boot accepted) restarts the reconnect backoff
  double progress_interval_s = 1;
  std::string log_level = "warn";
  std::optional<std::string> summary_json;   // write the summary as JSON to this path
  bool exit_when_booted = false;             // stop as soon as every charger is booted (benchmarks)
  int meter_interval_s = -1;                 // MeterValueSampleInterval override; -1 = profile default (60 s)
  std::size_t frame_log = 16;                // frames kept per charger (bounded; 0 = none)
  std::optional<std::string> frame_log_dump; // JSONL of every frame log, at exit and on SIGUSR1
  // Scaling past one process / one source address (docs/scaling.md).
  std::optional<std::string> source_addresses; // pool: "127.0.0.1-127.0.0.8", "10.0.0.5,10.0.0.6", "::1"
  std::string fleet_shard = "0/1";             // --shard i/N: this process builds chargers with index % N == i
  ModelOptions models;                         // --model / --model-mix (brand/model profiles)
  ProtocolOptions protocol;                    // --ocpp / --version-mix, TLS and client certificates
  LoadShapingOptions load_shaping;             // connect rate, handshakes, ramp-down, storms (docs/load-shaping.md)
};

void add_run_command(CLI::App& app, RunOptions& options);
int run_fleet(const RunOptions& options);

} // namespace ocppfleet::app
