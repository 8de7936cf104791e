#pragma once
// A small in-test WebSocket server (Beast, plain or TLS) on 127.0.0.1 with an ephemeral
// port, running its own io_context thread. It records what clients did (upgrade requests,
// messages, pings, close frames) and can misbehave on purpose (no subprotocol, 401/403,
// never answer the upgrade, stop reading after the upgrade). Every wait is bounded.
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::transport::testing {

using namespace std::chrono_literals;

struct FakeWsServerOptions {
  // Subprotocol the server selects in its 101 answer; nullopt: the header is left out.
  std::optional<std::string> subprotocol = std::string{"ocpp1.6"};
  // Non-zero: answer every upgrade with this HTTP status (e.g. 401, 403) instead of 101.
  unsigned reject_status = 0;
  std::string reject_body = "rejected"; // body of that answer
  // When set, an upgrade whose Authorization header differs gets 401.
  std::optional<std::string> required_authorization;
  // Echo every received message back.
  bool echo = true;
  // False: after the upgrade the server never reads again (no pongs, no close replies,
  // the client's data piles up in the socket buffers).
  bool read_after_upgrade = true;
  // False: accept TCP and then never read or answer anything (not even the TLS hello).
  bool answer_upgrade = true;
  // Non-zero: close every connection with this code right after the upgrade (a CSMS that
  // accepts and hangs up at once: the reconnect storm case).
  unsigned short close_after_upgrade = 0;
  // SO_RCVBUF for accepted sockets (0: system default); small values make the client's
  // writes block sooner.
  int receive_buffer_size = 0;
  // When set, the server speaks TLS with this context (wss://).
  std::shared_ptr<boost::asio::ssl::context> tls;
};

// What a client sent in its upgrade request.
struct UpgradeRequest {
  std::string target;
  std::string host;
  std::string user_agent;
  std::optional<std::string> authorization;
  std::optional<std::string> subprotocols; // Sec-WebSocket-Protocol as sent
};

class FakeWsServer {
public:
  explicit FakeWsServer(FakeWsServerOptions options = {});
  ~FakeWsServer();
  FakeWsServer(const FakeWsServer&) = delete;
  FakeWsServer& operator=(const FakeWsServer&) = delete;

  [[nodiscard]] unsigned short port() const noexcept;
  // ws[s]://127.0.0.1:port + path
  [[nodiscard]] std::string url(std::string_view path = "/ocpp") const;

  // Counters (thread-safe snapshots).
  [[nodiscard]] std::size_t connections() const;  // TCP connections accepted
  [[nodiscard]] std::size_t upgrades() const;     // WebSocket upgrades completed
  [[nodiscard]] std::size_t close_frames() const; // close frames received from clients
  [[nodiscard]] std::size_t disconnects() const;  // reading connections that ended (any way)
  [[nodiscard]] std::size_t pings() const;        // pings received
  [[nodiscard]] std::size_t messages_received() const;
  [[nodiscard]] std::size_t tls_failures() const; // server-side TLS handshake failures
  [[nodiscard]] std::vector<UpgradeRequest> requests() const;
  [[nodiscard]] std::vector<unsigned> close_codes() const;             // codes of client close frames
  [[nodiscard]] std::vector<std::string> server_names() const;         // SNI per TLS connection ("" = none)
  [[nodiscard]] std::vector<std::string> client_cert_subjects() const; // CN per TLS connection ("" = none)

  // Bounded waits: true when the condition held before the timeout.
  bool wait_for_connections(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  bool wait_for_upgrades(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  bool wait_for_close_frames(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  bool wait_for_disconnects(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  bool wait_for_pings(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  bool wait_for_tls_failures(std::size_t n, std::chrono::milliseconds timeout = 5s) const;
  // The oldest message not yet taken, if one arrives in time.
  std::optional<std::string> wait_for_message(std::chrono::milliseconds timeout = 5s);

  // Starts a close handshake with `code` on every open connection.
  void close_all(unsigned short code, std::string reason = {});
  // Sends a text frame on every open connection.
  void send_to_all(std::string text);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace ocppfleet::transport::testing
