#pragma once
// Drives Links on a client io_context that runs in its own thread (as a shard would), with
// a listener that records events. Every Link call goes through ClientLoop::call so it runs
// on the loop thread; every wait is bounded.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "simulator/transport/link.hpp"

namespace ocppfleet::transport::testing {

using namespace std::chrono_literals;

class ClientLoop {
public:
  ClientLoop()
      : guard_(io_.get_executor()), thread_([this] {
          io_.run();
          {
            const std::lock_guard lock{mu_};
            finished_ = true;
          }
          cv_.notify_all();
        }) {}

  ~ClientLoop() {
    guard_.reset();
    // Detached sessions finish as soon as their sockets are closed; do not hang if one does not.
    std::unique_lock lock{mu_};
    if (!cv_.wait_for(lock, 3s, [this] { return finished_; })) io_.stop();
    lock.unlock();
    thread_.join();
  }

  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Runs f on the loop thread and returns its result (bounded: throws after 5 s).
  template <class F> auto call(F&& f) -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    std::promise<R> promise;
    auto future = promise.get_future();
    boost::asio::post(io_, [&] {
      try {
        if constexpr (std::is_void_v<R>) {
          f();
          promise.set_value();
        } else {
          promise.set_value(f());
        }
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    });
    if (future.wait_for(5s) != std::future_status::ready) {
      // The lambda references this frame: we cannot return while it may still run, and a
      // wedged loop must not hang the whole test binary.
      ADD_FAILURE() << "call on the client loop did not complete within 5 s";
      if (future.wait_for(5s) != std::future_status::ready) {
        std::fputs("client loop wedged; aborting\n", stderr);
        std::abort();
      }
    }
    return future.get();
  }

private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

struct ClosedEvent {
  LinkFailure failure;
  bool will_retry = false;
  std::chrono::steady_clock::time_point at;
};

class RecordingListener final : public LinkListener {
public:
  void on_link_open() override {
    note([&] { open_times_.push_back(std::chrono::steady_clock::now()); });
    if (open_hook) open_hook();
  }
  void on_link_message(std::string_view text) override {
    note([&] { messages_.emplace_back(text); });
    if (message_hook) message_hook(text);
  }
  void on_link_closed(const LinkFailure& failure, bool will_retry) override {
    note([&] { closes_.push_back(ClosedEvent{failure, will_retry, std::chrono::steady_clock::now()}); });
    if (closed_hook) closed_hook(failure, will_retry);
  }

  // Optional reactions, run on the loop thread after the event is recorded (set before start).
  std::function<void()> open_hook;
  std::function<void(std::string_view)> message_hook;
  std::function<void(const LinkFailure&, bool)> closed_hook;

  bool wait_for_opens(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    return wait(timeout, [&] { return open_times_.size() >= n; });
  }
  bool wait_for_closes(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    return wait(timeout, [&] { return closes_.size() >= n; });
  }
  std::optional<std::string> wait_for_message(std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock{mu_};
    if (!cv_.wait_for(lock, timeout, [&] { return !messages_.empty(); })) return std::nullopt;
    std::string text = std::move(messages_.front());
    messages_.pop_front();
    return text;
  }

  std::size_t opens() const {
    const std::lock_guard lock{mu_};
    return open_times_.size();
  }
  std::vector<std::chrono::steady_clock::time_point> open_times() const {
    const std::lock_guard lock{mu_};
    return open_times_;
  }
  std::size_t closes() const {
    const std::lock_guard lock{mu_};
    return closes_.size();
  }
  std::vector<ClosedEvent> closed_events() const {
    const std::lock_guard lock{mu_};
    return closes_;
  }
  ClosedEvent closed(std::size_t i) const {
    const std::lock_guard lock{mu_};
    if (i >= closes_.size()) throw std::out_of_range("no such on_link_closed event");
    return closes_[i];
  }

private:
  template <class F> void note(F&& f) {
    {
      const std::lock_guard lock{mu_};
      f();
    }
    cv_.notify_all();
  }
  template <class Pred> bool wait(std::chrono::milliseconds timeout, Pred pred) {
    std::unique_lock lock{mu_};
    return cv_.wait_for(lock, timeout, pred);
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::chrono::steady_clock::time_point> open_times_;
  std::deque<std::string> messages_;
  std::vector<ClosedEvent> closes_;
};

// A 127.0.0.1 port nobody listens on: bind an ephemeral port, then close it.
inline unsigned short unused_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();
  return port;
}

// Test fixture base: a loop, a listener and one Link (destroyed on the loop thread).
class LinkFixture : public ::testing::Test {
protected:
  void TearDown() override { destroy_link(); }

  // Fast timings for tests; a test tweaks what it needs before make_link.
  static std::shared_ptr<LinkConfig> config_for(const std::string& url) {
    auto config = std::make_shared<LinkConfig>();
    std::string error;
    auto parsed = parse_ws_url(url, &error);
    if (!parsed) throw std::invalid_argument("bad test url '" + url + "': " + error);
    config->url = *parsed;
    config->connect_timeout = 2s;
    config->handshake_timeout = 2s;
    config->ping_interval = 0ms;
    config->pong_timeout = 2s;
    config->backoff = BackoffPolicy{20ms, 200ms, 2.0, 0.0};
    return config;
  }

  void make_link(std::shared_ptr<const LinkConfig> config, std::string identity = "CP001",
                 std::optional<std::string> password = std::nullopt) {
    link = loop.call([&] {
      auto l = std::make_shared<Link>(loop.executor(), std::move(config), std::move(identity), 42);
      l->set_listener(&listener);
      l->set_basic_auth_password(std::move(password));
      return l;
    });
  }
  void start() {
    loop.call([&] { link->start(); });
  }
  void destroy_link() {
    loop.call([&] { link.reset(); }); // on the loop thread: a listener hook may have reset it there
  }
  LinkState state() {
    return loop.call([&] { return link->state(); });
  }
  std::uint32_t attempts() {
    return loop.call([&] { return link->connect_attempts(); });
  }
  bool send(std::string text) {
    return loop.call([&] { return link->send(std::move(text)); });
  }

  ClientLoop loop;
  RecordingListener listener;
  std::shared_ptr<Link> link;
};

} // namespace ocppfleet::transport::testing
