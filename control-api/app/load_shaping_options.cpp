#include "control-api/app/load_shaping_options.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "simulator/fleet/engine.hpp"
#include "simulator/transport/connect_gate.hpp"

namespace ocppfleet::app {
namespace {

// Rates: 0 (off) or at least one per ~17 minutes (the token bucket's slowest interval).
std::string check_rate(std::string& text) {
  double v = 0;
  try {
    std::size_t used = 0;
    v = std::stod(text, &used);
    if (used != text.size()) return "not a number: " + text;
  } catch (const std::exception&) {
    return "not a number: " + text;
  }
  if (!std::isfinite(v) || v < 0 || (v > 0 && v < 0.001)) return "must be 0 (off) or >= 0.001, got " + text;
  return {};
}

// Seconds: a finite number >= 0 (CLI::NonNegativeNumber would print its whole range).
std::string check_seconds(std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0)
    return "must be a number of seconds >= 0, got " + text;
  return {};
}

std::string check_storm_period(std::string& text) {
  const double v = std::strtod(text.c_str(), nullptr);
  return v == 0 || v >= 0.1 ? std::string{} : "must be 0 (never) or >= 0.1 s, got " + text;
}

const CLI::Validator rate_or_zero{check_rate, "0|>=0.001"};
const CLI::Validator seconds{check_seconds, "SECONDS>=0"};
const CLI::Validator storm_period{check_storm_period, "0|>=0.1"};

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

} // namespace

void add_load_shaping_options(CLI::App* run, LoadShapingOptions& o) {
  auto* rate = run->add_option("--connect-rate", o.connect_rate,
                               "Connect attempts per second for the whole fleet, first connects, retries and "
                               "reconnects alike (0 = unlimited)")
                   ->check(rate_or_zero)
                   ->capture_default_str();
  run->add_option("--connect-burst", o.connect_burst,
                  "Connect attempts allowed back to back before --connect-rate applies")
      ->check(CLI::Range(1, 1'000'000))
      ->needs(rate)
      ->capture_default_str();
  run->add_option("--max-handshakes", o.max_handshakes,
                  "Connect attempts under way at once (DNS + TCP + TLS + WebSocket upgrade; 0 = unlimited)")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  run->add_option("--ramp-down-rate", o.ramp_down_rate,
                  "At the end, stop chargers gracefully at this many per second (0 = all at once)")
      ->check(rate_or_zero)
      ->capture_default_str();
  run->add_option("--storm-at", o.storm_at_s,
                  "Drop every connection at once this many seconds after the start; each charger "
                  "reconnects by its backoff, through the connect limits (repeatable, or a comma list)")
      ->check(seconds)
      ->delimiter(',');
  run->add_option("--storm-every", o.storm_every_s, "Drop every connection at once every S seconds (0 = never)")
      ->check(seconds)
      ->check(storm_period)
      ->capture_default_str();
}

LoadShapingOptions share_of(const LoadShapingOptions& o, std::uint32_t processes) {
  if (processes <= 1) return o;
  LoadShapingOptions share = o;
  share.connect_rate = o.connect_rate / processes;
  share.ramp_down_rate = o.ramp_down_rate / processes;
  share.connect_burst = std::max<std::uint32_t>(1, o.connect_burst / processes);
  if (o.max_handshakes > 0) share.max_handshakes = std::max<std::uint32_t>(1, o.max_handshakes / processes);
  // Below the token bucket's slowest rate: keep that floor rather than switch limits off.
  if (o.connect_rate > 0) share.connect_rate = std::max(share.connect_rate, 0.001);
  if (o.ramp_down_rate > 0) share.ramp_down_rate = std::max(share.ramp_down_rate, 0.001);
  return share;
}

std::shared_ptr<transport::ConnectGate> make_connect_gate(const LoadShapingOptions& o) {
  if (o.connect_rate <= 0 && o.max_handshakes == 0) return nullptr;
  transport::ConnectGateOptions g;
  g.rate_per_s = o.connect_rate;
  g.burst = o.connect_burst;
  g.max_handshakes = o.max_handshakes;
  return std::make_shared<transport::ConnectGate>(g);
}

std::string describe(const LoadShapingOptions& o) {
  std::vector<std::string> parts;
  if (o.connect_rate > 0)
    parts.push_back("connect rate " + number(o.connect_rate) + "/s (burst " + std::to_string(o.connect_burst) + ")");
  if (o.max_handshakes > 0) parts.push_back("at most " + std::to_string(o.max_handshakes) + " handshakes");
  if (o.ramp_down_rate > 0) parts.push_back("ramp-down " + number(o.ramp_down_rate) + "/s");
  if (!o.storm_at_s.empty()) {
    std::string at = "storm at";
    for (std::size_t i = 0; i < o.storm_at_s.size(); ++i)
      at += (i == 0 ? " " : ", ") + number(o.storm_at_s[i]);
    parts.push_back(at + " s");
  }
  if (o.storm_every_s > 0) parts.push_back("storm every " + number(o.storm_every_s) + " s");
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string gate_progress(const transport::ConnectGate* gate) {
  if (gate == nullptr) return {};
  const auto s = gate->stats();
  return "handshaking " + std::to_string(s.handshakes) + "  queued " + std::to_string(s.waiting);
}

StormSchedule::StormSchedule(const LoadShapingOptions& o)
    : at_(o.storm_at_s), every_s_(o.storm_every_s), next_every_s_(o.storm_every_s) {
  std::sort(at_.begin(), at_.end());
}

bool StormSchedule::due(double elapsed_s) {
  bool fire = false;
  while (next_at_ < at_.size() && at_[next_at_] <= elapsed_s) {
    ++next_at_;
    fire = true;
  }
  if (every_s_ > 0 && next_every_s_ <= elapsed_s) {
    // Skip the multiples a late caller missed: they fold into this one storm.
    next_every_s_ = (std::floor(elapsed_s / every_s_) + 1) * every_s_;
    fire = true;
  }
  if (fire) ++fired_;
  return fire;
}

bool ramp_down_before_shutdown(fleet::Engine& engine, const LoadShapingOptions& o,
                               const std::function<bool()>& interrupted) {
  if (o.ramp_down_rate <= 0) return true;
  engine.ramp_down(o.ramp_down_rate);
  const auto bound = std::chrono::duration<double>(static_cast<double>(engine.size()) / o.ramp_down_rate + 10.0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::milliseconds>(bound);
  while (std::chrono::steady_clock::now() < deadline) {
    if (engine.wait_ramp_down(std::chrono::milliseconds{100})) return true;
    if (interrupted && interrupted()) return false;
  }
  return false;
}

} // namespace ocppfleet::app
