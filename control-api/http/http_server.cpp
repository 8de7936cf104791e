#include "control-api/http/http_server.hpp"

#include "control-api/http/http_session.hpp"
#include "simulator/core/log.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <stdexcept>

namespace ocppfleet::http {

namespace asio = boost::asio;
using boost::asio::ip::tcp;
using boost::system::error_code;

HttpServer::Impl::Impl(asio::io_context& io, Router r, ServerLimits l)
    : ioc(io), router(std::move(r)), limits(l), acceptor(asio::make_strand(io)), retry_timer(acceptor.get_executor()) {}

void HttpServer::Impl::do_accept() {
  if (stopped) { // listen() after stop(): do not start accepting behind the caller's back
    error_code ignored;
    acceptor.close(ignored);
    return;
  }
  // Each connection gets its own strand so several threads may run the io_context.
  acceptor.async_accept(asio::make_strand(ioc), [self = shared_from_this()](error_code ec, tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void HttpServer::Impl::on_accept(error_code ec, tcp::socket socket) {
  if (stopped || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE and friends: retrying at once would spin; the backlog waits meanwhile.
    core::logger()->warn("http: accept failed: {}; retrying in 100 ms", ec.message());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([self = shared_from_this()](error_code tec) {
      if (!tec && !self->stopped) self->do_accept();
    });
    return;
  }
  std::shared_ptr<HttpSession> session;
  unsigned reject = 0;
  {
    // Under the mutex so stop() either sees this session or we see stopped.
    std::lock_guard lock{mutex};
    if (stopped) return; // the socket closes as it goes out of scope
    if (sessions.size() >= limits.max_connections) reject = 503;
    const auto id = next_id++;
    session = std::make_shared<HttpSession>(shared_from_this(), id, std::move(socket));
    sessions.emplace(id, session);
  }
  if (reject != 0) core::logger()->warn("http: {} connections open, refusing one", limits.max_connections);
  session->run(reject);
  do_accept();
}

void HttpServer::Impl::stop() {
  std::vector<std::shared_ptr<HttpSession>> open;
  {
    std::lock_guard lock{mutex};
    if (stopped.exchange(true)) return;
    for (auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
  }
  asio::post(acceptor.get_executor(), [self = shared_from_this()] {
    error_code ignored;
    self->acceptor.close(ignored);
    self->retry_timer.cancel();
  });
  for (auto& s : open)
    s->close();
}

void HttpServer::Impl::unregister(std::uint64_t id) {
  std::lock_guard lock{mutex};
  sessions.erase(id);
}

HttpServer::HttpServer(asio::io_context& ioc, const Router& router, ServerLimits limits)
    : impl_(std::make_shared<Impl>(ioc, router, limits)) {}

HttpServer::~HttpServer() { impl_->stop(); }

void HttpServer::listen(const std::string& address, std::uint16_t port) {
  if (impl_->listening.exchange(true)) throw std::logic_error("HttpServer::listen called twice");
  const std::string where = address + ":" + std::to_string(port);
  error_code ec;
  tcp::endpoint endpoint;
  const auto ip = asio::ip::make_address(address, ec);
  if (!ec) {
    endpoint = tcp::endpoint{ip, port};
  } else {
    // A host name such as "localhost": resolved once, at start-up, so blocking is fine.
    tcp::resolver resolver{impl_->ioc};
    const auto results = resolver.resolve(address, std::to_string(port), ec);
    if (ec || results.empty()) {
      impl_->listening = false;
      throw std::runtime_error("cannot listen on " + where + ": bad address (" +
                               (ec ? ec.message() : std::string{"no results"}) + ")");
    }
    endpoint = results.begin()->endpoint();
  }
  auto& acceptor = impl_->acceptor;
  const auto fail = [&](const char* step) {
    error_code ignored;
    acceptor.close(ignored);
    impl_->listening = false;
    throw std::runtime_error("cannot listen on " + where + ": " + step + ": " + ec.message());
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  // Lets a restarted server rebind while old connections sit in TIME_WAIT.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) fail("set_option");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  const auto local = acceptor.local_endpoint(ec);
  if (ec) fail("local_endpoint");
  impl_->port = local.port();
  core::logger()->info("http: listening on {}:{}", local.address().to_string(), local.port());
  asio::post(acceptor.get_executor(), [self = impl_] { self->do_accept(); });
}

std::uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::stop() { impl_->stop(); }

std::size_t HttpServer::connection_count() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->sessions.size();
}

} // namespace ocppfleet::http
