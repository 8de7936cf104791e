#pragma once
// One charger's connection to the CSMS, across reconnects. Owns the connect / backoff /
// ping timing (one timer, reused by phase) and the current WebSocket session. Lives on
// one shard thread: every call must come from that thread (post to the executor).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/transport/backoff.hpp"
#include "simulator/transport/connect_gate.hpp"
#include "simulator/transport/link_error.hpp"
#include "simulator/transport/ws_url.hpp"

namespace ocppfleet::transport {

class SourceAddressPool; // source_address_pool.hpp

// Settings shared by many chargers (a fleet usually has one). Immutable once links use it.
struct LinkConfig {
  WsUrl url;
  std::string subprotocol = "ocpp1.6";
  std::chrono::milliseconds connect_timeout{10'000};   // DNS + TCP connect
  std::chrono::milliseconds handshake_timeout{10'000}; // TLS + WebSocket upgrade, and the close
  std::chrono::milliseconds ping_interval{30'000};     // 0 disables pings
  std::chrono::milliseconds pong_timeout{10'000};
  std::size_t max_outbound_queue = 32; // frames waiting behind the one being written
  std::size_t max_inbound_message = 1 << 20;
  BackoffPolicy backoff{};
  // The backoff starts again from `initial` only after a connection proved stable: the
  // owner confirmed it (boot accepted) and it stayed open this long. A CSMS that accepts
  // and closes at once (or on the first frame) thus meets a growing delay, not a storm.
  std::chrono::milliseconds stable_after{30'000};
  std::shared_ptr<boost::asio::ssl::context> tls; // required for wss://
  // Load shaping (connect rate, concurrent handshakes), shared by the whole fleet across
  // shards. Null: every attempt starts at once, as without shaping.
  std::shared_ptr<ConnectGate> connect_gate;
  // Source address pool (fleet density): when set, each socket binds to the address the
  // link's source_index() selects. Null: the kernel chooses the source address.
  std::shared_ptr<const SourceAddressPool> source_addresses;
};

class LinkListener {
public:
  virtual void on_link_open() = 0;
  virtual void on_link_message(std::string_view text) = 0;
  // The connection ended or an attempt failed. `will_retry` tells whether the link
  // schedules another attempt by itself (retryable errors, not stopped).
  virtual void on_link_closed(const LinkFailure& failure, bool will_retry) = 0;

protected:
  ~LinkListener() = default;
};

enum class LinkState { Idle, Connecting, Open, Closing, WaitingRetry, Stopped, Failed };
std::string_view to_string(LinkState s);

class SessionBase;

// Must be owned by a std::shared_ptr (start()/restart() throw std::logic_error otherwise).
class Link : public std::enable_shared_from_this<Link> {
public:
  // Throws std::invalid_argument for a null config or a wss:// URL without a TLS context.
  Link(boost::asio::any_io_executor executor, std::shared_ptr<const LinkConfig> config, std::string identity,
       std::uint64_t jitter_seed);
  ~Link();
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  void set_listener(LinkListener* listener) noexcept { listener_ = listener; }
  // HTTP Basic credentials (security profile 1): user = identity. Never logged.
  void set_basic_auth_password(std::optional<std::string> password) { password_ = std::move(password); }
  // Which address of config().source_addresses this link binds to (the charger's index;
  // the pool takes it modulo its size). Used from the next connect on.
  void set_source_index(std::uint32_t index) noexcept { source_index_ = index; }
  [[nodiscard]] std::uint32_t source_index() const noexcept { return source_index_; }

  // Connects now (from Idle, Stopped, Failed or WaitingRetry; while Closing, right after
  // the close completes). With a connect gate every attempt (first, retry, restart) asks it
  // first and, when refused, waits in WaitingRetry until the gate's time.
  void start();
  // Graceful close; no reconnect until start().
  void stop();
  // Closes the current connection (gracefully) and connects again after `delay`
  // (Reset, or a reconnect the CSMS asked for). Backoff is not advanced.
  void restart(std::chrono::milliseconds delay);
  // Drops the TCP connection without a close handshake and reconnects by the backoff
  // policy, as after a network failure (the "storm" action).
  void drop();

  // The owner's word that the CSMS accepted this connection (e.g. BootNotification
  // Accepted); with stable_after of open time, the backoff is reset when it ends.
  void confirm() noexcept { confirmed_ = state_ == LinkState::Open; }
  // Delays taken from the backoff since it was last reset (tests, diagnostics).
  [[nodiscard]] std::uint32_t backoff_attempt() const noexcept { return backoff_.attempt(); }

  // Queues a text frame. False when not open or the outbound queue is full.
  bool send(std::string frame);

  [[nodiscard]] LinkState state() const noexcept { return state_; }
  [[nodiscard]] const std::string& identity() const noexcept { return identity_; }
  [[nodiscard]] const LinkConfig& config() const noexcept { return *config_; }
  [[nodiscard]] const std::optional<LinkFailure>& last_failure() const noexcept { return last_failure_; }
  [[nodiscard]] std::uint32_t connect_attempts() const noexcept { return attempts_; }
  // Queued at the connect gate (state WaitingRetry, no attempt under way).
  [[nodiscard]] bool waiting_for_gate() const noexcept { return gate_ticket_.waiting(); }

  // Called by the session (same thread).
  void session_connected(SessionBase* s); // TCP up: the handshake deadline starts
  void session_open(SessionBase* s);
  void session_message(SessionBase* s, std::string_view text);
  void session_closed(SessionBase* s, LinkFailure failure);
  void session_pong(SessionBase* s);
  [[nodiscard]] const std::optional<std::string>& basic_auth_password() const noexcept { return password_; }

private:
  void require_shared_owner() const;
  void connect_now(); // asks the gate (if any), then begin_attempt()
  void begin_attempt();
  void refuse_invalid_url(std::string why); // -> Failed (InvalidUrl) without a session
  void release_gate() noexcept;
  void begin_close();
  void schedule_connect(std::chrono::milliseconds delay);
  void arm_timer(std::chrono::milliseconds after, std::uint8_t purpose);
  void arm_timer_at(GateTime at, std::uint8_t purpose);
  void on_timer(std::uint32_t generation, std::uint8_t purpose);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<const LinkConfig> config_;
  std::string identity_;
  std::optional<std::string> password_;
  LinkListener* listener_ = nullptr;
  std::shared_ptr<SessionBase> session_;
  boost::asio::steady_timer timer_;
  std::uint32_t timer_generation_ = 0;
  Backoff backoff_;
  std::optional<LinkFailure> last_failure_;
  std::optional<std::chrono::milliseconds> restart_delay_;
  std::uint32_t attempts_ = 0;
  std::uint32_t source_index_ = 0; // sits in what was tail padding: sizeof(Link) is unchanged
  GateTime opened_at_{};
  LinkState state_ = LinkState::Idle;
  bool awaiting_pong_ = false;
  bool confirmed_ = false;
  GateTicket gate_ticket_; // 3 bytes of tail padding: sizeof(Link) is unchanged
};

} // namespace ocppfleet::transport
