#include "simulator/transport/link.hpp"

#include <boost/asio/post.hpp>

#include <stdexcept>

#include "simulator/core/log.hpp"
#include "simulator/transport/session.hpp"

namespace ocppfleet::transport {
namespace {
enum TimerPurpose : std::uint8_t {
  ConnectDeadline = 1,
  HandshakeDeadline,
  PingDue,
  PongDeadline,
  RetryDue,
  CloseDeadline,
  GateWait // refused by the connect gate: ask it again
};

// The gate's times are waited on with the Link's timer, so they are read from its clock.
GateTime timer_now() { return boost::asio::steady_timer::clock_type::now(); }

std::shared_ptr<const LinkConfig> checked(std::shared_ptr<const LinkConfig> config) {
  if (!config) throw std::invalid_argument("Link needs a LinkConfig");
  if (config->url.tls && !config->tls)
    throw std::invalid_argument("a wss:// CSMS URL needs a TLS context (LinkConfig::tls)");
  return config;
}
} // namespace

std::string_view to_string(LinkState s) {
  switch (s) {
  case LinkState::Idle: return "idle";
  case LinkState::Connecting: return "connecting";
  case LinkState::Open: return "open";
  case LinkState::Closing: return "closing";
  case LinkState::WaitingRetry: return "waiting_retry";
  case LinkState::Stopped: return "stopped";
  case LinkState::Failed: return "failed";
  }
  return "unknown";
}

Link::Link(boost::asio::any_io_executor executor, std::shared_ptr<const LinkConfig> config, std::string identity,
           std::uint64_t jitter_seed)
    : executor_(executor), config_(checked(std::move(config))), identity_(std::move(identity)), timer_(executor),
      backoff_(config_->backoff, jitter_seed) {}

Link::~Link() {
  if (session_) {
    session_->detach();
    session_->abort(LinkError::Stopped);
  }
  release_gate(); // a detached session never reports: give back its slot (or queue place)
}

void Link::require_shared_owner() const {
  // Timers and the session reach the Link through weak_from_this(): without a shared_ptr
  // owner no timeout, ping or retry would ever fire.
  if (weak_from_this().expired()) throw std::logic_error("a Link must be owned by a std::shared_ptr");
}

void Link::start() {
  require_shared_owner();
  if (state_ == LinkState::Connecting || state_ == LinkState::Open) return;
  backoff_.reset();
  if (gate_ticket_.waiting()) return; // queued at the gate: asking again now would lose its place
  if (state_ == LinkState::Closing && session_) {
    // Let the close handshake finish (the listener hears of it), then connect at once.
    restart_delay_ = std::chrono::milliseconds{0};
    return;
  }
  connect_now();
}

void Link::stop() {
  restart_delay_.reset();
  if (state_ == LinkState::Closing && session_) return; // the close under way ends in Stopped
  if (session_ && (state_ == LinkState::Open || state_ == LinkState::Connecting)) {
    begin_close(); // reports through session_closed -> Stopped
    return;
  }
  ++timer_generation_;
  timer_.cancel();
  release_gate(); // leaves the gate's queue if it was waiting there
  state_ = LinkState::Stopped;
}

void Link::begin_close() {
  state_ = LinkState::Closing;
  awaiting_pong_ = false; // a late pong must not re-arm pings over the close deadline
  // Beast bounds the close handshake by handshake_timeout, but only from the moment it can
  // send the close frame: behind a write stuck on a peer that stopped reading it would wait
  // forever. This deadline bounds the whole close.
  arm_timer(config_->handshake_timeout, CloseDeadline);
  session_->close_graceful();
}

void Link::restart(std::chrono::milliseconds delay) {
  require_shared_owner();
  if (state_ == LinkState::Closing && session_) {
    restart_delay_ = delay; // a close is under way: reconnect once it completes
    return;
  }
  if (session_ && (state_ == LinkState::Open || state_ == LinkState::Connecting)) {
    restart_delay_ = delay;
    begin_close();
    return;
  }
  schedule_connect(delay);
}

void Link::drop() {
  if (session_ && (state_ == LinkState::Open || state_ == LinkState::Connecting))
    session_->abort(LinkError::ConnectionLost);
}

bool Link::send(std::string frame) {
  if (state_ != LinkState::Open || !session_) return false;
  return session_->send(std::move(frame));
}

void Link::connect_now() {
  if (session_) {
    session_->detach();
    session_->abort(LinkError::Stopped);
    session_.reset();
    release_gate(); // the detached session will not report
  }
  restart_delay_.reset();
  if (const auto& gate = config_->connect_gate) {
    const auto now = timer_now();
    const auto decision = gate->try_acquire(gate_ticket_, now);
    if (!decision.granted) {
      state_ = LinkState::WaitingRetry;
      awaiting_pong_ = false;
      arm_timer_at(decision.retry_at, GateWait);
      return;
    }
  }
  begin_attempt();
}

void Link::begin_attempt() {
  ++attempts_;
  awaiting_pong_ = false;
  if (std::string why; !config_->url.valid(&why)) {
    refuse_invalid_url(std::move(why));
    return;
  }
  state_ = LinkState::Connecting;
  session_ = make_session(executor_, *this, config_, config_->url.target_for(identity_));
  arm_timer(config_->connect_timeout, ConnectDeadline);
  session_->run();
}

void Link::refuse_invalid_url(std::string why) {
  // A WsUrl that did not come from parse_ws_url (a LinkConfig filled by hand) is checked
  // again here: its host and path would go into the request line and Host header as they
  // are. Failing is final (retrying cannot fix the URL) and needs no exception on the shard.
  release_gate();
  ++timer_generation_;
  timer_.cancel();
  state_ = LinkState::Failed;
  LinkFailure failure{LinkError::InvalidUrl, std::move(why), false};
  last_failure_ = failure;
  core::logger()->warn("charger {}: {} ({}); not connecting", identity_, code_name(failure.code), failure.detail);
  // Told later, as a session would be: the caller of start() may be the listener itself.
  boost::asio::post(executor_, [weak = weak_from_this(), failure = std::move(failure)] {
    if (auto self = weak.lock(); self && self->state_ == LinkState::Failed && self->listener_ != nullptr)
      self->listener_->on_link_closed(failure, false);
  });
}

void Link::schedule_connect(std::chrono::milliseconds delay) {
  release_gate(); // a restart while queued: the attempt after the delay queues afresh
  state_ = LinkState::WaitingRetry;
  arm_timer(delay, RetryDue);
}

void Link::release_gate() noexcept {
  if (const auto& gate = config_->connect_gate) gate->release(gate_ticket_, timer_now());
}

void Link::arm_timer(std::chrono::milliseconds after, std::uint8_t purpose) {
  arm_timer_at(timer_now() + after, purpose);
}

void Link::arm_timer_at(GateTime at, std::uint8_t purpose) {
  const std::uint32_t generation = ++timer_generation_;
  timer_.expires_at(at);
  timer_.async_wait([weak = weak_from_this(), generation, purpose](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer(generation, purpose);
  });
}

void Link::on_timer(std::uint32_t generation, std::uint8_t purpose) {
  if (generation != timer_generation_) return; // superseded by a later arm/cancel
  switch (purpose) {
  case ConnectDeadline:
    if (session_) session_->abort(LinkError::ConnectTimeout);
    break;
  case HandshakeDeadline:
    if (session_) session_->abort(LinkError::HandshakeTimeout);
    break;
  case PingDue:
    if (session_ && state_ == LinkState::Open) {
      session_->ping();
      awaiting_pong_ = true;
      arm_timer(config_->pong_timeout, PongDeadline);
    }
    break;
  case PongDeadline:
    if (session_ && awaiting_pong_) session_->abort(LinkError::PongTimeout);
    break;
  case RetryDue: connect_now(); break;
  case GateWait: connect_now(); break;
  case CloseDeadline:
    if (session_ && state_ == LinkState::Closing) session_->abort(LinkError::Stopped);
    break;
  default: break;
  }
}

void Link::session_connected(SessionBase* s) {
  if (s != session_.get()) return;
  arm_timer(config_->handshake_timeout, HandshakeDeadline);
}

void Link::session_open(SessionBase* s) {
  if (s != session_.get()) return;
  release_gate(); // the handshake is over
  state_ = LinkState::Open;
  // Not backoff_.reset(): an upgrade alone proves nothing (see LinkConfig::stable_after).
  opened_at_ = timer_now();
  confirmed_ = false;
  last_failure_.reset();
  if (config_->ping_interval.count() > 0) {
    arm_timer(config_->ping_interval, PingDue);
  } else {
    ++timer_generation_;
    timer_.cancel();
  }
  if (listener_ != nullptr) listener_->on_link_open();
}

void Link::session_message(SessionBase* s, std::string_view text) {
  if (s != session_.get() || listener_ == nullptr) return;
  listener_->on_link_message(text);
}

void Link::session_pong(SessionBase* s) {
  if (s != session_.get() || !awaiting_pong_ || state_ != LinkState::Open) return;
  awaiting_pong_ = false;
  arm_timer(config_->ping_interval, PingDue);
}

void Link::session_closed(SessionBase* s, LinkFailure failure) {
  if (s != session_.get()) return;
  const auto keep_alive = session_; // the session is mid-callback
  session_->detach();
  session_.reset();
  release_gate(); // no-op when it already opened
  ++timer_generation_;
  timer_.cancel();
  if (failure.was_open && confirmed_ && timer_now() - opened_at_ >= config_->stable_after) backoff_.reset();
  confirmed_ = false;
  bool will_retry = false;
  if (restart_delay_) {
    // Closed on purpose (restart): reconnect after the requested delay.
    const auto delay = *restart_delay_;
    restart_delay_.reset();
    schedule_connect(delay);
    will_retry = true;
  } else if (state_ == LinkState::Closing || failure.code == LinkError::Stopped) {
    state_ = LinkState::Stopped;
  } else if (is_retryable(failure.code)) {
    schedule_connect(backoff_.next_delay());
    will_retry = true;
  } else {
    state_ = LinkState::Failed;
    core::logger()->warn("charger {}: {} ({}); not retrying", identity_, code_name(failure.code), failure.detail);
  }
  if (failure.code != LinkError::Stopped) last_failure_ = failure;
  if (listener_ != nullptr) listener_->on_link_closed(failure, will_retry);
}

} // namespace ocppfleet::transport
