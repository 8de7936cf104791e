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
  std::uint32_t attempt = 1; // transmissions of this call so far on this connection
};

// How a durable call the CSMS failed to process (no answer in time, or a CALLERROR) is
// tried again: OCPP 1.6 TransactionMessageAttempts / TransactionMessageRetryInterval,
// 2.0.1 OCPPCommCtrlr.MessageAttempts[TransactionEvent] / MessageAttemptInterval.
struct RetryPolicy {
  std::uint32_t attempts = 1;            // transmissions in all, the first included (0 counts as 1)
  std::chrono::milliseconds interval{0}; // the wait before a resend is interval * transmissions so far
};

// A call that failed: `will_retry` when it stays at the head and is resent later.
struct FailedCall {
  OutstandingCall call;
  bool will_retry = false;
};

class CallPipeline {
public:
  explicit CallPipeline(std::size_t max_queued = 64) : max_queued_(max_queued) {}

  // Queues a CALL. Returns false (and queues nothing) when the queue is full. Durable calls
  // survive on_disconnect(); they are what an offline queue must never lose. Payload rule as
  // serialize_call: null is sent as {}, another non-object throws std::invalid_argument.
  bool enqueue(std::string action, const Json& payload, std::uint64_t cookie = 0, bool durable = false);
  // Same, but queued at `position` (0 = the head, clamped to the queue's length), ahead of
  // what waits behind it: the boot-time StatusNotifications go before calls queued offline.
  bool enqueue_at(std::size_t position, std::string action, const Json& payload, std::uint64_t cookie = 0,
                  bool durable = false);

  // When nothing is in flight and something is queued: takes the head, gives it a fresh
  // unique id, marks it in flight until now + timeout, and returns the CALL frame to write.
  std::optional<std::string> next_frame(SteadyTime now, std::chrono::milliseconds timeout);

  // While the in-flight call waits for its resend (see expire/fail with a RetryPolicy):
  // when its time has come, resends it with a fresh id (no new queue entry).

  // A CALLRESULT / CALLERROR arrived: if `id` is the in-flight call's id, or the id of an
  // earlier transmission of it (a late answer to a retried call), returns it and frees the
  // slot; otherwise nullopt (late or foreign answer, ignored by the caller). So one call is
  // completed exactly once, whichever of its transmissions the CSMS answers.
  std::optional<OutstandingCall> complete(std::string_view id);

  // The in-flight call's deadline has passed: returns it and frees the slot.
  std::optional<OutstandingCall> expire(SteadyTime now);
  // Same, but a durable call with transmissions left under `durable_retry` keeps the slot
  // (order is kept: nothing overtakes it) and is resent by next_frame() once
  // now + interval * transmissions has passed; an answer to any of its transmissions
  // still completes it meanwhile. A volatile or exhausted call frees the slot.
  std::optional<FailedCall> expire(SteadyTime now, const RetryPolicy& durable_retry);
  // A CALLERROR answered call `id` (any of its transmissions): as expire() with a policy.
  std::optional<FailedCall> fail(std::string_view id, SteadyTime now, const RetryPolicy& durable_retry);
  // True while the in-flight call waits for its resend.
  [[nodiscard]] bool waiting_to_retry() const noexcept { return retry_at_.has_value(); }

  // When the owner's timer must call expire() (answer deadline) or next_frame() (resend due).
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
  bool matches_in_flight(std::string_view id) const;
  std::optional<FailedCall> retry_or_drop(SteadyTime now, const RetryPolicy& policy);

  std::string in_flight_payload_; // kept to requeue a durable call on disconnect (and resend it)
  std::uint64_t next_id_ = 1;
  // Ids are consecutive numbers and the slot stays taken between transmissions, so the
  // in-flight call's transmissions used exactly the ids first_attempt_id_ .. next_id_ - 1.
  std::uint64_t first_attempt_id_ = 0;
  std::optional<SteadyTime> retry_at_; // set while waiting to resend the in-flight call
};

} // namespace ocppfleet::rpc
