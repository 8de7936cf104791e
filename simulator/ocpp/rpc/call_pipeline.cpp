#include "simulator/ocpp/rpc/call_pipeline.hpp"

#include <stdexcept>
#include <utility>

namespace ocppfleet::rpc {

namespace {
std::string dump_compact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
} // namespace

bool CallPipeline::enqueue(std::string action, const Json& payload, std::uint64_t cookie, bool durable) {
  // Same rule as serialize_call: null means "no fields"; anything else non-object is a bug,
  // caught here rather than when the frame is finally written.
  if (!payload.is_null() && !payload.is_object()) throw std::invalid_argument("CALL payload must be a JSON object");
  if (queue_.size() >= max_queued_) return false;
  std::string body = payload.is_null() ? std::string{"{}"} : dump_compact(payload);
  queue_.push_back(Queued{std::move(action), std::move(body), cookie, durable});
  return true;
}

std::optional<std::string> CallPipeline::next_frame(SteadyTime now, std::chrono::milliseconds timeout) {
  if (in_flight_ || queue_.empty()) return std::nullopt;
  Queued head = std::move(queue_.front());
  queue_.erase(queue_.begin()); // queues are short (bounded); a front erase is cheap here
  if (queue_.empty()) queue_.shrink_to_fit();
  // Never reused, not even after clear(): a late answer to an old call must not match a new one.
  std::string id = std::to_string(next_id_++);
  // Same bytes as serialize_call, but the payload is already serialized: splice it in
  // rather than parse it back.
  std::string frame = "[2," + dump_compact(Json(id)) + "," + dump_compact(Json(head.action)) + "," + head.payload + "]";
  in_flight_ = OutstandingCall{std::move(id), std::move(head.action), head.cookie, head.durable, now + timeout};
  in_flight_payload_ = std::move(head.payload);
  return frame;
}

std::optional<OutstandingCall> CallPipeline::complete(std::string_view id) {
  if (!in_flight_ || in_flight_->id != id) return std::nullopt;
  std::optional<OutstandingCall> done = std::move(in_flight_);
  in_flight_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
  return done;
}

std::optional<OutstandingCall> CallPipeline::expire(SteadyTime now) {
  // At the deadline itself counts as passed: the owner's timer fires exactly then.
  if (!in_flight_ || now < in_flight_->deadline) return std::nullopt;
  return complete(in_flight_->id);
}

std::optional<SteadyTime> CallPipeline::deadline() const {
  if (!in_flight_) return std::nullopt;
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
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
}

void CallPipeline::clear() {
  queue_.clear();
  in_flight_.reset();
  in_flight_payload_ = std::string{}; // release the capacity, not just the length
}

} // namespace ocppfleet::rpc
