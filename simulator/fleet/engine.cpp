#include "simulator/fleet/engine.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <future>
#include <thread>

#include "simulator/fleet/ramp.hpp"
#include "simulator/fleet/shard.hpp"
#include "simulator/ocpp/v16/charge_point.hpp"
#include "simulator/ocpp/v201/charge_point.hpp"

namespace ocppfleet::fleet {
namespace asio = boost::asio;

Engine::Engine(EngineOptions options) : clock_(options.clock != nullptr ? options.clock : &core::system_clock()) {
  unsigned n = options.shards != 0 ? options.shards : std::max(1u, std::thread::hardware_concurrency());
  shards_.reserve(n);
  for (unsigned i = 0; i < n; ++i)
    shards_.push_back(std::make_unique<Shard>(i));
}

Engine::~Engine() { shutdown(); }

ChargerId Engine::add(ChargerSpec spec) {
  const ChargerId id = next_id_.fetch_add(1);
  Shard& shard = shard_of(id);
  count_.fetch_add(1);
  spec.options.profile = spec.profile.get();
  spec.options.evs = spec.evs.get();
  if (!spec.connector_spec) spec.connector_spec = std::make_shared<const charger::ConnectorSpec>();
  asio::post(shard.io(), [this, &shard, id, spec = std::move(spec)]() mutable {
    std::shared_ptr<ocpp::ChargePointBase> cp;
    if (spec.version == ocpp::ProtocolVersion::V201) {
      cp = std::make_shared<v201::ChargePoint>(shard.io().get_executor(), *clock_, counters_, spec.link,
                                               std::move(spec.identity), *spec.connector_spec, spec.connectors,
                                               spec.options);
    } else {
      cp = std::make_shared<v16::ChargePoint>(shard.io().get_executor(), *clock_, counters_, spec.link,
                                              std::move(spec.identity), *spec.connector_spec, spec.connectors,
                                              spec.options);
    }
    if (spec.basic_auth_password) cp->set_basic_auth_password(spec.basic_auth_password);
    shard.chargers().emplace(
        id, ShardCharger{std::move(spec.connector_spec), std::move(spec.profile), std::move(spec.evs), std::move(cp)});
  });
  return id;
}

bool Engine::post(ChargerId id, std::function<void(ocpp::ChargePointBase&)> fn) {
  if (shut_down_ || id == 0 || id >= next_id_.load()) return false;
  Shard& shard = shard_of(id);
  asio::post(shard.io(), [&shard, id, fn = std::move(fn)] {
    const auto it = shard.chargers().find(id);
    if (it != shard.chargers().end()) fn(*it->second.charge_point);
  });
  return true;
}

void Engine::start(ChargerId id) {
  post(id, [](ocpp::ChargePointBase& cp) { cp.start(); });
}

void Engine::stop(ChargerId id) {
  post(id, [](ocpp::ChargePointBase& cp) { cp.stop(); });
}

void Engine::remove(ChargerId id) {
  if (shut_down_ || id == 0 || id >= next_id_.load()) return;
  Shard& shard = shard_of(id);
  asio::post(shard.io(), [this, &shard, id] {
    const auto it = shard.chargers().find(id);
    if (it == shard.chargers().end()) return;
    it->second.charge_point->stop();
    shard.chargers().erase(it);
    count_.fetch_sub(1);
  });
}

void Engine::start_all() {
  for (auto& s : shards_) {
    asio::post(s->io(), [&shard = *s] {
      for (auto& [id, c] : shard.chargers())
        c.charge_point->start();
    });
  }
}

void Engine::stop_all() {
  for (auto& s : shards_) {
    asio::post(s->io(), [&shard = *s] {
      for (auto& [id, c] : shard.chargers())
        c.charge_point->stop();
    });
  }
}

void Engine::ramp_down(double rate_per_s) {
  if (shut_down_) return;
  if (!(rate_per_s > 0)) {
    stop_all();
    return;
  }
  ramp_requests_.fetch_add(1);
  Shard& home = *shards_.front();
  asio::post(home.io(), [this, &home, rate_per_s] {
    if (ramp_) ramp_->cancel();
    // Ids are handed out densely from 1: the range covers every charger added so far, and
    // stopping one already removed is a no-op.
    ramp_ = std::make_shared<RampDown>(home.io().get_executor(), *clock_, rate_per_s, 1, next_id_.load(),
                                       [this](std::uint64_t id) {
                                         stop(id);
                                         ramp_remaining_.fetch_sub(1);
                                       });
    ramp_remaining_.store(ramp_->remaining());
    ramp_requests_.fetch_sub(1);
    ramp_->start();
  });
}

std::size_t Engine::ramp_down_remaining() const noexcept {
  // A request not yet taken up by shard 0 will stop everyone.
  return ramp_requests_.load() > 0 ? count_.load() : ramp_remaining_.load();
}

bool Engine::wait_ramp_down(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (ramp_requests_.load() > 0 || ramp_remaining_.load() > 0) {
    if (shut_down_ || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return true;
}

void Engine::drop_all_links() {
  for (auto& s : shards_) {
    asio::post(s->io(), [&shard = *s] {
      for (auto& [id, c] : shard.chargers())
        c.charge_point->drop_link();
    });
  }
}

std::optional<ocpp::ChargePointSnapshot> Engine::snapshot(ChargerId id, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<std::optional<ocpp::ChargePointSnapshot>>>();
  auto future = promise->get_future();
  if (shut_down_ || id == 0 || id >= next_id_.load()) return std::nullopt;
  Shard& shard = shard_of(id);
  asio::post(shard.io(), [&shard, id, promise] {
    const auto it = shard.chargers().find(id);
    promise->set_value(it == shard.chargers().end() ? std::nullopt
                                                    : std::optional{it->second.charge_point->snapshot()});
  });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

std::optional<std::vector<rpc::FrameRecord>> Engine::frames(ChargerId id, std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<std::optional<std::vector<rpc::FrameRecord>>>>();
  auto future = promise->get_future();
  if (shut_down_ || id == 0 || id >= next_id_.load()) return std::nullopt;
  Shard& shard = shard_of(id);
  asio::post(shard.io(), [&shard, id, promise] {
    const auto it = shard.chargers().find(id);
    promise->set_value(it == shard.chargers().end() ? std::nullopt : std::optional{it->second.charge_point->frames()});
  });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

std::vector<ChargerFrames> Engine::collect_frames(std::chrono::milliseconds timeout) {
  std::vector<ChargerFrames> all;
  if (shut_down_) return all;
  std::vector<std::future<std::vector<ChargerFrames>>> parts;
  for (auto& s : shards_) {
    auto promise = std::make_shared<std::promise<std::vector<ChargerFrames>>>();
    parts.push_back(promise->get_future());
    asio::post(s->io(), [&shard = *s, promise] {
      std::vector<ChargerFrames> mine;
      try {
        mine.reserve(shard.chargers().size());
        for (const auto& [id, c] : shard.chargers())
          mine.push_back(ChargerFrames{id, c.charge_point->identity(), c.charge_point->frames()});
      } catch (...) { // out of memory: this shard's part stays empty, the shard goes on
        mine.clear();
      }
      promise->set_value(std::move(mine));
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& part : parts) {
    if (part.wait_until(deadline) != std::future_status::ready) continue;
    auto mine = part.get();
    std::move(mine.begin(), mine.end(), std::back_inserter(all));
  }
  std::sort(all.begin(), all.end(), [](const ChargerFrames& a, const ChargerFrames& b) { return a.id < b.id; });
  return all;
}

void Engine::shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  asio::post(shards_.front()->io(), [this] {
    if (ramp_) ramp_->cancel(); // everyone is being stopped anyway
    ramp_remaining_.store(0);
  });
  stop_all();
  // Let the close handshakes run, bounded: links report closed or the grace ends.
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (counters_.connected.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  shut_down_ = true;
  for (auto& s : shards_) {
    asio::post(s->io(), [this, &shard = *s] {
      for (auto& [id, c] : shard.chargers())
        c.charge_point->link().set_listener(nullptr);
      shard.chargers().clear();
      if (&shard == shards_.front().get()) ramp_.reset(); // its timer goes while the loop exists
      shard.io().stop();
    });
  }
  for (auto& s : shards_)
    s->join();
}

} // namespace ocppfleet::fleet
