#include "control-api/http/http_session.hpp"

#include "control-api/http/errors.hpp"
#include "simulator/core/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "simulator/core/text.hpp"
#include <algorithm>
#include <cctype>

namespace ocppfleet::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {
using core::iequals;

constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
// How long and how much an error answer waits for the client to stop sending, so closing
// with unread data (which makes the kernel send RST) does not destroy our answer in flight.
constexpr std::chrono::seconds linger_time{2};

std::string endpoint_string(const asio::ip::tcp::socket& socket) {
  error_code ec;
  const auto ep = socket.remote_endpoint(ec);
  if (ec) return "?";
  const auto addr = ep.address();
  return (addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string()) + ":" + std::to_string(ep.port());
}

} // namespace

HttpSession::HttpSession(std::shared_ptr<HttpServer::Impl> server, std::uint64_t id, asio::ip::tcp::socket socket)
    : server_(std::move(server)), id_(id), stream_(std::move(socket)),
      remote_address_(endpoint_string(stream_.socket())) {}

HttpSession::~HttpSession() { server_->unregister(id_); }

void HttpSession::run(unsigned reject_status) {
  // The socket came from the acceptor on our strand's io_context; hop onto the strand
  // before touching the stream.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this(), reject_status] {
    if (reject_status != 0) {
      self->send_error_and_close(reject_status, "Too many connections");
    } else {
      self->do_read();
    }
  });
}

void HttpSession::close() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closed_ = true;
    self->awaiting_response_.reset();
    self->shutdown_now();
  });
}

void HttpSession::shutdown_now() {
  error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.close(); // also cancels the stream's timer
}

void HttpSession::do_read() {
  if (closed_) return;
  const auto& limits = server_->limits;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  parser_->body_limit(limits.max_body_bytes);
  method_ = "-";
  path_ = "-";
  version_ = 11;
  stream_.expires_after(limits.read_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [self = shared_from_this()](error_code ec, std::size_t) { self->on_read_header(ec); });
}

void HttpSession::on_read_header(error_code ec) {
  if (ec) return on_read_error(ec);
  const auto& req = parser_->get();
  method_ = std::string{req.method_string()};
  path_ = std::string{req.target().substr(0, req.target().find('?'))};
  version_ = req.version();
  // curl and others wait (up to a second) for "100 Continue" before sending a large body.
  const auto expect = req[bhttp::field::expect];
  if (!parser_->is_done() && version_ >= 11 && iequals(expect, "100-continue")) {
    asio::async_write(stream_, asio::buffer(continue_response),
                      [self = shared_from_this()](error_code wec, std::size_t) {
                        if (wec) return self->on_read_error(wec);
                        self->do_read_body();
                      });
    return;
  }
  do_read_body();
}

void HttpSession::do_read_body() {
  if (parser_->is_done()) return on_read({});
  stream_.expires_after(server_->limits.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpSession::on_read_error(error_code ec) {
  if (closed_ || ec == asio::error::operation_aborted) return;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return shutdown_now(); // the client went away (between or in the middle of requests)
  }
  if (ec == beast::error::timeout) {
    core::logger()->debug("http: {} read timed out, closing", remote_address_);
    return; // the stream already closed the socket
  }
  if (ec == bhttp::error::body_limit) {
    return send_error_and_close(413, "Request body too large (limit " + std::to_string(server_->limits.max_body_bytes) +
                                         " bytes)");
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    return send_error_and_close(431, "Request header fields too large");
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return send_error_and_close(400, "Malformed HTTP request: " + ec.message());
  }
  core::logger()->debug("http: {} read failed: {}", remote_address_, ec.message());
  shutdown_now();
}

void HttpSession::on_read(error_code ec) {
  if (ec) return on_read_error(ec);
  auto message = parser_->release();
  parser_.reset();
  keep_alive_ = message.keep_alive();
  started_ = std::chrono::steady_clock::now();

  const std::string_view target{message.target().data(), message.target().size()};
  if (target.empty() || target.front() != '/') {
    // Absolute-form and asterisk-form targets are for proxies and OPTIONS *; not ours.
    return send_error_and_close(400, "Malformed HTTP request: bad request target");
  }
  HttpRequest request;
  request.method = method_;
  request.path = path_;
  if (const auto q = target.find('?'); q != std::string_view::npos) {
    request.query = parse_query(target.substr(q + 1));
  }
  for (const auto& field : message) {
    request.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
  }
  request.body = std::move(message.body());
  request.remote_address = remote_address_;

  awaiting_response_ = shared_from_this();
  // Always post, even from the strand: a synchronous handler must not start our write from
  // inside dispatch(), and another thread's send() must reach the strand anyway.
  Responder responder{[weak = weak_from_this()](HttpResponse response) {
    auto self = weak.lock();
    if (!self) return; // connection closed (stop() or client gone) before the answer
    auto executor = self->stream_.get_executor();
    asio::post(executor, [self = std::move(self), response = std::move(response)]() mutable {
      self->on_response(std::move(response));
    });
  }};
  server_->router.dispatch(request, std::move(responder));
}

void HttpSession::on_response(HttpResponse response) {
  awaiting_response_.reset();
  if (closed_) return;
  if (response.status < 100 || response.status > 599 || response.status == 101) {
    core::logger()->error("http: handler for {} {} answered invalid status {}", method_, path_, response.status);
    response = error_response(500, "Internal Server Error");
  }
  response_ = {};
  response_.result(response.status);
  response_.version(version_);
  response_.set(bhttp::field::server, "ocppfleet");
  // No body (and so no Content-Type/Length) is allowed on 1xx, 204 and 304.
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!bodiless) {
    if (!response.content_type.empty()) {
      response_.set(bhttp::field::content_type, response.content_type);
    }
    response_.body() = std::move(response.body);
  }
  for (auto& [name, value] : response.headers)
    response_.insert(name, value);
  response_.keep_alive(keep_alive_ && !linger_);
  response_.prepare_payload();

  const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_);
  core::logger()->debug("http {} {} {} {:.1f}ms", method_, path_, response.status, elapsed.count());
  do_write();
}

void HttpSession::do_write() {
  stream_.expires_after(server_->limits.read_timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
}

void HttpSession::on_write(error_code ec) {
  if (closed_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    core::logger()->debug("http: {} write failed: {}", remote_address_, ec.message());
    return shutdown_now();
  }
  if (linger_ || !response_.keep_alive()) {
    error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (!linger_) return shutdown_now();
    stream_.expires_after(std::min<std::chrono::steady_clock::duration>(linger_time, server_->limits.read_timeout));
    return do_linger();
  }
  response_ = {};
  do_read();
}

void HttpSession::send_error_and_close(unsigned status, std::string detail) {
  linger_ = true;
  started_ = std::chrono::steady_clock::now();
  on_response(error_response(status, std::move(detail)));
}

void HttpSession::do_linger() {
  // Bounded: a client streaming an endless body is cut off after twice the body limit
  // (and by the deadline set in on_write).
  if (closed_ || drained_ > 2 * server_->limits.max_body_bytes) return shutdown_now();
  stream_.async_read_some(asio::buffer(drain_), [self = shared_from_this()](error_code ec, std::size_t n) {
    if (ec) {
      if (ec != asio::error::operation_aborted) self->shutdown_now();
      return;
    }
    self->drained_ += n;
    self->do_linger();
  });
}

} // namespace ocppfleet::http
