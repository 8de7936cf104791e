#pragma once
// `ocppfleet run` load-shaping flags (docs/load-shaping.md): connect rate and burst, max
// concurrent handshakes, ramp-down rate at the end, and storms (every link dropped at
// once at given times). Everything defaults to off, so a run behaves as without them.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ocppfleet::transport {
class ConnectGate;
}
namespace ocppfleet::fleet {
class Engine;
}

namespace ocppfleet::app {

struct LoadShapingOptions {
  double connect_rate = 0;          // connect attempts per second, fleet-wide; 0 = unlimited
  std::uint32_t connect_burst = 1;  // attempts allowed back to back before the rate applies
  std::uint32_t max_handshakes = 0; // attempts in DNS/TCP/TLS/upgrade at once; 0 = unlimited
  double ramp_down_rate = 0;        // chargers stopped per second at the end; 0 = all at once
  std::vector<double> storm_at_s;   // drop every link at these seconds after the start
  double storm_every_s = 0;         // and every S seconds; 0 = never
};

// Adds the flags to the `run` subcommand.
void add_load_shaping_options(CLI::App* run, LoadShapingOptions& options);

// The flags are for the whole fleet: with the fleet split over `processes` processes
// (`--shard i/N`), each one gets this share: rates divided by N, burst and handshakes
// divided by N but at least 1 each. Storms are kept as they are (each process times them
// from its own start).
LoadShapingOptions share_of(const LoadShapingOptions& options, std::uint32_t processes);

// The fleet's gate, for LinkConfig::connect_gate; nullptr when neither the rate nor the
// handshakes are limited (links then connect exactly as without shaping).
std::shared_ptr<transport::ConnectGate> make_connect_gate(const LoadShapingOptions& options);

// What is shaped, for the start banner ("" when nothing is), e.g.
// "connect rate 50/s (burst 1), at most 100 handshakes, ramp-down 20/s, storm every 60 s".
std::string describe(const LoadShapingOptions& options);

// Live gate figures for a progress line, e.g. "handshaking 12  queued 3400" ("" for null).
std::string gate_progress(const transport::ConnectGate* gate);

// When the storms are due: each --storm-at time once, and every multiple of --storm-every.
class StormSchedule {
public:
  explicit StormSchedule(const LoadShapingOptions& options);
  // True when a storm fell due since the previous call; several overdue ones (a late
  // caller) make one storm, not a burst of them.
  bool due(double elapsed_s);
  [[nodiscard]] std::size_t fired() const noexcept { return fired_; }

private:
  std::vector<double> at_; // sorted
  std::size_t next_at_ = 0;
  double every_s_;
  double next_every_s_;
  std::size_t fired_ = 0;
};

// End of a run: stops every charger at --ramp-down-rate (gracefully, from the engine's
// timer) and waits until the last stop went out, bounded by chargers / rate + 10 s, or
// until `interrupted()` returns true (e.g. a second Ctrl-C). Does nothing and returns true
// when the rate is 0 (Engine::shutdown then stops everyone at once, as before). False when
// the wait ended early.
bool ramp_down_before_shutdown(fleet::Engine& engine, const LoadShapingOptions& options,
                               const std::function<bool()>& interrupted = {});

} // namespace ocppfleet::app
