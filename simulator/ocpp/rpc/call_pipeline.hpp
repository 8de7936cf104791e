#pragma once
// Outbound CALLs of one charger: OCPP-J allows one CALL in flight; the rest wait in a
// bounded FIFO. Pure bookkeeping: the owner writes the frames and arms the timer.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::rpc {

using Json = nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

struct OutstandingCall {
  std::string id;
  std::string action;
  std::uint64_t cookie = 0; // owner's correlation (e.g. connector id)
  bool durable = false;     // survives disconnects (transaction messages)
  SteadyTime deadline{};
};

class CallPipeline {
public:
  explicit CallPipeline(std::size_t max_queued = 64) : max_queued_(max_queued) {}

  // Queues a CALL. Returns false (and queues nothing) when the queue is full. Durable calls
  // survive on_disconnect(); they are what an offline queue must never lose. Payload rule as
  // serialize_call: null is sent as {}, another non-object throws std::invalid_argument.
  bool enqueue(std::string action, const Json& payload, std::uint64_t cookie = 0, bool durable = false);

  // When nothing is in flight and something is queued: takes the head, gives it a fresh
  // unique id, marks it in flight until now + timeout, and returns the CALL frame to write.
  std::optional<std::string> next_frame(SteadyTime now, std::chrono::milliseconds timeout);

  // A CALLRESULT / CALLERROR arrived: if `id` is the in-flight call's id, returns it and
  // frees the slot; otherwise nullopt (late or foreign answer, ignored by the caller).
  std::optional<OutstandingCall> complete(std::string_view id);

  // The in-flight call's deadline has passed: returns it and frees the slot.
  std::optional<OutstandingCall> expire(SteadyTime now);

  [[nodiscard]] std::optional<SteadyTime> deadline() const;
  [[nodiscard]] bool in_flight() const noexcept { return in_flight_.has_value(); }
  [[nodiscard]] std::size_t queued() const noexcept { return queue_.size(); }
  [[nodiscard]] const std::optional<OutstandingCall>& current() const noexcept { return in_flight_; }

  // Link lost: the in-flight call goes back to the head of the queue if durable (it will be
  // resent with a new id), volatile queued calls are dropped. Order of durable calls kept.
  void on_disconnect();
  // Drops everything (charger removed / hard reset of the pipeline).
  void clear();

private:
  struct Queued {
    std::string action;
    std::string payload; // serialized once, to keep queued calls small
    std::uint64_t cookie;
    bool durable;
  };
  std::size_t max_queued_;
  std::vector<Queued> queue_; // not a deque: an empty libstdc++ deque costs ~600 bytes
  std::optional<OutstandingCall> in_flight_;
  std::string in_flight_payload_; // kept to requeue a durable call on disconnect
  std::uint64_t next_id_ = 1;
};

} // namespace ocppfleet::rpc
