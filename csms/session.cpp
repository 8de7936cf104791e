#include "csms/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <exception>

#include "csms/handlers.hpp"
#include "csms/hub.hpp"
#include "csms/upgrade.hpp"
#include "simulator/core/log.hpp"
#include "simulator/ocpp/rpc/frame.hpp"

namespace ocppfleet::csms::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;

constexpr auto upgrade_timeout = std::chrono::seconds{10};
constexpr std::size_t max_outbox = 64; // frames waiting to be written; more = the peer stopped reading

template <class F> void invoke_guarded(const CallCallback& done, F&& make_outcome) {
  if (!done) return;
  try {
    done(make_outcome());
  } catch (const std::exception& e) {
    core::logger()->error("csms: call callback threw: {}", e.what());
  } catch (...) {
    core::logger()->error("csms: call callback threw");
  }
}

CallFailure failure(CallFailureKind kind, std::string description) {
  return CallFailure{kind, std::string{to_string(kind)}, std::move(description), Json::object()};
}

} // namespace

Session::Session(Hub& hub, asio::ip::tcp::socket socket)
    : hub_(hub), ws_(std::move(socket)), call_timer_(ws_.get_executor()) {}

void Session::start() {
  asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->parser_.emplace();
    self->parser_->header_limit(8 * 1024);
    beast::get_lowest_layer(self->ws_).expires_after(upgrade_timeout);
    http::async_read(self->ws_.next_layer(), self->buffer_, *self->parser_,
                     [self](error_code ec, std::size_t) { self->on_upgrade_read(ec); });
  });
}

void Session::on_upgrade_read(error_code ec) {
  if (ec || hub_.stopping()) return; // port probes, timeouts, shutdown: the socket closes with us
  const auto& req = parser_->get();
  if (!websocket::is_upgrade(req)) return refuse(400, "a WebSocket upgrade is expected");
  const auto route = parse_target(std::string_view{req.target().data(), req.target().size()});
  if (!route) return refuse(404, "unknown path: use /ocpp/<identity> or /cpos/<cpo_id>/<identity>");
  if (!route->cpo) {
    const auto auth = req[http::field::authorization];
    if (hub_.options.password &&
        !basic_auth_matches(std::string_view{auth.data(), auth.size()}, route->identity, *hub_.options.password))
      return refuse(401, "HTTP Basic credentials <identity>:<password> required");
    backend_ = hub_.backends.find(default_backend);
  } else {
    backend_ = hub_.backends.find(route->backend);
    if (!backend_ || !backend_->registered()) return refuse(404, "unknown CPO");
    if (!backend_->admits(route->identity)) return refuse(403, "identity not registered for this CPO");
  }
  const auto offer = req[http::field::sec_websocket_protocol];
  const auto chosen = pick_subprotocol(std::string_view{offer.data(), offer.size()});
  if (!chosen) return refuse(400, "no supported subprotocol offered (ocpp1.6, ocpp2.0.1)");
  subprotocol_ = *chosen;
  dialect_ = subprotocol_ == "ocpp2.0.1" ? rpc::Dialect::V201 : rpc::Dialect::V16;
  identity_ = route->identity;

  ws_.set_option(websocket::stream_base::decorator([sp = subprotocol_](websocket::response_type& res) {
    res.set(http::field::server, "ocppfleet-csms");
    res.set(http::field::sec_websocket_protocol, sp);
  }));
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = upgrade_timeout;
  // Pings at half the idle time keep a quiet but healthy station connected; a dead one is
  // dropped after twice its heartbeat interval.
  timeouts.idle_timeout = std::max<std::chrono::seconds>(std::chrono::seconds{60}, 2 * hub_.options.heartbeat_interval);
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(hub_.options.max_frame_bytes);
  ws_.auto_fragment(false);
  ws_.async_accept(req, [self = shared_from_this()](error_code accept_ec) { self->on_accepted(accept_ec); });
}

void Session::refuse(unsigned status, std::string reason) {
  core::logger()->debug("csms: upgrade refused ({}): {}", status, reason);
  refusal_ = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(status), 11);
  refusal_->set(http::field::server, "ocppfleet-csms");
  refusal_->set(http::field::content_type, "text/plain");
  if (status == 401) refusal_->set(http::field::www_authenticate, "Basic realm=\"ocppfleet-csms\"");
  refusal_->keep_alive(false);
  refusal_->body() = std::move(reason) + "\n";
  refusal_->prepare_payload();
  http::async_write(ws_.next_layer(), *refusal_, [self = shared_from_this()](error_code, std::size_t) {
    error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

void Session::on_accepted(error_code ec) {
  parser_.reset(); // the upgrade request's headers are not needed any more
  if (ec) return;
  open_ = true;
  ws_.text(true);
  attach();
  do_read();
}

void Session::attach() {
  station_ = backend_->find_or_create(identity_);
  HandlerContext ctx{hub_.env, *backend_, *station_, {}, std::nullopt};
  std::shared_ptr<Session> previous;
  {
    const std::lock_guard lock{station_->mutex};
    previous = station_->session.lock();
    station_->session = weak_from_this();
    station_->info.connected = true;
    station_->info.ocpp_version = subprotocol_;
    station_->last_seen_persisted.reset(); // a connection is always written (its version may be new)
    touch_locked(ctx);
  }
  // OCPP-J: one connection per identity; the newest wins (the old one is usually half-dead).
  if (previous) previous->close_async("replaced by a new connection");
  hub_.commit(std::move(ctx.changes));
  hub_.publish(ConnectionChanged{backend_->id, identity_, true});
}

void Session::do_read() {
  ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void Session::on_read(error_code ec) {
  if (ec) return end(ec.message());
  const std::string text = beast::buffers_to_string(buffer_.cdata());
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > 16 * 1024) buffer_.shrink_to_fit(); // after a large frame
  try {
    handle_text(text);
  } catch (const std::exception& e) {
    // Only a bug gets here; the frame is lost, the connection and the thread live on.
    core::logger()->error("csms: {} frame not handled: {}", identity_, e.what());
  }
  if (open_) do_read();
}

void Session::handle_text(std::string_view text) {
  auto parsed = rpc::parse_frame(text);
  if (auto* call = std::get_if<rpc::Call>(&parsed)) return handle_call(call->id, call->action, call->payload);
  if (auto* error = std::get_if<rpc::FrameError>(&parsed)) {
    if (error->reply)
      send(rpc::serialize_call_error(error->id, rpc::to_wire(error->code, dialect_), error->description));
    return;
  }
  {
    HandlerContext ctx{hub_.env, *backend_, *station_, {}, std::nullopt};
    {
      const std::lock_guard lock{station_->mutex};
      touch_locked(ctx);
    }
    hub_.commit(std::move(ctx.changes));
  }
  // An answer to our CALL; one for an unknown id (late, after a timeout) is dropped.
  if (auto* result = std::get_if<rpc::CallResult>(&parsed)) {
    if (inflight_ && result->id == inflight_id_) finish_call(std::move(result->payload));
  } else if (auto* err = std::get_if<rpc::CallError>(&parsed)) {
    if (inflight_ && err->id == inflight_id_)
      finish_call(CallFailure{CallFailureKind::CallError, err->code, err->description, std::move(err->details)});
  }
}

void Session::handle_call(const std::string& id, const std::string& action, const Json& payload) {
  if (action == "Authorize" && defer_authorize(id, payload)) return;
  answer_call(id, action, payload, std::nullopt);
}

bool Session::defer_authorize(const std::string& id, const Json& payload) {
  // The token as each version carries it; a malformed request is not deferred, its handler
  // answers the CALLERROR. 2.0.1 NoAuthorization has nothing to ask about.
  const Json* token = nullptr;
  if (subprotocol_ == "ocpp2.0.1") {
    const auto field = payload.find("idToken");
    if (field == payload.end() || !field->is_object()) return false;
    if (const auto type = field->find("type"); type == field->end() || *type == "NoAuthorization") return false;
    if (const auto value = field->find("idToken"); value != field->end()) token = &*value;
  } else if (const auto value = payload.find("idTag"); value != payload.end()) {
    token = &*value;
  }
  if (token == nullptr || !token->is_string()) return false;
  // The verdict may come from any thread: back onto this connection's strand to answer.
  return backend_->authorize_remotely(
      token->get<std::string>(), [self = shared_from_this(), id, payload](TokenVerdict verdict) mutable {
        asio::post(self->ws_.get_executor(),
                   [self, id = std::move(id), payload = std::move(payload), verdict = std::move(verdict)]() mutable {
                     if (self->open_) self->answer_call(id, "Authorize", payload, std::move(verdict));
                   });
      });
}

void Session::answer_call(const std::string& id, const std::string& action, const Json& payload,
                          std::optional<TokenVerdict> verdict) {
  HandlerContext ctx{hub_.env, *backend_, *station_, {}, std::move(verdict)};
  {
    const std::lock_guard lock{station_->mutex};
    touch_locked(ctx);
  }
  const auto outcome = handlers_for(subprotocol_).dispatch(ctx, rpc::Call{id, action, payload});
  hub_.commit(std::move(ctx.changes)); // before the answer: whoever reads the state after it sees the change
  if (const auto* result = std::get_if<Json>(&outcome)) return send(rpc::serialize_call_result(id, *result));
  const auto& error = std::get<rpc::HandlerError>(outcome);
  send(rpc::serialize_call_error(id, rpc::to_wire(error.code, dialect_), error.description));
}

void Session::send(std::string frame) {
  if (!open_) return;
  if (outbox_.size() >= max_outbox) {
    core::logger()->warn("csms: {} is not reading; closing its connection", identity_);
    return close_async("outbound queue full");
  }
  outbox_.push_back(std::move(frame));
  if (!writing_) do_write();
}

void Session::do_write() {
  writing_ = true;
  ws_.async_write(asio::buffer(outbox_.front()), [self = shared_from_this()](error_code ec, std::size_t) {
    self->writing_ = false;
    if (ec) return self->end(ec.message());
    self->outbox_.pop_front();
    if (!self->outbox_.empty() && self->open_) self->do_write();
  });
}

void Session::close_async(std::string reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), reason = std::move(reason)] {
    if (!self->open_) return;
    self->end(reason);
    self->ws_.async_close(websocket::close_reason{websocket::close_code::going_away, reason}, [self](error_code) {});
  });
}

void Session::call_async(std::string action, Json payload, CallCallback done) {
  asio::post(ws_.get_executor(), [self = shared_from_this(),
                                  call = OutCall{std::move(action), std::move(payload), std::move(done)}]() mutable {
    if (!self->open_)
      return invoke_guarded(call.done, [] { return CallOutcome{failure(CallFailureKind::ConnectionLost, "closed")}; });
    if (self->queued_calls_.size() >= self->hub_.options.max_queued_calls)
      return invoke_guarded(call.done,
                            [] { return CallOutcome{failure(CallFailureKind::QueueFull, "too many calls waiting")}; });
    self->queued_calls_.push_back(std::move(call));
    if (!self->inflight_) self->start_next_call();
  });
}

void Session::start_next_call() {
  if (queued_calls_.empty() || !open_) return;
  inflight_ = std::move(queued_calls_.front());
  queued_calls_.pop_front();
  inflight_id_ = "csms-" + std::to_string(next_call_id_++);
  std::string frame;
  try {
    frame = rpc::serialize_call(inflight_id_, inflight_->action, inflight_->payload);
  } catch (const std::exception& e) {
    return finish_call(failure(CallFailureKind::Invalid, e.what()));
  }
  call_timer_.expires_after(hub_.options.call_timeout);
  call_timer_.async_wait([self = shared_from_this(), id = inflight_id_](error_code ec) {
    if (ec || !self->inflight_ || self->inflight_id_ != id) return;
    self->finish_call(failure(CallFailureKind::Timeout, "no answer within the call timeout"));
  });
  send(std::move(frame));
}

void Session::finish_call(CallOutcome outcome) {
  auto call = std::move(*inflight_);
  inflight_.reset();
  inflight_id_.clear();
  call_timer_.cancel();
  invoke_guarded(call.done, [&] { return std::move(outcome); });
  start_next_call();
}

void Session::end(std::string_view why) {
  if (ended_) return;
  ended_ = true;
  open_ = false;
  core::logger()->debug("csms: {} disconnected: {}", identity_, why);
  if (station_) {
    HandlerContext ctx{hub_.env, *backend_, *station_, {}, std::nullopt};
    bool was_current = false;
    {
      const std::lock_guard lock{station_->mutex};
      const auto me = weak_from_this();
      was_current = !station_->session.owner_before(me) && !me.owner_before(station_->session);
      if (was_current) {
        station_->session.reset();
        station_->info.connected = false;
        station_->last_seen_persisted.reset(); // the last sighting is always written
        touch_locked(ctx);
      }
    }
    if (was_current) {
      hub_.commit(std::move(ctx.changes));
      hub_.publish(ConnectionChanged{backend_->id, identity_, false});
    }
  }
  call_timer_.cancel();
  const std::string reason{why};
  if (inflight_) {
    auto call = std::move(*inflight_);
    inflight_.reset();
    invoke_guarded(call.done, [&] { return CallOutcome{failure(CallFailureKind::ConnectionLost, reason)}; });
  }
  while (!queued_calls_.empty()) {
    auto call = std::move(queued_calls_.front());
    queued_calls_.pop_front();
    invoke_guarded(call.done, [&] { return CallOutcome{failure(CallFailureKind::ConnectionLost, reason)}; });
  }
}

void start_session(Hub& hub, asio::ip::tcp::socket socket) {
  std::make_shared<Session>(hub, std::move(socket))->start();
}

} // namespace ocppfleet::csms::detail
