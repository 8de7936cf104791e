#include "control-api/app/run_command.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <fstream>
#include <cstdio>
#include <iostream>
#include <thread>

#include "simulator/core/log.hpp"
#include "simulator/core/prng.hpp"
#include "simulator/fleet/engine.hpp"
#include "simulator/transport/tls_context.hpp"

namespace ocppfleet::app {
namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

std::string serial_for(std::uint64_t seed, int index) {
  core::Prng prng{core::derive_seed(seed, "serial/" + std::to_string(index))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "SIM%012llu", static_cast<unsigned long long>(prng.below(1'000'000'000'000ULL)));
  return buf;
}

void print_progress(const core::FleetCounters& c, int total, double elapsed, std::uint64_t& last_connects,
                    double& last_elapsed) {
  const auto connects = c.connects_total.load();
  const double dt = elapsed - last_elapsed;
  const double rate = dt > 0 ? static_cast<double>(connects - last_connects) / dt : 0.0;
  last_connects = connects;
  last_elapsed = elapsed;
  std::printf("[%7.1fs] connected %lld/%d  booted %lld  in-transaction %lld  failed %lld  connects/s %.0f\n", elapsed,
              static_cast<long long>(c.connected.load()), total, static_cast<long long>(c.booted.load()),
              static_cast<long long>(c.in_transaction.load()), static_cast<long long>(c.failed.load()), rate);
  std::fflush(stdout);
}

// Resident set size of this process in bytes (Linux /proc), 0 when unknown.
std::uint64_t rss_bytes() {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

} // namespace

void add_run_command(CLI::App& app, RunOptions& o) {
  auto* run = app.add_subcommand("run", "Run a demo fleet of simulated chargers against a CSMS");
  run->add_option("--ws-url", o.ws_url, "CSMS WebSocket URL (ws:// or wss://); the charger identity is appended")
      ->required();
  run->add_option("--count,-n", o.count, "Number of chargers")->check(CLI::Range(1, 1'000'000))->capture_default_str();
  run->add_option("--ocpp", o.ocpp, "OCPP version")->check(CLI::IsMember({"1.6"}))->capture_default_str();
  run->add_option("--seed", o.seed, "Seed for serial numbers and reconnect jitter")->capture_default_str();
  run->add_option("--duration", o.duration_s, "Seconds to run (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--identity-prefix", o.identity_prefix, "Charger identities are PREFIX-00001, ...")
      ->capture_default_str();
  run->add_option("--connectors", o.connectors, "Connectors per charger")->check(CLI::Range(1, 32))->capture_default_str();
  run->add_flag("--sessions", o.sessions, "After boot, plug an EV and start a transaction on connector 1");
  run->add_option("--id-tag", o.id_tag, "idTag used by --sessions")->capture_default_str();
  run->add_option("--shards", o.shards, "Engine threads (0 = one per core)")->capture_default_str();
  run->add_option("--ca-file", o.ca_file, "PEM CA bundle to verify a wss:// CSMS (default: system store)")
      ->check(CLI::ExistingFile);
  run->add_flag("--insecure", o.insecure, "Do not verify the CSMS certificate (testing only)");
  run->add_option("--password", o.password, "HTTP Basic auth password (security profile 1); user = identity");
  run->add_option("--ping-interval", o.ping_interval_s, "WebSocket ping interval in seconds (0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--progress-interval", o.progress_interval_s, "Seconds between progress lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_option("--log-level", o.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  run->add_option("--frame-log", o.frame_log, "OCPP frames kept in memory per charger (0 = none)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  run->add_option("--summary-json", o.summary_json, "Also write the summary as JSON to this file");
  run->add_flag("--exit-when-booted", o.exit_when_booted,
                "Stop as soon as every charger is booted (for benchmarks)");
}

int run_fleet(const RunOptions& o) {
  core::set_log_level(spdlog::level::from_str(o.log_level));
  std::string url_error;
  const auto url = transport::parse_ws_url(o.ws_url, &url_error);
  if (!url) {
    std::fprintf(stderr, "error: --ws-url: %s\n", url_error.c_str());
    return 2;
  }
  auto link = std::make_shared<transport::LinkConfig>();
  link->url = *url;
  link->subprotocol = "ocpp1.6";
  link->ping_interval = std::chrono::milliseconds{static_cast<std::int64_t>(o.ping_interval_s * 1000)};
  if (url->tls) {
    try {
      link->tls = transport::make_client_tls_context(transport::TlsOptions{!o.insecure, o.ca_file, {}, {}});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: TLS: %s\n", e.what());
      return 2;
    }
  }
  auto connector = std::make_shared<charger::ConnectorSpec>();
  const std::uint64_t rss_before = rss_bytes();

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  fleet::Engine engine{fleet::EngineOptions{o.shards, nullptr}};
  std::vector<fleet::ChargerId> ids;
  ids.reserve(static_cast<std::size_t>(o.count));
  for (int i = 1; i <= o.count; ++i) {
    fleet::ChargerSpec spec;
    char name[64];
    std::snprintf(name, sizeof name, "%s-%05d", o.identity_prefix.c_str(), i);
    spec.identity.identity = name;
    spec.identity.serial_number = serial_for(o.seed, i);
    spec.link = link;
    spec.connector_spec = connector;
    spec.connectors = o.connectors;
    spec.options.seed = o.seed;
    spec.options.frame_log_capacity = o.frame_log;
    spec.basic_auth_password = o.password;
    ids.push_back(engine.add(std::move(spec)));
  }
  std::printf("ocppfleet: %d chargers -> %s (OCPP %s, %u shards)\n", o.count, o.ws_url.c_str(), o.ocpp.c_str(),
              engine.shard_count());
  engine.start_all();

  auto& c = engine.counters();
  const auto started = std::chrono::steady_clock::now();
  auto next_progress = started;
  std::uint64_t last_connects = 0;
  double last_elapsed = 0;
  std::vector<bool> session_started(ids.size(), false);
  std::size_t sessions_requested = 0;
  double all_booted_at = -1;
  while (g_stop == 0) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (o.duration_s > 0 && elapsed >= o.duration_s) break;
    if (all_booted_at < 0 && c.booted.load() >= o.count) {
      all_booted_at = elapsed;
      if (o.exit_when_booted) break;
    }
    if (o.sessions && sessions_requested < ids.size() && c.booted.load() > 0) {
      // Ask every booted charger to start one session; chargers not booted yet retry later.
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (session_started[i]) continue;
        auto snap = engine.snapshot(ids[i], std::chrono::milliseconds{500});
        if (snap && snap->registration == v16::RegistrationState::Accepted) {
          engine.post(ids[i], [tag = o.id_tag](v16::ChargePoint& cp) { cp.start_session(1, tag); });
          session_started[i] = true;
          ++sessions_requested;
        }
      }
    }
    if (std::chrono::steady_clock::now() >= next_progress) {
      print_progress(c, o.count, elapsed, last_connects, last_elapsed);
      next_progress += std::chrono::milliseconds{static_cast<std::int64_t>(o.progress_interval_s * 1000)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_progress(c, o.count, elapsed, last_connects, last_elapsed);
  const auto booted_at_end = c.booted.load();
  const std::uint64_t rss_after = rss_bytes();
  engine.shutdown();
  std::printf("summary: chargers %d, booted %lld, all booted after %s, connects %llu, boots accepted %llu, "
              "rejected %llu, calls sent %llu, call errors %llu, timeouts %llu, transactions %llu/%llu "
              "(started/stopped), failed %lld\n",
              o.count, static_cast<long long>(booted_at_end),
              all_booted_at >= 0 ? (std::to_string(all_booted_at) + " s").c_str() : "never",
              static_cast<unsigned long long>(c.connects_total.load()),
              static_cast<unsigned long long>(c.boots_accepted_total.load()),
              static_cast<unsigned long long>(c.boots_rejected_total.load()),
              static_cast<unsigned long long>(c.calls_sent_total.load()),
              static_cast<unsigned long long>(c.call_errors_total.load()),
              static_cast<unsigned long long>(c.call_timeouts_total.load()),
              static_cast<unsigned long long>(c.transactions_started_total.load()),
              static_cast<unsigned long long>(c.transactions_stopped_total.load()),
              static_cast<long long>(c.failed.load()));
  const double per_charger =
      o.count > 0 ? static_cast<double>(rss_after - std::min(rss_after, rss_before)) / o.count : 0.0;
  std::printf("memory: RSS %.1f MiB before chargers, %.1f MiB at end: %.0f bytes per charger\n",
              static_cast<double>(rss_before) / 1048576.0, static_cast<double>(rss_after) / 1048576.0, per_charger);
  if (o.summary_json) {
    nlohmann::json j{{"chargers", o.count},
                     {"booted", booted_at_end},
                     {"all_booted_after_s", all_booted_at >= 0 ? nlohmann::json(all_booted_at) : nlohmann::json()},
                     {"boots_per_s", all_booted_at > 0 ? nlohmann::json(o.count / all_booted_at) : nlohmann::json()},
                     {"elapsed_s", elapsed},
                     {"rss_before_bytes", rss_before},
                     {"rss_after_bytes", rss_after},
                     {"rss_per_charger_bytes", per_charger},
                     {"connects_total", c.connects_total.load()},
                     {"boots_accepted_total", c.boots_accepted_total.load()},
                     {"calls_sent_total", c.calls_sent_total.load()},
                     {"call_errors_total", c.call_errors_total.load()},
                     {"call_timeouts_total", c.call_timeouts_total.load()},
                     {"failed", c.failed.load()},
                     {"shards", engine.shard_count()}};
    std::ofstream out{*o.summary_json};
    out << j.dump(2) << "\n";
    if (!out) std::fprintf(stderr, "error: cannot write %s\n", o.summary_json->c_str());
  }
  // Exit status for scripts: 0 when every charger was booted at the end.
  return booted_at_end >= o.count ? 0 : 1;
}

} // namespace ocppfleet::app
