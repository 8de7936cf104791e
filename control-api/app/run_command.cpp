#include "control-api/app/run_command.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <malloc.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "control-api/app/fd_limits.hpp"
#include "control-api/app/latency_report.hpp"
#include "simulator/catalog/charger_identity.hpp"
#include "simulator/core/buffered_log_sink.hpp"
#include "simulator/core/log.hpp"
#include "simulator/fleet/engine.hpp"
#include "simulator/fleet/fleet_figures.hpp"
#include "simulator/fleet/fleet_plan.hpp"
#include "simulator/fleet/frame_dump.hpp"
#include "simulator/fleet/id_tags.hpp"
#include "simulator/ocpp/common/link_log.hpp"
#include "simulator/transport/source_address_pool.hpp"
#include "simulator/transport/tls_context.hpp"

namespace ocppfleet::app {
namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_dump = 0;
extern "C" void on_signal(int) { g_stop = 1; }
extern "C" void on_dump_signal(int) { g_dump = 1; }

// --frame-log-dump: every charger's frame log as one JSONL file. Each shard copies its own
// chargers' logs on its thread; redaction and the disk I/O happen here, on the caller's
// (main) thread.
void dump_frames(fleet::Engine& engine, const std::string& path, double elapsed, const char* why) {
  const auto chargers = engine.collect_frames();
  std::string error;
  std::size_t lines = 0;
  if (fleet::write_frame_dump(path, chargers, &error, &lines)) {
    std::printf("[%7.1fs] frame log dump (%s): %zu frames of %zu chargers -> %s\n", elapsed, why, lines,
                chargers.size(), path.c_str());
  } else {
    std::fprintf(stderr, "error: --frame-log-dump: %s\n", error.c_str());
  }
  std::fflush(stdout);
}

using ull = unsigned long long;

void print_progress(const core::FleetCounters& c, int total, double elapsed, std::uint64_t& last_connects,
                    double& last_elapsed) {
  const auto figures = fleet::read_figures(c);
  const double dt = elapsed - last_elapsed;
  const double rate = dt > 0 ? static_cast<double>(figures.connects_total - last_connects) / dt : 0.0;
  last_connects = figures.connects_total;
  last_elapsed = elapsed;
  std::printf("%s\n", fleet::progress_line(figures, total, elapsed, rate).c_str());
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

// Flags for fleets beyond one process (--shard) and one source address (--source-addresses).
void add_scaling_options(CLI::App& run, RunOptions& o) {
  run.add_option("--shard", o.fleet_shard,
                 "Build only share i of N of the seeded fleet (chargers whose index % N == i); run N processes "
                 "with the same --count and --seed, i = 0..N-1")
      ->type_name("i/N")
      ->capture_default_str();
  run.add_option("--source-addresses", o.source_addresses,
                 "Local addresses to bind chargers' sockets to, round robin by charger index: a range "
                 "127.0.0.1-127.0.0.8, a list 10.0.0.5,10.0.0.6, IPv6 singles")
      ->type_name("LIST");
}

// With an IP-literal CSMS host the address family is known before any connect: a pool
// address of the other family could never reach it, so refuse the pool up front.
std::string family_mismatch(const transport::SourceAddressPool& pool, const std::string& host) {
  boost::system::error_code ec;
  const auto csms = boost::asio::ip::make_address(host, ec);
  if (ec) return {}; // a name: its addresses are known only when a charger resolves it
  for (const auto& a : pool.addresses()) {
    if (a.is_v4() != csms.is_v4())
      return a.to_string() + " is " + (a.is_v4() ? "IPv4" : "IPv6") + " but the CSMS address " + host + " is " +
             (csms.is_v4() ? "IPv4" : "IPv6");
  }
  return {};
}

// Refuses (false, with a message) when this process's chargers need more sockets than its
// open-file limit allows, after raising the soft limit to the hard one.
bool check_fd_capacity(std::uint64_t share, std::uint64_t fleet_count, fleet::FleetShard shard,
                       unsigned engine_threads) {
  const FdLimit limit = raise_fd_limit();
  if (!limit.warning.empty()) std::fprintf(stderr, "warning: %s\n", limit.warning.c_str());
  const std::uint64_t fit = chargers_that_fit(limit.soft, engine_threads);
  if (share <= fit) return true;
  const std::string what =
      std::to_string(share) + " chargers" +
      (shard.count > 1 ? " (this process's share: --count " + std::to_string(fleet_count) + ", --shard " +
                             std::to_string(shard.index) + "/" + std::to_string(shard.count) + ")"
                       : std::string{});
  std::fprintf(stderr,
               "error: %s do not fit in one process: each charger holds one socket, the open-file limit is %llu "
               "(hard limit %llu) and %llu descriptors stay reserved for the process, so at most %llu chargers "
               "fit.\n",
               what.c_str(), static_cast<ull>(limit.soft), static_cast<ull>(limit.hard),
               static_cast<ull>(fd_reserve(engine_threads)), static_cast<ull>(fit));
  if (const std::uint64_t n = fleet::shards_needed(fleet_count, fit); n > 0) {
    std::fprintf(stderr,
                 "       Run the fleet as %llu processes: --shard i/%llu for i = 0..%llu, each with the same --count "
                 "and --seed (see docs/scaling.md), or raise the hard limit (ulimit -Hn, LimitNOFILE).\n",
                 static_cast<ull>(n), static_cast<ull>(n), static_cast<ull>(n - 1));
  } else {
    std::fprintf(stderr, "       Raise the open-file limit (ulimit -n; see docs/scaling.md).\n");
  }
  return false;
}

// Warns (does not refuse) when more chargers of this process share one source address than
// the ephemeral port range allows towards one CSMS endpoint: the surplus would fail to connect.
void warn_about_ports(const std::vector<fleet::PlannedCharger>& plan, const transport::SourceAddressPool* pool,
                      fleet::FleetShard shard) {
  const auto range = local_port_range();
  if (!range || range->size() == 0) return;
  std::vector<std::uint64_t> per_address(pool != nullptr ? pool->size() : 1, 0);
  for (const auto& c : plan)
    ++per_address[pool != nullptr ? c.source_index : 0];
  const auto busiest = std::max_element(per_address.begin(), per_address.end());
  if (*busiest <= range->size()) return;
  const std::string from =
      pool != nullptr ? pool->address_for(static_cast<std::uint64_t>(busiest - per_address.begin())).to_string()
                      : std::string{"the one source address the kernel picks"};
  const std::uint64_t needed = (plan.size() + range->size() - 1) / range->size();
  std::fprintf(stderr,
               "warning: %llu chargers connect from %s, but the local port range %u-%u gives one source address "
               "only %u connections to one CSMS endpoint; the rest will fail to connect. Spread this process's "
               "chargers over at least %llu addresses with --source-addresses (e.g. 127.0.0.1-127.0.0.%llu on "
               "loopback) or widen net.ipv4.ip_local_port_range (see docs/scaling.md).\n",
               static_cast<ull>(*busiest), from.c_str(), range->first, range->last, range->size(),
               static_cast<ull>(needed), static_cast<ull>(std::min<std::uint64_t>(needed, 254)));
  const auto used = static_cast<std::size_t>(
      std::count_if(per_address.begin(), per_address.end(), [](std::uint64_t n) { return n > 0; }));
  if (pool != nullptr && used < pool->size()) {
    std::fprintf(stderr,
                 "         This process uses only %zu of the %zu pool addresses: addresses go by global charger index "
                 "modulo the pool size, and shard %u/%u holds the indices i with i %% %u == %u. A pool size sharing "
                 "no factor with %u spreads every shard over the whole pool.\n",
                 used, pool->size(), shard.index, shard.count, shard.count, shard.index, shard.count);
  }
}

// The first permanent failure's reason, so a wrong password or an untrusted certificate is
// named at once instead of showing only as a "failed" count. Scans a bounded number of
// chargers (the failed one is usually among the first).
void report_first_failure(fleet::Engine& engine, const std::vector<fleet::ChargerId>& ids, double elapsed) {
  const std::size_t limit = std::min<std::size_t>(ids.size(), 256);
  for (std::size_t i = 0; i < limit; ++i) {
    const auto snap = engine.snapshot(ids[i], std::chrono::milliseconds{200});
    if (!snap || snap->link_state != transport::LinkState::Failed || !snap->last_failure) continue;
    std::printf("[%7.1fs] charger %s failed, not retried: %s: %s\n", elapsed, snap->identity.c_str(),
                std::string{transport::code_name(snap->last_failure->code)}.c_str(),
                snap->last_failure->detail.c_str());
    std::fflush(stdout);
    return;
  }
}

} // namespace

void add_run_command(CLI::App& app, RunOptions& o) {
  auto* run = app.add_subcommand("run", "Run a demo fleet of simulated chargers against a CSMS");
  run->add_option("--ws-url", o.ws_url, "CSMS WebSocket URL (ws:// or wss://); the charger identity is appended")
      ->required();
  run->add_option("--count,-n", o.count, "Number of chargers (the whole fleet: with --shard, all processes together)")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  run->add_option("--seed", o.seed, "Seed for serial numbers and reconnect jitter")->capture_default_str();
  run->add_option("--duration", o.duration_s, "Seconds to run (0 = until Ctrl-C)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--identity-prefix", o.identity_prefix, "Charger identities are PREFIX-00001, ...")
      ->capture_default_str();
  run->add_option("--connectors", o.connectors, "Connectors per charger")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  run->add_flag("--sessions", o.sessions, "After boot, plug an EV and start a transaction on connector 1");
  auto* tag = run->add_option("--id-tag", o.id_tag,
                              "idTag template for --sessions, one tag per charger: {n} (fleet index from 1), "
                              "{identity}, {hex8} / {hex14} (seeded card UID); at most 20 characters")
                  ->capture_default_str();
  run->add_option("--id-tag-file", o.id_tag_file,
                  "File of idTags for --sessions, one per line ('#' comments); dealt to chargers in a seeded order")
      ->excludes(tag);
  run->add_option("--shards", o.shards, "Engine threads (0 = one per core)")->capture_default_str();
  run->add_option("--password", o.password, "HTTP Basic auth password (security profile 1); user = identity");
  run->add_option("--ping-interval", o.ping_interval_s, "WebSocket ping interval in seconds (0 = off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--stable-after", o.stable_after_s,
                  "Seconds a connection (boot accepted) must last before the reconnect backoff starts again "
                  "from its initial delay")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  run->add_option("--progress-interval", o.progress_interval_s, "Seconds between progress lines")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  run->add_option("--log-level", o.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  run->add_option("--meter-interval", o.meter_interval_s,
                  "MeterValueSampleInterval in seconds for every charger (default: the charger's 60)")
      ->check(CLI::Range(0, 86'400));
  run->add_option("--frame-log", o.frame_log, "OCPP frames kept in memory per charger (0 = none)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  run->add_option("--summary-json", o.summary_json, "Also write the summary as JSON to this file");
  run->add_option("--frame-log-dump", o.frame_log_dump,
                  "Write every charger's frame log (--frame-log frames each) to this file as JSONL, at exit and on "
                  "SIGUSR1; secrets redacted");
  run->add_flag("--stop-abruptly", o.stop_abruptly,
                "When chargers stop (end of --duration, Ctrl-C/SIGTERM, ramp-down), close their connections at once "
                "instead of first ending their transactions with the CSMS");
  run->add_flag("--exit-when-booted", o.exit_when_booted, "Stop as soon as every charger is booted (for benchmarks)");
  add_protocol_options(*run, o.protocol);
  add_model_options(*run, o.models);
  add_scaling_options(*run, o);
  add_load_shaping_options(run, o.load_shaping);
  // Further groups of flags (e.g. load shaping) get their own add_*_options(*run, o) here.
}

int run_fleet(const RunOptions& o) {
  core::set_log_level(spdlog::level::from_str(o.log_level));
  if (o.frame_log_dump && o.frame_log == 0) {
    std::fprintf(stderr, "error: --frame-log-dump needs frames to dump: --frame-log is 0\n");
    return 2;
  }
  std::string url_error;
  const auto url = transport::parse_ws_url(o.ws_url, &url_error);
  if (!url) {
    std::fprintf(stderr, "error: --ws-url: %s\n", url_error.c_str());
    return 2;
  }
  std::string shard_error;
  const auto shard = fleet::parse_fleet_shard(o.fleet_shard, &shard_error);
  if (!shard) {
    std::fprintf(stderr, "error: --shard %s\n", shard_error.c_str());
    return 2;
  }
  std::shared_ptr<const transport::SourceAddressPool> pool;
  if (o.source_addresses) {
    std::string pool_error;
    auto parsed = transport::parse_source_address_pool(*o.source_addresses, &pool_error);
    if (parsed) pool_error = family_mismatch(*parsed, url->host);
    if (!pool_error.empty()) {
      std::fprintf(stderr, "error: --source-addresses '%s': %s\n", o.source_addresses->c_str(), pool_error.c_str());
      return 2;
    }
    pool = std::make_shared<const transport::SourceAddressPool>(std::move(*parsed));
  }
  const auto fleet_count = static_cast<std::uint32_t>(o.count);
  const std::uint64_t share = fleet::shard_size(fleet_count, *shard);
  if (share == 0) {
    std::fprintf(stderr, "error: --shard %s: a fleet of %d chargers leaves shard %u empty (use N <= %d)\n",
                 o.fleet_shard.c_str(), o.count, shard->index, o.count);
    return 2;
  }
  const unsigned engine_threads = o.shards != 0 ? o.shards : std::max(1u, std::thread::hardware_concurrency());
  if (!check_fd_capacity(share, fleet_count, *shard, engine_threads)) return 2;
  const auto plan = fleet::plan_fleet(
      fleet::FleetPlanOptions{o.seed, o.identity_prefix, fleet_count, *shard, pool ? pool->size() : 0});
  warn_about_ports(plan, pool.get(), *shard);
  const int total = static_cast<int>(plan.size()); // this process's chargers
  transport::LinkConfig link;
  link.url = *url;
  link.ping_interval = std::chrono::milliseconds{static_cast<std::int64_t>(o.ping_interval_s * 1000)};
  link.stable_after = std::chrono::milliseconds{static_cast<std::int64_t>(o.stable_after_s * 1000)};
  link.source_addresses = pool;
  const LoadShapingOptions shaping = share_of(o.load_shaping, shard->count); // flags are fleet-wide
  link.connect_gate = make_connect_gate(shaping);
  std::string link_error;
  auto links = FleetLinks::make(o.protocol, link, o.seed, &link_error);
  if (!links) {
    std::fprintf(stderr, "error: %s\n", link_error.c_str());
    return 2;
  }
  auto models = FleetModels::make(o.models, &link_error);
  if (!models) {
    std::fprintf(stderr, "error: %s\n", link_error.c_str());
    return 2;
  }
  std::string tag_error;
  const auto tag_source = o.id_tag_file ? fleet::IdTagSource::from_file(*o.id_tag_file, &tag_error)
                                        : fleet::IdTagSource::from_template(o.id_tag, &tag_error);
  if (!tag_source) {
    std::fprintf(stderr, "error: %s: %s\n", o.id_tag_file ? "--id-tag-file" : "--id-tag", tag_error.c_str());
    return 2;
  }
  auto connector = std::make_shared<charger::ConnectorSpec>();
  const std::uint64_t rss_before = rss_bytes();

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  if (o.frame_log_dump) std::signal(SIGUSR1, on_dump_signal);
  // Log lines (frames at trace, disconnects at info, ...) are buffered per thread and written
  // by a drain thread: a shard thread never blocks on stderr. Outlives the engine.
  const core::ScopedBufferedLog buffered_log{stderr};
  fleet::Engine engine{fleet::EngineOptions{engine_threads, nullptr}};
  std::vector<fleet::ChargerId> ids;
  ids.reserve(plan.size());
  std::vector<std::string> id_tags; // per charger, for --sessions
  id_tags.reserve(o.sessions ? plan.size() : 0);
  std::size_t v201_count = 0;
  for (const auto& planned : plan) {
    fleet::ChargerSpec spec;
    spec.identity.identity = planned.identity;
    spec.identity.serial_number = planned.serial_number;
    spec.version = links->version_of(planned.index);
    if (models->active()) {
      spec.profile = models->model_of(planned.index, o.seed);
      spec.evs = models->evs();
      catalog::apply_profile_identity(*spec.profile, o.seed, planned.index, spec.identity);
      const std::string version{ocpp::to_string(spec.version)};
      if (!spec.profile->hardware.supports(version)) {
        std::fprintf(
            stderr, "error: model %s does not speak OCPP %s (charger %s); pick --ocpp or a --version-mix it supports\n",
            spec.profile->identity.slug().c_str(), version.c_str(), planned.identity.c_str());
        return 2;
      }
    }
    if (o.sessions) {
      id_tags.push_back(tag_source->for_charger(o.seed, planned.index, planned.identity));
      if (id_tags.back().size() > fleet::kMaxIdTagLength) {
        std::fprintf(stderr, "error: --id-tag: charger %s's idTag '%s' is longer than %zu characters\n",
                     planned.identity.c_str(), id_tags.back().c_str(), fleet::kMaxIdTagLength);
        return 2;
      }
    }
    spec.options.fleet_index = planned.index;
    spec.link = links->link_for(spec.version, planned.identity, &link_error);
    if (!spec.link) {
      std::fprintf(stderr, "error: %s\n", link_error.c_str());
      return 2;
    }
    spec.connector_spec = connector;
    spec.connectors = o.connectors;
    spec.options.seed = o.seed;
    spec.options.frame_log_capacity = o.frame_log;
    spec.options.end_transactions_on_stop = !o.stop_abruptly;
    spec.basic_auth_password = o.password;
    if (spec.version == ocpp::ProtocolVersion::V201) ++v201_count;
    const auto id = engine.add(std::move(spec));
    // Posted after the add and before start_all: the charger's shard thread runs them in
    // that order, so the first connect already binds to the charger's source address.
    if (pool) {
      engine.post(id, [index = planned.source_index](ocpp::ChargePointBase& cp) { cp.link().set_source_index(index); });
    }
    if (o.meter_interval_s >= 0) {
      engine.post(id, [interval = std::chrono::seconds{o.meter_interval_s}](ocpp::ChargePointBase& cp) {
        cp.set_meter_interval(interval);
      });
    }
    ids.push_back(id);
  }
  const std::string shard_note = shard->count > 1 ? ", shard " + o.fleet_shard + " of " + std::to_string(o.count) : "";
  const std::string pool_note = pool ? ", " + std::to_string(pool->size()) + " source addresses" : "";
  std::string version_note = links->describe() + ", " + models->describe();
  if (o.protocol.version_mix)
    version_note += ": " + std::to_string(static_cast<std::size_t>(total) - v201_count) + " x 1.6, " +
                    std::to_string(v201_count) + " x 2.0.1";
  std::printf("ocppfleet: %d chargers%s -> %s (%s, %u engine threads%s)\n", total, shard_note.c_str(), o.ws_url.c_str(),
              version_note.c_str(), engine.shard_count(), pool_note.c_str());
  if (const auto shaped = describe(shaping); !shaped.empty()) std::printf("load shaping: %s\n", shaped.c_str());
  engine.start_all(); // with a connect gate this is the ramp-up
  StormSchedule storms{shaping};

  auto& c = engine.counters();
  const auto started = std::chrono::steady_clock::now();
  auto next_progress = started;
  std::uint64_t last_connects = 0;
  double last_elapsed = 0;
  std::vector<bool> session_started(ids.size(), false);
  std::size_t sessions_requested = 0;
  double all_booted_at = -1;
  bool failure_reported = false;
  bool all_failed = false;
  while (g_stop == 0) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (o.duration_s > 0 && elapsed >= o.duration_s) break;
    if (all_booted_at < 0 && c.booted.load() >= total) {
      all_booted_at = elapsed;
      // The boot storm leaves freed transient memory (parsed JSON, handshake buffers) in
      // malloc's arenas; give it back so the steady-state footprint is what stays in use.
      malloc_trim(0);
      if (o.exit_when_booted) break;
    }
    if (o.sessions && sessions_requested < ids.size() && c.booted.load() > 0) {
      // Ask every booted charger to start one session; chargers not booted yet retry later.
      for (std::size_t i = 0; i < ids.size(); ++i) {
        if (session_started[i]) continue;
        auto snap = engine.snapshot(ids[i], std::chrono::milliseconds{500});
        if (snap && snap->registration == ocpp::RegistrationState::Accepted) {
          engine.post(ids[i], [tag = id_tags[i]](ocpp::ChargePointBase& cp) { cp.start_session(1, tag); });
          session_started[i] = true;
          ++sessions_requested;
        }
      }
    }
    if (!failure_reported && c.failed.load() > 0) {
      failure_reported = true;
      report_first_failure(engine, ids, elapsed);
    }
    if (c.failed.load() >= total) {
      all_failed = true; // nothing left that could still boot: stop instead of waiting
      break;
    }
    if (g_dump != 0 && o.frame_log_dump) {
      g_dump = 0;
      dump_frames(engine, *o.frame_log_dump, elapsed, "SIGUSR1");
    }
    if (storms.due(elapsed)) {
      engine.drop_all_links();
      std::printf("[%7.1fs] storm: every connection dropped\n", elapsed);
    }
    if (std::chrono::steady_clock::now() >= next_progress) {
      print_progress(c, total, elapsed, last_connects, last_elapsed);
      next_progress += std::chrono::milliseconds{static_cast<std::int64_t>(o.progress_interval_s * 1000)};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  print_progress(c, total, elapsed, last_connects, last_elapsed);
  const auto at_end = fleet::read_figures(c); // the gauges before the chargers stop
  const auto booted_at_end = at_end.booted;
  const std::uint64_t rss_after = rss_bytes();
  if (shaping.ramp_down_rate > 0) {
    std::printf("ramping down at %g chargers/s (Ctrl-C again to cut it short)\n", shaping.ramp_down_rate);
    std::fflush(stdout);
    g_stop = 0;
    if (!ramp_down_before_shutdown(engine, shaping, [] { return g_stop != 0; })) std::printf("ramp-down cut short\n");
  }
  if (o.frame_log_dump) {
    // The chargers' last frames (their StopTransactions, the close) belong in the dump: stop
    // them, wait for the links as shutdown() would, dump, then tear down.
    engine.stop_all();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{3};
    while (c.connected.load() > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    dump_frames(engine, *o.frame_log_dump, elapsed, "exit");
  }
  engine.shutdown();
  ocpp::log_link_losses_not_logged(); // what the disconnect lines' rate limit held back
  // Totals after the chargers stopped (their last StopTransactions count), gauges at the end
  // of the run: the same counters, read the same way, as every progress line.
  auto figures = fleet::read_figures(c);
  figures.in_transaction = at_end.in_transaction;
  std::printf("summary: chargers %d, booted %lld, all booted after %s, connects %llu, boots accepted %llu, "
              "rejected %llu, calls sent %llu, call errors %llu, timeouts %llu, transactions %llu/%llu "
              "(started/stopped), failed %lld\n",
              total, static_cast<long long>(booted_at_end),
              all_booted_at >= 0 ? (std::to_string(all_booted_at) + " s").c_str() : "never",
              static_cast<unsigned long long>(c.connects_total.load()),
              static_cast<unsigned long long>(c.boots_accepted_total.load()),
              static_cast<unsigned long long>(c.boots_rejected_total.load()),
              static_cast<unsigned long long>(c.calls_sent_total.load()),
              static_cast<unsigned long long>(c.call_errors_total.load()),
              static_cast<unsigned long long>(c.call_timeouts_total.load()),
              static_cast<unsigned long long>(figures.transactions_started),
              static_cast<unsigned long long>(figures.transactions_stopped), static_cast<long long>(figures.failed));
  std::printf("%s\n", fleet::transactions_summary(figures).c_str());
  if (const auto causes = fleet::link_failures_text(figures); !causes.empty())
    std::printf("connections ended or failed, by cause: %s\n", causes.c_str());
  if (c.calls_retried_total.load() > 0 || c.calls_abandoned_total.load() > 0)
    std::printf("transaction messages: %llu resent, %llu discarded after their last attempt\n",
                static_cast<ull>(c.calls_retried_total.load()), static_cast<ull>(c.calls_abandoned_total.load()));
  print_latency_table(stdout, c.latency);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_user_s = static_cast<double>(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec / 1e6;
  const double cpu_system_s = static_cast<double>(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec / 1e6;
  const double per_charger = total > 0 ? static_cast<double>(rss_after - std::min(rss_after, rss_before)) / total : 0.0;
  std::printf("memory: RSS %.1f MiB before chargers, %.1f MiB at end: %.0f bytes per charger\n",
              static_cast<double>(rss_before) / 1048576.0, static_cast<double>(rss_after) / 1048576.0, per_charger);
  if (o.summary_json) {
    nlohmann::json j{{"chargers", total},
                     {"booted", booted_at_end},
                     {"all_booted_after_s", all_booted_at >= 0 ? nlohmann::json(all_booted_at) : nlohmann::json()},
                     {"boots_per_s", all_booted_at > 0 ? nlohmann::json(total / all_booted_at) : nlohmann::json()},
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
                     {"link_failures", fleet::link_failures_json(figures)},
                     {"calls_retried_total", c.calls_retried_total.load()},
                     {"calls_abandoned_total", c.calls_abandoned_total.load()},
                     {"shards", engine.shard_count()},
                     {"fleet_chargers", o.count},
                     {"fleet_shard", o.fleet_shard},
                     {"source_addresses", pool ? pool->size() : 0},
                     {"calls_received_total", c.calls_received_total.load()},
                     {"transactions_started_total", figures.transactions_started},
                     {"transactions_stopped_total", figures.transactions_stopped},
                     {"in_transaction_at_end", figures.in_transaction},
                     {"starts_rejected_total", figures.starts_rejected_total()},
                     {"starts_rejected", fleet::rejected_starts_json(figures)},
                     {"cpu_user_s", cpu_user_s},
                     {"cpu_system_s", cpu_system_s},
                     {"latency", latency_json(c.latency)},
                     {"ocpp_versions", {{"1.6", static_cast<std::size_t>(total) - v201_count}, {"2.0.1", v201_count}}}};
    std::ofstream out{*o.summary_json};
    out << j.dump(2) << "\n";
    if (!out) std::fprintf(stderr, "error: cannot write %s\n", o.summary_json->c_str());
  }
  if (all_failed) {
    std::fprintf(stderr, "error: every charger failed with an error that retrying cannot fix (see above)\n");
    return 3;
  }
  // Exit status for scripts: 0 when every charger was booted at the end.
  return booted_at_end >= total ? 0 : 1;
}

} // namespace ocppfleet::app
