#pragma once
// Delivers the outbox (ocpi/outbox_repo.hpp) to the eMSPs: one thread that takes due rows from
// the store, sends each with the CPO's Token B (its encoding) and removes what the eMSP took.
// A failed call is retried with exponential backoff (base, doubling, capped); CommandResults
// are given up after `max_command_result_attempts` (the eMSP stops waiting for them anyway),
// everything else is retried until it is taken: a CDR is never dropped.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "control-api/store/store.hpp"
#include "simulator/core/clock.hpp"

namespace ocppfleet::ocpi {

struct PushConfig {
  std::chrono::milliseconds timeout{10'000};    // per call
  std::chrono::milliseconds retry_base{1'000};  // first retry after this, then doubling
  std::chrono::milliseconds retry_max{300'000}; // backoff cap
  std::chrono::milliseconds idle_poll{1'000};   // how often an idle pusher looks for due retries
  std::int64_t max_command_result_attempts = 8;
  std::size_t batch = 64;
  const core::Clock* clock = &core::system_clock();
};

struct PushCounters {
  std::uint64_t delivered = 0, failed_attempts = 0, dropped = 0;
};

class Pusher {
public:
  Pusher(store::Store& store, PushConfig config);
  ~Pusher(); // stops: the call in flight finishes (bounded by the timeout), the rest stays queued
  Pusher(const Pusher&) = delete;
  Pusher& operator=(const Pusher&) = delete;

  // Something was enqueued: look now rather than at the next poll. `urgent` (a CommandResult):
  // also cut the batch in hand short, so the result goes before the rest of it.
  void wake(bool urgent = false);
  [[nodiscard]] PushCounters counters() const;

private:
  void run();
  bool deliver_due(); // true when it sent anything

  store::Store& store_;
  PushConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false, stopping_ = false;
  std::atomic<bool> urgent_{false};
  PushCounters counters_;
  std::thread thread_;
};

} // namespace ocppfleet::ocpi
