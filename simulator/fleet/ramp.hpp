#pragma once
// Ramp-down: stops a range of chargers at a given rate from a timer on one shard (no
// sleeping thread, no thread of its own). Ramp-up needs no counterpart: it is the connect
// gate's rate (transport::ConnectGate in the fleet's LinkConfig), which every connect
// attempt, and so Engine::start_all(), goes through.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <memory>

#include "simulator/core/clock.hpp"
#include "simulator/transport/connect_gate.hpp"

namespace ocppfleet::fleet {

// Lives on the thread of `executor` (every call from there). Must be owned by a
// std::shared_ptr (its timer reaches it through a weak_ptr).
class RampDown : public std::enable_shared_from_this<RampDown> {
public:
  using StopOne = std::function<void(std::uint64_t id)>;

  // Will call stop_one(id) for id in [first_id, end_id), `rate_per_s` per second, the first
  // one at once. Paced by a token bucket (burst 1) on `clock`, so a late timer catches up
  // without ever exceeding the rate. std::invalid_argument for a rate that is not > 0.
  RampDown(boost::asio::any_io_executor executor, const core::Clock& clock, double rate_per_s, std::uint64_t first_id,
           std::uint64_t end_id, StopOne stop_one);

  void start();
  // No further stops; the ones done stay done.
  void cancel() noexcept;

  [[nodiscard]] std::uint64_t remaining() const noexcept { return cancelled_ ? 0 : end_ - next_; }

private:
  void tick();

  const core::Clock& clock_;
  transport::TokenBucket pace_;
  boost::asio::steady_timer timer_;
  StopOne stop_one_;
  std::uint64_t next_;
  std::uint64_t end_;
  bool cancelled_ = false;
};

} // namespace ocppfleet::fleet
