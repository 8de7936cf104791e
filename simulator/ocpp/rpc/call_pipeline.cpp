#include "simulator/ocpp/rpc/call_pipeline.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace ocppfleet::rpc {

bool CallPipeline::enqueue(std::string action, const Json& payload, std::uint64_t cookie, bool durable) {
  return enqueue_at(queue_.size(), std::move(action), payload, cookie, durable);
}

bool CallPipeline::enqueue_at(std::size_t position, std::string action, const Json& payload, std::uint64_t cookie,
                              bool durable) {
  // Same rule as serialize_call: null means "no fields"; anything else non-object is a bug,
  // caught here rather than when the frame is finally written.
  if (!payload.is_null() && !payload.is_object()) throw std::invalid_argument("CALL payload must be a JSON object");
  if (queue_.size() >= max_queued_) return false;
  std::string body = payload.is_null() ? std::string{"{}"} : dump_compact(payload);
  const auto at = queue_.begin() + static_cast<std::ptrdiff_t>(std::min(position, queue_.size()));
  queue_.insert(at, Queued{std::move(action), std::move(body), cookie, durable});
  return true;
}

std::optional<std::string> CallPipeline::next_frame(SteadyTime now, std::chrono::milliseconds timeout) {
  if (in_flight_ && retry_at_ && now >= *retry_at_) {
    // The resend of a call the CSMS failed to process: same action and payload, a fresh id
    // (OCPP-J: ids are unique per sender), and its own answer deadline.
    retry_at_.reset();
    in_flight_->id = std::to_string(next_id_++);
    in_flight_->deadline = now + timeout;
    ++in_flight_->attempt;
    return "[2," + dump_compact(Json(in_flight_->id)) + "," + dump_compact(Json(in_flight_->action)) + "," +
           in_flight_payload_ + "]";
  }
  if (in_flight_ || queue_.empty()) return std::nullopt;
  Queued head = std::move(queue_.front());
  queue_.erase(queue_.begin()); // queues are short (bounded); a front erase is cheap here
  if (queue_.empty()) queue_.shrink_to_fit();
  // Never reused, not even after clear(): a late answer to an old call must not match a new one.
  first_attempt_id_ = next_id_;
  std::string id = std::to_string(next_id_++);
  // Same bytes as serialize_call, but the payload is already serialized: splice it in
  // rather than parse it back.
  std::string frame = "[2," + dump_compact(Json(id)) + "," + dump_compact(Json(head.action)) + "," + head.payload + "]";
  in_flight_ = OutstandingCall{std::move(id), std::move(head.action), head.cookie, head.durable, now + timeout};
  in_flight_payload_ = std::move(head.payload);
  return frame;
}

bool CallPipeline::matches_in_flight(std::string_view id) const {
  if (!in_flight_) return false;
  if (in_flight_->id == id) return true;
  if (in_flight_->attempt <= 1) return false;
  // An earlier transmission of the same call: one of the consecutive ids it used. The text
  // must be exactly what we sent ("07" is not "7").
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc{} || end != id.data() + id.size() || n < first_attempt_id_ || n >= next_id_) return false;
  return std::to_string(n) == id;
}

std::optional<OutstandingCall> CallPipeline::complete(std::string_view id) {
  if (!matches_in_flight(id)) return std::nullopt;
  std::optional<OutstandingCall> done = std::move(in_flight_);
  in_flight_.reset();
  retry_at_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
  return done;
}

std::optional<OutstandingCall> CallPipeline::expire(SteadyTime now) {
  auto failed = expire(now, RetryPolicy{});
  if (!failed) return std::nullopt;
  return std::move(failed->call);
}

std::optional<FailedCall> CallPipeline::expire(SteadyTime now, const RetryPolicy& durable_retry) {
  // At the deadline itself counts as passed: the owner's timer fires exactly then. A call
  // waiting for its resend has no answer deadline.
  if (!in_flight_ || retry_at_ || now < in_flight_->deadline) return std::nullopt;
  return retry_or_drop(now, durable_retry);
}

std::optional<FailedCall> CallPipeline::fail(std::string_view id, SteadyTime now, const RetryPolicy& durable_retry) {
  if (!matches_in_flight(id)) return std::nullopt;
  // A CALLERROR to an earlier transmission while the resend is already pending or out: the
  // CSMS failed that transmission, the current one still counts.
  if (retry_at_ || in_flight_->id != id) return FailedCall{*in_flight_, true};
  return retry_or_drop(now, durable_retry);
}

std::optional<FailedCall> CallPipeline::retry_or_drop(SteadyTime now, const RetryPolicy& policy) {
  const std::uint32_t attempts = std::max<std::uint32_t>(policy.attempts, 1);
  if (in_flight_->durable && in_flight_->attempt < attempts) {
    retry_at_ = now + policy.interval * in_flight_->attempt;
    return FailedCall{*in_flight_, true};
  }
  FailedCall failed{std::move(*in_flight_), false};
  in_flight_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
  return failed;
}

std::optional<SteadyTime> CallPipeline::deadline() const {
  if (!in_flight_) return std::nullopt;
  if (retry_at_) return retry_at_;
  return in_flight_->deadline;
}

void CallPipeline::on_disconnect() {
  std::erase_if(queue_, [](const Queued& q) { return !q.durable; });
  if (in_flight_ && in_flight_->durable) {
    // May exceed max_queued_ by one: the bound refuses new work, it must never evict a
    // durable call that was already accepted. The resend gets a fresh id from next_frame().
    queue_.insert(queue_.begin(),
                  Queued{std::move(in_flight_->action), std::move(in_flight_payload_), in_flight_->cookie, true});
  }
  in_flight_.reset();
  retry_at_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
}

void CallPipeline::clear() {
  queue_.clear();
  in_flight_.reset();
  retry_at_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
}

} // namespace ocppfleet::rpc
