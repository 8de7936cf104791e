#pragma once
// Fixture: our embedded CSMS (csms::Server) on a free loopback port with a SQLite file in a
// temporary folder, driven by the strict ocpp-rpc client (tests/peers/test_client.js), which
// validates every frame we send against the official schemas. Every wait is bounded.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "csms/server.hpp"
#include "support/node_csms_peer.hpp"

namespace ocppfleet::testing {

using namespace std::chrono_literals;
using nlohmann::json;

// Records every event, for assertions.
class RecordingListener : public csms::EventListener {
public:
  void on_connection(const csms::ConnectionChanged& e) override {
    const std::lock_guard lock{mutex_};
    connections.push_back(e);
  }
  void on_status(const csms::StatusChanged& e) override {
    const std::lock_guard lock{mutex_};
    statuses.push_back(e);
  }
  void on_transaction(const csms::TransactionChanged& e) override {
    const std::lock_guard lock{mutex_};
    transactions.push_back(e);
  }
  template <class F> auto read(F f) const {
    const std::lock_guard lock{mutex_};
    return f(*this);
  }
  std::vector<csms::ConnectionChanged> connections;
  std::vector<csms::StatusChanged> statuses;
  std::vector<csms::TransactionChanged> transactions;

private:
  mutable std::mutex mutex_;
};

class CsmsServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ocppfleet-csms-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  csms::ServerOptions default_options() const {
    csms::ServerOptions o;
    o.threads = 2;
    o.db_path = (dir_ / "csms.db").string();
    o.flush_interval = 20ms;
    return o;
  }

  void start_server(csms::ServerOptions options) {
    server_ = std::make_unique<csms::Server>(std::move(options));
    server_->listen("127.0.0.1", 0);
  }
  void start_server() { start_server(default_options()); }

  [[nodiscard]] std::string endpoint(const std::string& path = "/ocpp") const {
    return "ws://127.0.0.1:" + std::to_string(server_->port()) + path;
  }

  // Runs the strict client to completion.
  static NodeScriptResult client(json options, std::chrono::milliseconds timeout = 30s) {
    if (!options.contains("strict")) options["strict"] = true;
    return run_node_script("test_client.js", options, timeout);
  }
  static std::future<NodeScriptResult> client_async(json options, std::chrono::milliseconds timeout = 30s) {
    return std::async(std::launch::async, [options = std::move(options), timeout] { return client(options, timeout); });
  }

  static std::vector<json> events_of(const NodeScriptResult& r, const std::string& event) {
    std::vector<json> out;
    for (const auto& l : r.lines)
      if (l.value("event", "") == event) out.push_back(l);
    return out;
  }

  // Every scripted call got a CALLRESULT the strict client accepted.
  static void expect_all_ok(const NodeScriptResult& r) {
    EXPECT_EQ(r.exit_code, 0) << r.stderr_text;
    const auto responses = events_of(r, "response");
    EXPECT_FALSE(responses.empty());
    for (const auto& e : responses)
      EXPECT_TRUE(e.value("ok", false)) << e.dump();
    for (const auto& e : events_of(r, "bad_message"))
      ADD_FAILURE() << "the client saw a bad message: " << e.dump();
  }

  static json result_of(const NodeScriptResult& r, const std::string& action, std::size_t nth = 0) {
    for (const auto& e : events_of(r, "response"))
      if (e.value("action", "") == action && nth-- == 0) return e.value("result", json{});
    return json{};
  }

  bool connected(const std::string& backend, const std::string& identity) const {
    const auto s = server_->station(backend, identity);
    return s && s->connected;
  }

  template <class Pred> static bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }

  // The status line of a hand-written upgrade request (e.g. "HTTP/1.1 404 Not Found"), to
  // see exactly what a refused upgrade answers.
  std::string upgrade_status(const std::string& target, const std::string& extra_headers) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return "connect failed";
    }
    const std::string req = "GET " + target +
                            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                            extra_headers + "\r\n";
    (void)::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[1024];
    while (got.find("\r\n") == std::string::npos) {
      const auto n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return got.substr(0, got.find("\r\n"));
  }

  std::filesystem::path dir_;
  std::unique_ptr<csms::Server> server_;
};

} // namespace ocppfleet::testing
