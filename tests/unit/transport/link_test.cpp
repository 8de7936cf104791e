#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "fake_ws_server.hpp"
#include "link_harness.hpp"

namespace ocppfleet::transport::testing {
namespace {

using Clock = std::chrono::steady_clock;

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

class LinkTest : public LinkFixture {};

// ---------------------------------------------------------------- happy path

TEST_F(LinkTest, connects_offering_ocpp16_on_path_plus_encoded_identity) {
  FakeWsServer server;
  make_link(config_for(server.url("/ocpp/")), "CP 1/x");
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(state(), LinkState::Open);
  EXPECT_EQ(attempts(), 1u);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/ocpp/CP%201%2Fx");
  EXPECT_EQ(requests[0].subprotocols, std::optional<std::string>{"ocpp1.6"});
  EXPECT_EQ(requests[0].host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(requests[0].authorization, std::nullopt);
  EXPECT_EQ(listener.closes(), 0u);
}

TEST_F(LinkTest, sends_and_receives_text_frames) {
  FakeWsServer server; // echoes
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  const std::string call = R"([2,"1","Heartbeat",{}])";
  EXPECT_TRUE(send(call));
  EXPECT_EQ(server.wait_for_message(), std::optional<std::string>{call});
  EXPECT_EQ(listener.wait_for_message(), std::optional<std::string>{call}); // the echo
  server.send_to_all(R"([2,"9","Reset",{"type":"Soft"}])");
  EXPECT_EQ(listener.wait_for_message(), std::optional<std::string>{R"([2,"9","Reset",{"type":"Soft"}])"});
}

TEST_F(LinkTest, frames_sent_in_a_burst_arrive_in_order) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->max_outbound_queue = 16;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] {
    for (int i = 0; i < 10; ++i)
      EXPECT_TRUE(link->send("m" + std::to_string(i)));
  });
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(server.wait_for_message(), std::optional<std::string>{"m" + std::to_string(i)});
}

TEST_F(LinkTest, pings_are_answered_and_keep_the_link_open) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->ping_interval = 50ms;
  config->pong_timeout = 300ms;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_TRUE(server.wait_for_pings(4, 3s));
  EXPECT_EQ(listener.closes(), 0u);
  EXPECT_EQ(state(), LinkState::Open);
}

// ---------------------------------------------------------------- upgrade failures

TEST_F(LinkTest, server_without_subprotocol_is_rejected_without_retry) {
  FakeWsServerOptions options;
  options.subprotocol = std::nullopt;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::SubprotocolMissing);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_FALSE(closed.failure.was_open);
  EXPECT_TRUE(contains(closed.failure.detail, "ocpp1.6")) << closed.failure.detail;
  EXPECT_TRUE(server.wait_for_disconnects(1)); // the client hung up
  std::this_thread::sleep_for(300ms);          // 15x the backoff: a retry would have happened
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(server.messages_received(), 0u);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(attempts(), 1u);
  EXPECT_EQ(state(), LinkState::Failed);
  EXPECT_FALSE(send("[2,\"1\",\"Heartbeat\",{}]"));
  const auto last = loop.call([&] { return link->last_failure(); });
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->code, LinkError::SubprotocolMissing);
}

TEST_F(LinkTest, server_selecting_another_subprotocol_is_a_mismatch_without_retry) {
  FakeWsServerOptions options;
  options.subprotocol = "ocpp2.0.1";
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::SubprotocolMismatch);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "ocpp2.0.1")) << closed.failure.detail;
  EXPECT_TRUE(contains(closed.failure.detail, "ocpp1.6")) << closed.failure.detail;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(state(), LinkState::Failed);
}

TEST_F(LinkTest, configured_subprotocol_is_offered_and_required) {
  FakeWsServerOptions options;
  options.subprotocol = "ocpp2.0.1";
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->subprotocol = "ocpp2.0.1";
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(server.requests().at(0).subprotocols, std::optional<std::string>{"ocpp2.0.1"});
}

TEST_F(LinkTest, wrong_password_gets_401_sent_as_basic_auth_and_is_not_retried) {
  FakeWsServerOptions options;
  options.required_authorization = "Basic Q1AwMDE6c2VjcmV0"; // CP001:secret
  FakeWsServer server{options};
  make_link(config_for(server.url()), "CP001", "wrong");
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::HttpUnauthorized);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "401")) << closed.failure.detail;
  EXPECT_FALSE(contains(closed.failure.detail, "wrong")) << "the password leaked into the detail";
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].authorization, std::optional<std::string>{"Basic Q1AwMDE6d3Jvbmc="}); // CP001:wrong
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(state(), LinkState::Failed);
}

TEST_F(LinkTest, correct_password_is_sent_as_basic_auth_and_accepted) {
  FakeWsServerOptions options;
  options.required_authorization = "Basic Q1AwMDE6c2VjcmV0"; // CP001:secret
  FakeWsServer server{options};
  make_link(config_for(server.url()), "CP001", "secret");
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(server.requests().at(0).authorization, std::optional<std::string>{"Basic Q1AwMDE6c2VjcmV0"});
}

TEST_F(LinkTest, no_authorization_header_without_a_password) {
  FakeWsServerOptions options;
  options.reject_status = 401;
  FakeWsServer server{options};
  make_link(config_for(server.url()), "CP001");
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::HttpUnauthorized);
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].authorization, std::nullopt);
}

TEST_F(LinkTest, start_after_a_non_retryable_failure_tries_again) {
  FakeWsServerOptions options;
  options.reject_status = 401;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(state(), LinkState::Failed);
  start();
  ASSERT_TRUE(listener.wait_for_closes(2));
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(attempts(), 2u);
}

TEST_F(LinkTest, other_http_status_is_upgrade_rejected_and_retried) {
  FakeWsServerOptions options;
  options.reject_status = 403;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(2));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::UpgradeRejected);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "403")) << closed.failure.detail;
  EXPECT_GE(server.connections(), 2u);
}

TEST_F(LinkTest, http_404_is_named_and_not_retried) {
  FakeWsServerOptions options;
  options.reject_status = 404;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::HttpNotFound);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "/ocpp/CP001")) << closed.failure.detail;
  EXPECT_EQ(state(), LinkState::Failed);
}

TEST_F(LinkTest, redirect_is_named_and_not_followed_or_retried) {
  FakeWsServerOptions options;
  options.reject_status = 302;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::UpgradeRedirected);
  EXPECT_FALSE(listener.closed(0).will_retry);
}

TEST_F(LinkTest, server_error_is_named_and_retried) {
  FakeWsServerOptions options;
  options.reject_status = 503;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(2));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::HttpServerError);
  EXPECT_TRUE(listener.closed(0).will_retry);
  EXPECT_TRUE(contains(listener.closed(0).failure.detail, "503"));
}

TEST_F(LinkTest, bad_request_refusing_the_subprotocol_is_a_mismatch_and_not_retried) {
  FakeWsServerOptions options;
  options.reject_status = 400;
  options.reject_body = "no_common_subprotocol";
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::SubprotocolMismatch);
  EXPECT_FALSE(listener.closed(0).will_retry);
  EXPECT_TRUE(contains(listener.closed(0).failure.detail, "ocpp1.6")) << listener.closed(0).failure.detail;
}

TEST(LinkErrorNames, new_causes_have_stable_names_and_retry_classes) {
  EXPECT_EQ(code_name(LinkError::HttpNotFound), "http_not_found");
  EXPECT_EQ(code_name(LinkError::UpgradeRedirected), "upgrade_redirected");
  EXPECT_EQ(code_name(LinkError::HttpServerError), "http_server_error");
  EXPECT_EQ(code_name(LinkError::MessageTooBig), "message_too_big");
  EXPECT_EQ(code_name(LinkError::SourceAddressUnavailable), "source_address_unavailable");
  EXPECT_TRUE(is_retryable(LinkError::HttpServerError));
  EXPECT_TRUE(is_retryable(LinkError::MessageTooBig));
  EXPECT_FALSE(is_retryable(LinkError::HttpNotFound));
  EXPECT_FALSE(is_retryable(LinkError::UpgradeRedirected));
  EXPECT_FALSE(is_retryable(LinkError::SourceAddressUnavailable));
  for (int i = 1; i < kLinkErrorCount; ++i)
    EXPECT_NE(code_name(static_cast<LinkError>(i)), "unknown") << i;
}

// ---------------------------------------------------------------- connect failures and timeouts

TEST_F(LinkTest, refused_connection_is_retried_with_growing_backoff) {
  const auto port = unused_port();
  auto config = config_for("ws://127.0.0.1:" + std::to_string(port) + "/ocpp");
  config->backoff = BackoffPolicy{30ms, 1000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(4));
  const auto events = listener.closed_events();
  for (const auto& e : events) {
    EXPECT_EQ(e.failure.code, LinkError::ConnectionRefused);
    EXPECT_TRUE(e.will_retry);
    EXPECT_FALSE(e.failure.was_open);
  }
  EXPECT_TRUE(contains(events[0].failure.detail, std::to_string(port))) << events[0].failure.detail;
  // Delays 30, 60, 120 ms (no jitter); timers never fire early.
  const auto gap = [&](std::size_t i) { return events[i + 1].at - events[i].at; };
  EXPECT_GE(gap(0), 29ms);
  EXPECT_GE(gap(1), 59ms);
  EXPECT_GE(gap(2), 119ms);
  EXPECT_GT(gap(2), gap(0));
  EXPECT_GE(attempts(), 4u);
  EXPECT_FALSE(send("x"));
}

// ---------------------------------------------------------------- reconnect storms

TEST_F(LinkTest, csms_that_accepts_and_closes_at_once_meets_a_growing_backoff) {
  FakeWsServerOptions options;
  options.close_after_upgrade = 1000;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->backoff = BackoffPolicy{30ms, 1000ms, 2.0, 0.0};
  make_link(config);
  listener.open_hook = [&] { link->confirm(); }; // even a confirmed connection must last
  start();
  ASSERT_TRUE(listener.wait_for_opens(4));
  const auto closes = listener.closed_events();
  const auto opens = listener.open_times();
  ASSERT_GE(closes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(closes[i].failure.was_open);
    EXPECT_TRUE(closes[i].will_retry);
  }
  // Delays 30, 60, 120 ms (no jitter): an upgrade does not reset the backoff. Timers
  // never fire early; before the fix every reconnect waited the initial 30 ms.
  EXPECT_GE(opens[2] - closes[1].at, 59ms);
  EXPECT_GE(opens[3] - closes[2].at, 119ms);
  EXPECT_GE(loop.call([&] { return link->backoff_attempt(); }), 3u);
}

TEST_F(LinkTest, backoff_restarts_after_a_confirmed_connection_that_lasted_stable_after) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->backoff = BackoffPolicy{30ms, 1000ms, 2.0, 0.0};
  config->stable_after = 50ms;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  // Two quick losses grow the backoff.
  for (std::size_t n = 1; n <= 2; ++n) {
    loop.call([&] { link->drop(); });
    ASSERT_TRUE(listener.wait_for_opens(n + 1));
  }
  EXPECT_EQ(loop.call([&] { return link->backoff_attempt(); }), 2u);
  // Confirmed, open past stable_after, then lost: the next delay is the initial one again.
  loop.call([&] { link->confirm(); });
  std::this_thread::sleep_for(80ms);
  loop.call([&] { link->drop(); });
  ASSERT_TRUE(listener.wait_for_opens(4));
  EXPECT_EQ(loop.call([&] { return link->backoff_attempt(); }), 1u);
}

TEST_F(LinkTest, unconfirmed_connection_does_not_restart_the_backoff_however_long_it_lasted) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->backoff = BackoffPolicy{30ms, 1000ms, 2.0, 0.0};
  config->stable_after = 20ms;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] { link->drop(); });
  ASSERT_TRUE(listener.wait_for_opens(2));
  std::this_thread::sleep_for(60ms); // open past stable_after, but never confirmed
  loop.call([&] { link->drop(); });
  ASSERT_TRUE(listener.wait_for_opens(3));
  EXPECT_EQ(loop.call([&] { return link->backoff_attempt(); }), 2u);
}

TEST_F(LinkTest, stop_while_waiting_to_retry_cancels_the_retry) {
  auto config = config_for("ws://127.0.0.1:" + std::to_string(unused_port()) + "/ocpp");
  config->backoff = BackoffPolicy{100ms, 1000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(state(), LinkState::WaitingRetry);
  loop.call([&] { link->stop(); });
  EXPECT_EQ(state(), LinkState::Stopped);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(attempts(), 1u);
  EXPECT_EQ(listener.closes(), 1u);
}

TEST_F(LinkTest, upgrade_never_answered_causes_handshake_timeout) {
  FakeWsServerOptions options;
  options.answer_upgrade = false;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 200ms;
  config->backoff = BackoffPolicy{1000ms, 1000ms, 2.0, 0.0};
  make_link(config);
  const auto t0 = Clock::now();
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::HandshakeTimeout);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_FALSE(closed.failure.detail.empty());
  EXPECT_GE(closed.at - t0, 195ms);
  EXPECT_LT(closed.at - t0, 2s);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(state(), LinkState::WaitingRetry);
}

TEST_F(LinkTest, connect_that_never_completes_causes_connect_timeout) {
  // A listener with a full accept queue drops further SYNs, so connect() hangs.
  boost::asio::io_context io;
  using boost::asio::ip::tcp;
  tcp::acceptor acceptor{io};
  const tcp::endpoint endpoint{boost::asio::ip::make_address("127.0.0.1"), 0};
  acceptor.open(endpoint.protocol());
  acceptor.bind(endpoint);
  acceptor.listen(0);
  const auto port = acceptor.local_endpoint().port();
  // Non-blocking connects from raw sockets fill the backlog (its size is rounded up by the kernel).
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  struct CloseAll {
    std::vector<int>& fds;
    ~CloseAll() {
      for (const int fd : fds)
        ::close(fd);
    }
  } close_fillers{fillers};
  auto config = config_for("ws://127.0.0.1:" + std::to_string(port) + "/ocpp");
  config->connect_timeout = 300ms;
  config->handshake_timeout = 300ms;
  config->backoff = BackoffPolicy{5000ms, 5000ms, 2.0, 0.0};
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1, 3s));
  const auto closed = listener.closed(0);
  // Depending on the TCP stack the SYN is dropped (connect timeout) or accepted into a
  // queue nobody drains (the upgrade times out): either way the link gives up in time.
  EXPECT_TRUE(closed.failure.code == LinkError::ConnectTimeout || closed.failure.code == LinkError::HandshakeTimeout)
      << code_name(closed.failure.code);
  EXPECT_TRUE(closed.will_retry);
}

// ---------------------------------------------------------------- connection loss

TEST_F(LinkTest, server_close_is_reported_and_the_link_reconnects) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  ASSERT_TRUE(server.wait_for_upgrades(1)); // the server side is open too
  server.close_all(1001, "going away");
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::ClosedByPeer);
  EXPECT_TRUE(closed.failure.was_open);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "1001")) << closed.failure.detail;
  EXPECT_TRUE(contains(closed.failure.detail, "going away")) << closed.failure.detail;
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(state(), LinkState::Open);
  EXPECT_EQ(attempts(), 2u);
}

TEST_F(LinkTest, silent_server_causes_pong_timeout_and_reconnect) {
  FakeWsServerOptions options;
  options.read_after_upgrade = false;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->ping_interval = 100ms;
  config->pong_timeout = 100ms;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  const auto opened = listener.open_times().at(0);
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::PongTimeout);
  EXPECT_TRUE(closed.failure.was_open);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_GE(closed.at - opened, 195ms); // ping after 100 ms, then 100 ms without pong
  EXPECT_LT(closed.at - opened, 2s);
  EXPECT_TRUE(server.wait_for_connections(2));
  EXPECT_EQ(server.pings(), 0u); // the server really did not read
}

TEST_F(LinkTest, drop_cuts_the_connection_and_reconnects_by_backoff) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] { link->drop(); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::ConnectionLost);
  EXPECT_TRUE(closed.failure.was_open);
  EXPECT_TRUE(closed.will_retry);
  ASSERT_TRUE(server.wait_for_disconnects(1));
  EXPECT_EQ(server.close_frames(), 0u); // no close handshake
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_EQ(server.connections(), 2u);
  const auto last = loop.call([&] { return link->last_failure(); });
  EXPECT_FALSE(last.has_value()) << "a successful reconnect clears the last failure";
}

TEST_F(LinkTest, oversized_inbound_message_drops_the_connection) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->max_inbound_message = 1024;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  ASSERT_TRUE(server.wait_for_upgrades(1)); // the server side is open too
  server.send_to_all(std::string(4096, 'x'));
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::MessageTooBig);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_TRUE(contains(closed.failure.detail, "1024")) << closed.failure.detail;
  EXPECT_FALSE(listener.wait_for_message(50ms).has_value());
}

// ---------------------------------------------------------------- outbound queue

TEST_F(LinkTest, send_is_refused_when_not_open) {
  FakeWsServerOptions options;
  options.answer_upgrade = false;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  EXPECT_FALSE(send("before start"));
  start();
  ASSERT_TRUE(server.wait_for_connections(1));
  EXPECT_EQ(state(), LinkState::Connecting);
  EXPECT_FALSE(send("while connecting"));
}

TEST_F(LinkTest, send_is_refused_once_the_outbound_queue_is_full) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->max_outbound_queue = 2;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  // In one turn of the loop no write can complete: one frame in flight plus two queued.
  const auto accepted = loop.call([&] {
    std::vector<bool> out;
    for (int i = 0; i < 4; ++i)
      out.push_back(link->send("f" + std::to_string(i)));
    return out;
  });
  EXPECT_EQ(accepted, (std::vector<bool>{true, true, true, false}));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(server.wait_for_message(), std::optional<std::string>{"f" + std::to_string(i)});
  EXPECT_FALSE(server.wait_for_message(100ms).has_value());
  EXPECT_TRUE(send("after drain")); // the queue drained
}

TEST_F(LinkTest, stalled_server_makes_send_refuse_frames) {
  FakeWsServerOptions options;
  options.read_after_upgrade = false;
  options.receive_buffer_size = 4096;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->max_outbound_queue = 2;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  const std::string frame(64 * 1024, 'x');
  int accepted = 0;
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    if (send(frame)) {
      ++accepted;
    } else {
      refused = true;
    }
    std::this_thread::sleep_for(1ms); // let completed writes drain the queue
  }
  EXPECT_TRUE(refused) << "accepted " << accepted << " frames of 64 KiB";
  EXPECT_GE(accepted, 3);
  // A full queue refuses frames but does not break the link. (Whether the queue stays
  // full afterwards depends on the kernel's send-buffer autotuning: not asserted.)
  EXPECT_EQ(state(), LinkState::Open);
}

// ---------------------------------------------------------------- stop / restart / destroy

TEST_F(LinkTest, stop_closes_gracefully_without_reconnect) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::Stopped);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_TRUE(closed.failure.was_open);
  ASSERT_TRUE(server.wait_for_close_frames(1));
  EXPECT_EQ(server.close_codes().at(0), 1000u);
  EXPECT_EQ(state(), LinkState::Stopped);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(listener.closes(), 1u);
  EXPECT_FALSE(send("x"));
  EXPECT_FALSE(loop.call([&] { return link->last_failure(); }).has_value()) << "stopping is not a failure";
}

TEST_F(LinkTest, stop_then_start_connects_again) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  start();
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_EQ(server.connections(), 2u);
}

TEST_F(LinkTest, stop_against_a_server_that_never_answers_the_close_completes) {
  FakeWsServerOptions options;
  options.read_after_upgrade = false;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 200ms; // bounds the close handshake
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  const auto t0 = Clock::now();
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1, 3s));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::Stopped);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_GE(closed.at - t0, 150ms);
  EXPECT_EQ(state(), LinkState::Stopped);
}

TEST_F(LinkTest, stop_with_a_write_stuck_behind_a_stalled_server_completes) {
  // Beast only starts the close handshake (and its timeout) once the pending write is done:
  // with a peer that stopped reading that never happens, so the link must bound it itself.
  FakeWsServerOptions options;
  options.read_after_upgrade = false;
  options.receive_buffer_size = 4096;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 200ms;
  config->max_outbound_queue = 2;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  // A frame larger than all socket buffers together: its write can never complete.
  const std::string frame(16u << 20, 'x');
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(send(frame)) << i;
  std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(send(frame)) << "the queue should be full";
  const auto t0 = Clock::now();
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1, 3s)) << "stop() never completed";
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::Stopped);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_LT(closed.at - t0, 2s);
  EXPECT_EQ(state(), LinkState::Stopped);
}

TEST_F(LinkTest, restart_with_a_write_stuck_behind_a_stalled_server_reconnects) {
  FakeWsServerOptions options;
  options.read_after_upgrade = false;
  options.receive_buffer_size = 4096;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 200ms;
  config->max_outbound_queue = 2;
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  // A frame larger than all socket buffers together: its write can never complete.
  const std::string frame(16u << 20, 'x');
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(send(frame)) << i;
  std::this_thread::sleep_for(100ms);
  ASSERT_FALSE(send(frame)) << "the queue should be full";
  loop.call([&] { link->restart(10ms); });
  ASSERT_TRUE(listener.wait_for_closes(1, 3s)) << "restart() never closed the old connection";
  EXPECT_TRUE(listener.closed(0).will_retry);
  EXPECT_TRUE(listener.wait_for_opens(2));
}

TEST_F(LinkTest, stop_from_the_open_callback_closes_cleanly) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  listener.open_hook = [&] { link->stop(); };
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::Stopped);
  EXPECT_TRUE(listener.closed(0).failure.was_open);
  EXPECT_TRUE(server.wait_for_close_frames(1));
  EXPECT_EQ(state(), LinkState::Stopped);
}

TEST_F(LinkTest, start_during_a_stop_reconnects_after_reporting_the_close) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] {
    link->stop();
    link->start();
  });
  ASSERT_TRUE(listener.wait_for_closes(1)); // every open is matched by a close
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::Stopped);
  EXPECT_TRUE(listener.closed(0).will_retry);
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_EQ(server.connections(), 2u);
}

TEST_F(LinkTest, stop_while_connecting_reports_stopped_and_not_was_open) {
  FakeWsServerOptions options;
  options.answer_upgrade = false;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(server.wait_for_connections(1));
  loop.call([&] { link->stop(); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::Stopped);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_FALSE(closed.failure.was_open);
  EXPECT_EQ(state(), LinkState::Stopped);
}

TEST_F(LinkTest, restart_closes_and_reconnects_after_the_delay) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  const auto t0 = Clock::now();
  loop.call([&] { link->restart(150ms); });
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::Stopped);
  EXPECT_TRUE(closed.will_retry);
  EXPECT_TRUE(closed.failure.was_open);
  EXPECT_TRUE(server.wait_for_close_frames(1));
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_GE(listener.open_times().at(1) - t0, 150ms);
  EXPECT_EQ(server.connections(), 2u);
  EXPECT_EQ(attempts(), 2u);
}

TEST_F(LinkTest, restart_when_not_connected_connects_after_the_delay) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  const auto t0 = Clock::now();
  loop.call([&] { link->restart(100ms); });
  EXPECT_EQ(state(), LinkState::WaitingRetry);
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_GE(listener.open_times().at(0) - t0, 100ms);
}

TEST_F(LinkTest, restart_during_a_stop_still_reconnects) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  loop.call([&] {
    link->stop();
    link->restart(50ms);
  });
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_TRUE(listener.closed(0).will_retry);
  ASSERT_TRUE(listener.wait_for_opens(2));
  EXPECT_EQ(server.connections(), 2u);
}

TEST_F(LinkTest, destroying_the_link_while_connecting_is_safe) {
  FakeWsServerOptions options;
  options.answer_upgrade = false;
  FakeWsServer server{options};
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(server.wait_for_connections(1));
  destroy_link();
  std::this_thread::sleep_for(100ms); // let the detached session wind down
  EXPECT_EQ(listener.closes(), 0u);
  EXPECT_EQ(listener.opens(), 0u);
  // The loop is healthy: a new link on it works.
  FakeWsServer good;
  make_link(config_for(good.url()));
  start();
  EXPECT_TRUE(listener.wait_for_opens(1));
}

TEST_F(LinkTest, destroying_the_link_right_after_start_is_safe) {
  FakeWsServer server;
  for (int i = 0; i < 20; ++i) {
    make_link(config_for(server.url()));
    loop.call([&] {
      link->start();
      link.reset(); // still resolving
    });
  }
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(listener.opens(), 0u);
  EXPECT_EQ(listener.closes(), 0u);
}

TEST_F(LinkTest, destroying_an_open_link_closes_its_connection) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  ASSERT_TRUE(server.wait_for_upgrades(1));
  destroy_link();
  EXPECT_TRUE(server.wait_for_disconnects(1));
  EXPECT_EQ(listener.closes(), 0u);
}

TEST_F(LinkTest, listener_may_destroy_the_link_from_a_message_callback) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  listener.message_hook = [&](std::string_view) { link.reset(); };
  start();
  ASSERT_TRUE(listener.wait_for_opens(1));
  ASSERT_TRUE(server.wait_for_upgrades(1));
  server.send_to_all("bye");
  EXPECT_TRUE(listener.wait_for_message().has_value());
  EXPECT_TRUE(server.wait_for_disconnects(1));
  EXPECT_EQ(listener.closes(), 0u);
}

TEST_F(LinkTest, listener_may_send_from_the_open_callback) {
  FakeWsServer server;
  make_link(config_for(server.url()));
  listener.open_hook = [&] { EXPECT_TRUE(link->send("boot")); };
  start();
  EXPECT_EQ(server.wait_for_message(), std::optional<std::string>{"boot"});
}

// ---------------------------------------------------------------- misuse

TEST_F(LinkTest, a_hand_built_url_with_crlf_never_reaches_the_server) {
  FakeWsServer server;
  auto config = config_for(server.url("/ocpp"));
  config->url.path = "/ocpp\r\nX-Injected: yes"; // bypasses parse_ws_url
  make_link(config);
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::InvalidUrl);
  EXPECT_FALSE(closed.will_retry);
  EXPECT_EQ(state(), LinkState::Failed);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server.connections(), 0u);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(LinkTest, wss_url_without_tls_context_is_rejected_at_construction) {
  auto config = config_for("wss://127.0.0.1:1/ocpp");
  config->tls = nullptr;
  EXPECT_THROW(make_link(config), std::invalid_argument);
}

TEST_F(LinkTest, link_not_owned_by_shared_ptr_refuses_to_start) {
  auto config = config_for("ws://127.0.0.1:1/ocpp");
  loop.call([&] {
    Link stack_link{loop.executor(), config, "CP001", 1};
    EXPECT_THROW(stack_link.start(), std::logic_error);
  });
}

} // namespace
} // namespace ocppfleet::transport::testing
