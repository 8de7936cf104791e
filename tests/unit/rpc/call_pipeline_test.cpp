#include "simulator/ocpp/rpc/call_pipeline.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "simulator/ocpp/rpc/frame.hpp"

namespace ocppfleet::rpc {
namespace {

using namespace std::chrono_literals;

const SteadyTime t0 = SteadyTime{} + 1h;
constexpr std::chrono::milliseconds timeout = 30s;

// Sends the next frame and returns it parsed; fails when nothing was sent.
Call send_next(CallPipeline& pipeline, SteadyTime now = t0) {
  const std::optional<std::string> frame = pipeline.next_frame(now, timeout);
  if (!frame) {
    ADD_FAILURE() << "expected a frame to send";
    return {};
  }
  const ParsedFrame parsed = parse_frame(*frame);
  if (!std::holds_alternative<Call>(parsed)) {
    ADD_FAILURE() << "not a CALL: " << *frame;
    return {};
  }
  return std::get<Call>(parsed);
}

// Drains the pipeline, answering each call, and returns the actions in send order.
std::vector<std::string> drain(CallPipeline& pipeline) {
  std::vector<std::string> actions;
  while (pipeline.queued() > 0) {
    const Call call = send_next(pipeline);
    actions.push_back(call.action);
    EXPECT_TRUE(pipeline.complete(call.id));
  }
  return actions;
}

TEST(CallPipeline, empty_pipeline_has_nothing_to_send) {
  CallPipeline pipeline;
  EXPECT_EQ(pipeline.next_frame(t0, timeout), std::nullopt);
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.deadline(), std::nullopt);
}

TEST(CallPipeline, next_frame_is_a_call_with_the_queued_action_and_payload) {
  CallPipeline pipeline;
  ASSERT_TRUE(pipeline.enqueue("Authorize", Json{{"idTag", "ABC"}}, 7));
  const std::optional<std::string> frame = pipeline.next_frame(t0, timeout);
  ASSERT_TRUE(frame);
  ASSERT_TRUE(pipeline.current());
  const std::string& id = pipeline.current()->id;
  EXPECT_EQ(*frame, serialize_call(id, "Authorize", Json{{"idTag", "ABC"}}));
  EXPECT_EQ(pipeline.current()->action, "Authorize");
  EXPECT_EQ(pipeline.current()->cookie, 7U);
  EXPECT_EQ(pipeline.queued(), 0U);
}

TEST(CallPipeline, null_payload_is_sent_as_empty_object) {
  CallPipeline pipeline;
  ASSERT_TRUE(pipeline.enqueue("Heartbeat", Json{}));
  EXPECT_TRUE(send_next(pipeline).payload.is_object());
}

TEST(CallPipeline, non_object_payload_is_refused_at_enqueue) {
  CallPipeline pipeline;
  EXPECT_THROW(pipeline.enqueue("Heartbeat", Json::array()), std::invalid_argument);
  EXPECT_EQ(pipeline.queued(), 0U);
}

TEST(CallPipeline, only_one_call_is_in_flight) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  pipeline.enqueue("StatusNotification", Json::object());
  const Call first = send_next(pipeline);
  EXPECT_TRUE(pipeline.in_flight());
  EXPECT_EQ(pipeline.next_frame(t0, timeout), std::nullopt);
  EXPECT_EQ(pipeline.queued(), 1U);
  ASSERT_TRUE(pipeline.complete(first.id));
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(send_next(pipeline).action, "StatusNotification");
}

TEST(CallPipeline, calls_are_sent_in_fifo_order) {
  CallPipeline pipeline;
  for (const char* action : {"BootNotification", "StatusNotification", "Heartbeat", "MeterValues"})
    pipeline.enqueue(action, Json::object());
  EXPECT_EQ(drain(pipeline),
            (std::vector<std::string>{"BootNotification", "StatusNotification", "Heartbeat", "MeterValues"}));
}

TEST(CallPipeline, enqueue_at_puts_calls_ahead_in_the_given_order) {
  // The boot-time status report goes ahead of transaction messages queued while offline.
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  pipeline.enqueue("MeterValues", Json::object(), 0, true);
  EXPECT_TRUE(pipeline.enqueue_at(0, "StatusNotification", Json{{"connectorId", 0}}));
  EXPECT_TRUE(pipeline.enqueue_at(1, "StatusNotification", Json{{"connectorId", 1}}));
  EXPECT_TRUE(pipeline.enqueue_at(99, "Heartbeat", Json::object())); // clamped: the tail
  std::vector<std::string> order;
  while (pipeline.queued() > 0) {
    const Call call = send_next(pipeline);
    order.push_back(call.action + (call.payload.contains("connectorId")
                                       ? std::to_string(call.payload["connectorId"].get<int>())
                                       : std::string{}));
    EXPECT_TRUE(pipeline.complete(call.id));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"StatusNotification0", "StatusNotification1", "StartTransaction",
                                             "MeterValues", "Heartbeat"}));
}

TEST(CallPipeline, enqueue_at_respects_the_queue_bound) {
  CallPipeline pipeline(1);
  EXPECT_TRUE(pipeline.enqueue("A", Json::object()));
  EXPECT_FALSE(pipeline.enqueue_at(0, "B", Json::object()));
  EXPECT_EQ(drain(pipeline), (std::vector<std::string>{"A"}));
}

TEST(CallPipeline, full_queue_refuses_and_queues_nothing) {
  CallPipeline pipeline(2);
  EXPECT_TRUE(pipeline.enqueue("A", Json::object()));
  EXPECT_TRUE(pipeline.enqueue("B", Json::object()));
  EXPECT_FALSE(pipeline.enqueue("C", Json::object()));
  EXPECT_EQ(pipeline.queued(), 2U);
  EXPECT_EQ(drain(pipeline), (std::vector<std::string>{"A", "B"}));
}

TEST(CallPipeline, in_flight_call_does_not_count_against_the_queue_bound) {
  CallPipeline pipeline(1);
  ASSERT_TRUE(pipeline.enqueue("A", Json::object()));
  send_next(pipeline);
  EXPECT_TRUE(pipeline.enqueue("B", Json::object()));
  EXPECT_FALSE(pipeline.enqueue("C", Json::object()));
}

TEST(CallPipeline, message_ids_are_unique) {
  CallPipeline pipeline;
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    pipeline.enqueue("Heartbeat", Json::object());
    const Call call = send_next(pipeline);
    EXPECT_LE(call.id.size(), 36U);
    EXPECT_TRUE(ids.insert(call.id).second) << "duplicate id " << call.id;
    pipeline.complete(call.id);
  }
}

TEST(CallPipeline, message_ids_stay_unique_across_clear) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  const Call before = send_next(pipeline);
  pipeline.clear();
  pipeline.enqueue("Heartbeat", Json::object());
  EXPECT_NE(send_next(pipeline).id, before.id);
}

TEST(CallPipeline, complete_returns_the_in_flight_call_and_frees_the_slot) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 2, true);
  const Call call = send_next(pipeline);
  const std::optional<OutstandingCall> done = pipeline.complete(call.id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->id, call.id);
  EXPECT_EQ(done->action, "StartTransaction");
  EXPECT_EQ(done->cookie, 2U);
  EXPECT_TRUE(done->durable);
  EXPECT_EQ(done->deadline, t0 + timeout);
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.deadline(), std::nullopt);
}

TEST(CallPipeline, complete_with_a_wrong_id_is_ignored) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  const Call call = send_next(pipeline);
  EXPECT_EQ(pipeline.complete("not-" + call.id), std::nullopt);
  EXPECT_TRUE(pipeline.in_flight());
  EXPECT_EQ(pipeline.current()->id, call.id);
  EXPECT_TRUE(pipeline.complete(call.id));
}

TEST(CallPipeline, late_answer_to_a_completed_call_is_ignored) {
  CallPipeline pipeline;
  pipeline.enqueue("A", Json::object());
  pipeline.enqueue("B", Json::object());
  const Call first = send_next(pipeline);
  ASSERT_TRUE(pipeline.complete(first.id));
  send_next(pipeline);
  EXPECT_EQ(pipeline.complete(first.id), std::nullopt);
  EXPECT_TRUE(pipeline.in_flight());
}

TEST(CallPipeline, complete_with_nothing_in_flight_is_ignored) {
  CallPipeline pipeline;
  EXPECT_EQ(pipeline.complete("1"), std::nullopt);
}

TEST(CallPipeline, deadline_is_send_time_plus_timeout) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  send_next(pipeline, t0);
  EXPECT_EQ(pipeline.deadline(), t0 + timeout);
}

TEST(CallPipeline, expire_does_nothing_before_the_deadline) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  send_next(pipeline, t0);
  EXPECT_EQ(pipeline.expire(t0), std::nullopt);
  EXPECT_EQ(pipeline.expire(t0 + timeout - 1ns), std::nullopt);
  EXPECT_TRUE(pipeline.in_flight());
}

TEST(CallPipeline, expire_at_the_deadline_returns_the_call_and_frees_the_slot) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object(), 9);
  pipeline.enqueue("MeterValues", Json::object());
  const Call call = send_next(pipeline, t0);
  const std::optional<OutstandingCall> expired = pipeline.expire(t0 + timeout);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->id, call.id);
  EXPECT_EQ(expired->cookie, 9U);
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.complete(call.id), std::nullopt);
  EXPECT_EQ(send_next(pipeline).action, "MeterValues");
}

TEST(CallPipeline, expire_with_nothing_in_flight_does_nothing) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  EXPECT_EQ(pipeline.expire(t0 + 24h), std::nullopt);
  EXPECT_EQ(pipeline.queued(), 1U);
}

TEST(CallPipeline, disconnect_requeues_durable_in_flight_call_at_the_head_with_a_new_id) {
  CallPipeline pipeline;
  pipeline.enqueue("StopTransaction", Json{{"transactionId", 5}}, 1, true);
  pipeline.enqueue("MeterValues", Json{{"connectorId", 1}}, 1, true);
  const Call first = send_next(pipeline);
  pipeline.on_disconnect();
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.queued(), 2U);
  EXPECT_EQ(pipeline.complete(first.id), std::nullopt);

  const Call resent = send_next(pipeline);
  EXPECT_EQ(resent.action, "StopTransaction");
  EXPECT_EQ(resent.payload, Json({{"transactionId", 5}}));
  EXPECT_NE(resent.id, first.id);
  EXPECT_TRUE(pipeline.current()->durable);
  EXPECT_EQ(pipeline.current()->cookie, 1U);
}

TEST(CallPipeline, disconnect_drops_volatile_calls_and_keeps_durable_order) {
  CallPipeline pipeline;
  pipeline.enqueue("StatusNotification", Json::object(), 0, false);
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  pipeline.enqueue("Heartbeat", Json::object(), 0, false);
  pipeline.enqueue("MeterValues", Json::object(), 0, true);
  pipeline.enqueue("DataTransfer", Json::object(), 0, false);
  pipeline.enqueue("StopTransaction", Json::object(), 0, true);
  send_next(pipeline); // StatusNotification in flight, volatile
  pipeline.on_disconnect();
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(drain(pipeline), (std::vector<std::string>{"StartTransaction", "MeterValues", "StopTransaction"}));
}

TEST(CallPipeline, disconnect_drops_volatile_in_flight_call) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  const Call call = send_next(pipeline);
  pipeline.on_disconnect();
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.queued(), 0U);
  EXPECT_EQ(pipeline.complete(call.id), std::nullopt);
}

TEST(CallPipeline, durable_requeue_is_kept_even_when_the_queue_is_full) {
  CallPipeline pipeline(1);
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  send_next(pipeline);
  ASSERT_TRUE(pipeline.enqueue("StopTransaction", Json::object(), 0, true));
  pipeline.on_disconnect();
  EXPECT_EQ(pipeline.queued(), 2U);
  EXPECT_FALSE(pipeline.enqueue("MeterValues", Json::object(), 0, true));
  EXPECT_EQ(drain(pipeline), (std::vector<std::string>{"StartTransaction", "StopTransaction"}));
}

TEST(CallPipeline, clear_drops_everything_including_durable_calls) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  pipeline.enqueue("StopTransaction", Json::object(), 0, true);
  const Call call = send_next(pipeline);
  pipeline.clear();
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.queued(), 0U);
  EXPECT_EQ(pipeline.next_frame(t0, timeout), std::nullopt);
  EXPECT_EQ(pipeline.complete(call.id), std::nullopt);
}

// ---------------------------------------------------------------- retries of durable calls

const RetryPolicy three_tries{3, 10s};

TEST(CallPipeline, durable_call_that_times_out_is_resent_after_interval_times_transmissions) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json{{"connectorId", 1}}, 4, true);
  pipeline.enqueue("StatusNotification", Json::object());
  const Call first = send_next(pipeline, t0);
  const auto failed = pipeline.expire(t0 + timeout, three_tries);
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->will_retry);
  EXPECT_TRUE(pipeline.in_flight()); // keeps the slot: nothing overtakes it
  EXPECT_TRUE(pipeline.waiting_to_retry());
  EXPECT_EQ(pipeline.deadline(), std::optional{t0 + timeout + 10s});
  EXPECT_EQ(pipeline.next_frame(t0 + timeout + 10s - 1ms, timeout), std::nullopt);

  const Call second = send_next(pipeline, t0 + timeout + 10s);
  EXPECT_EQ(second.action, "StartTransaction");
  EXPECT_EQ(second.payload, Json({{"connectorId", 1}}));
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(pipeline.current()->attempt, 2U);
  // The second wait is twice the interval (two transmissions so far).
  const SteadyTime t2 = t0 + timeout + 10s + timeout;
  ASSERT_TRUE(pipeline.expire(t2, three_tries)->will_retry);
  EXPECT_EQ(pipeline.deadline(), std::optional{t2 + 20s});
  const Call third = send_next(pipeline, t2 + 20s);
  EXPECT_EQ(third.action, "StartTransaction");
  EXPECT_EQ(pipeline.complete(third.id)->cookie, 4U);
  EXPECT_EQ(send_next(pipeline, t2 + 20s).action, "StatusNotification");
}

TEST(CallPipeline, durable_call_is_dropped_after_its_last_attempt) {
  CallPipeline pipeline;
  pipeline.enqueue("StopTransaction", Json::object(), 0, true);
  pipeline.enqueue("Heartbeat", Json::object());
  SteadyTime t = t0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    send_next(pipeline, t);
    t += timeout;
    const auto failed = pipeline.expire(t, three_tries);
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->will_retry, attempt < 3) << "attempt " << attempt;
    t += 30s;
  }
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(send_next(pipeline, t).action, "Heartbeat");
}

TEST(CallPipeline, volatile_call_is_never_retried) {
  CallPipeline pipeline;
  pipeline.enqueue("Heartbeat", Json::object());
  send_next(pipeline, t0);
  const auto failed = pipeline.expire(t0 + timeout, three_tries);
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->will_retry);
  EXPECT_FALSE(pipeline.in_flight());
}

TEST(CallPipeline, late_answer_to_an_earlier_transmission_completes_the_call_once) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 7, true);
  pipeline.enqueue("Heartbeat", Json::object());
  const Call first = send_next(pipeline, t0);
  ASSERT_TRUE(pipeline.expire(t0 + timeout, three_tries)->will_retry);
  const Call second = send_next(pipeline, t0 + timeout + 10s);
  const auto done = pipeline.complete(first.id); // the CSMS was only slow
  ASSERT_TRUE(done);
  EXPECT_EQ(done->cookie, 7U);
  EXPECT_EQ(pipeline.complete(second.id), std::nullopt); // the answer to the resend: ignored
  EXPECT_EQ(send_next(pipeline, t0 + timeout + 10s).action, "Heartbeat");
}

TEST(CallPipeline, late_answer_while_waiting_to_resend_completes_the_call_without_a_resend) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  const Call first = send_next(pipeline, t0);
  ASSERT_TRUE(pipeline.expire(t0 + timeout, three_tries)->will_retry);
  ASSERT_TRUE(pipeline.complete(first.id));
  EXPECT_FALSE(pipeline.in_flight());
  EXPECT_EQ(pipeline.next_frame(t0 + 1h, timeout), std::nullopt);
}

TEST(CallPipeline, answer_with_a_foreign_id_does_not_complete_a_retried_call) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  const Call first = send_next(pipeline, t0);
  ASSERT_TRUE(pipeline.expire(t0 + timeout, three_tries)->will_retry);
  const Call second = send_next(pipeline, t0 + timeout + 10s);
  EXPECT_EQ(pipeline.complete("0" + first.id), std::nullopt);
  EXPECT_EQ(pipeline.complete(second.id + "0"), std::nullopt);
  EXPECT_EQ(pipeline.complete("x"), std::nullopt);
  EXPECT_TRUE(pipeline.in_flight());
}

TEST(CallPipeline, callerror_to_a_durable_call_is_retried_like_a_timeout) {
  CallPipeline pipeline;
  pipeline.enqueue("MeterValues", Json::object(), 0, true);
  const Call first = send_next(pipeline, t0);
  const auto failed = pipeline.fail(first.id, t0 + 1s, three_tries);
  ASSERT_TRUE(failed);
  EXPECT_TRUE(failed->will_retry);
  EXPECT_EQ(pipeline.deadline(), std::optional{t0 + 11s});
  EXPECT_EQ(send_next(pipeline, t0 + 11s).action, "MeterValues");
  EXPECT_EQ(pipeline.fail("nope", t0 + 12s, three_tries), std::nullopt);
}

TEST(CallPipeline, disconnect_while_waiting_to_resend_requeues_the_call_at_the_head) {
  CallPipeline pipeline;
  pipeline.enqueue("StartTransaction", Json::object(), 0, true);
  pipeline.enqueue("StopTransaction", Json::object(), 0, true);
  send_next(pipeline, t0);
  ASSERT_TRUE(pipeline.expire(t0 + timeout, three_tries)->will_retry);
  pipeline.on_disconnect();
  EXPECT_FALSE(pipeline.waiting_to_retry());
  EXPECT_EQ(drain(pipeline), (std::vector<std::string>{"StartTransaction", "StopTransaction"}));
}

} // namespace
} // namespace ocppfleet::rpc
