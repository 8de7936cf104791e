#pragma once
// The fleet engine: N shard threads, each with its own io_context; every charger is
// pinned to one shard for life and touched only there. This facade is the only thing
// the app and the control API see; its methods are safe to call from any thread (they
// post to the charger's shard and, for reads, wait for the answer).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "simulator/charger/charger_model.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/core/fleet_counters.hpp"
#include "simulator/ocpp/common/charge_point_base.hpp"
#include "simulator/ocpp/rpc/frame_log.hpp"
#include "simulator/transport/link.hpp"

namespace ocppfleet::fleet {

using ChargerId = std::uint64_t;

struct EngineOptions {
  unsigned shards = 0;                // 0 = one per hardware thread
  const core::Clock* clock = nullptr; // default: the system clock
};

struct ChargerSpec {
  charger::ChargerIdentity identity;
  std::shared_ptr<const transport::LinkConfig> link;            // shared by the fleet
  std::shared_ptr<const charger::ConnectorSpec> connector_spec; // shared by the fleet (unused with a profile)
  int connectors = 1;                                           // unused with a profile
  // A brand/model profile: connectors, identity strings, configuration and supported actions
  // come from it (the caller fills identity from it: catalog::charger_identity). Shared.
  std::shared_ptr<const catalog::ModelProfile> profile;
  // EVs picked per session (seeded by options.seed and options.fleet_index). Shared.
  std::shared_ptr<const catalog::EvCatalog> evs;
  // The link's subprotocol must match (transport::LinkConfig::subprotocol): a mixed fleet
  // shares one LinkConfig per version.
  ocpp::ProtocolVersion version = ocpp::ProtocolVersion::V16;
  ocpp::ChargePointOptions options{};
  std::optional<std::string> basic_auth_password;
};

struct ChargerFrames {
  ChargerId id = 0;
  std::string identity;
  std::vector<rpc::FrameRecord> frames;
};

class Shard;
class RampDown;

class Engine {
public:
  explicit Engine(EngineOptions options = {});
  ~Engine(); // stops every charger and joins the shard threads
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Creates the charger on its shard (not started). Thread-safe.
  ChargerId add(ChargerSpec spec);
  void start(ChargerId id);
  void stop(ChargerId id);
  void remove(ChargerId id);
  // Ramp-up: with a connect gate in the chargers' LinkConfig (transport::ConnectGate) every
  // connect attempt asks the gate first, so start_all() brings the fleet up at the gate's
  // rate and handshake cap; without one, every charger connects at once.
  void start_all();
  void stop_all();
  // Ramp-down: stops every charger added so far, `rate_per_s` per second (the first at
  // once), each gracefully (WebSocket close), from a timer on shard 0; returns at once.
  // rate <= 0 stops them all at once (stop_all). A new call replaces a ramp-down under way.
  void ramp_down(double rate_per_s);
  // Chargers the ramp-down under way has yet to stop (0 when none is).
  [[nodiscard]] std::size_t ramp_down_remaining() const noexcept;
  // Waits (bounded, polling) until the ramp-down has stopped everyone; true when it has.
  bool wait_ramp_down(std::chrono::milliseconds timeout);

  // Runs `fn` on the charger's shard; false when the charger does not exist. Async.
  bool post(ChargerId id, std::function<void(ocpp::ChargePointBase&)> fn);
  // Runs `fn` on the charger's shard and waits (bounded). nullopt: unknown id or timeout.
  std::optional<ocpp::ChargePointSnapshot> snapshot(ChargerId id,
                                                    std::chrono::milliseconds timeout = std::chrono::seconds{5});
  std::optional<std::vector<rpc::FrameRecord>> frames(ChargerId id,
                                                      std::chrono::milliseconds timeout = std::chrono::seconds{5});
  // Every charger's frame log (identity and frames, oldest first), in the order the chargers
  // were added: each shard copies its own chargers' logs on its thread; the caller waits
  // (bounded by `timeout`; a shard that does not answer in time is left out) and does the rest
  // (redaction, disk I/O) on its own thread. For dumps (fleet/frame_dump.hpp).
  std::vector<ChargerFrames> collect_frames(std::chrono::milliseconds timeout = std::chrono::seconds{10});
  // Drops every link at once (storm); each reconnects by its backoff policy, and those
  // reconnects go through the connect gate like any attempt (no reconnect stampede).
  void drop_all_links();

  [[nodiscard]] core::FleetCounters& counters() noexcept { return counters_; }
  [[nodiscard]] std::size_t size() const noexcept { return count_.load(); }
  [[nodiscard]] unsigned shard_count() const noexcept { return static_cast<unsigned>(shards_.size()); }

  // Stops every charger (graceful WebSocket close, bounded by `grace`) and joins.
  void shutdown(std::chrono::milliseconds grace = std::chrono::seconds{3});

private:
  Shard& shard_of(ChargerId id) { return *shards_[id % shards_.size()]; }

  const core::Clock* clock_;
  core::FleetCounters counters_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<ChargerId> next_id_{1};
  std::atomic<std::size_t> count_{0};
  std::atomic<bool> shut_down_{false};
  std::atomic<std::size_t> ramp_requests_{0};  // ramp_down() calls not yet taken up by shard 0
  std::atomic<std::size_t> ramp_remaining_{0}; // written on shard 0 only
  // Shard 0's thread only. Declared after shards_ so it (and its timer) goes first.
  std::shared_ptr<RampDown> ramp_;
};

} // namespace ocppfleet::fleet
