#include "csms/listener.hpp"

#include <boost/asio/post.hpp>

#include "csms/hub.hpp"
#include "csms/session.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::csms::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(Hub& hub, const std::string& host, std::uint16_t port)
    : hub_(hub), acceptor_(hub.context(0)), retry_(hub.context(0)) {
  const tcp::endpoint endpoint{asio::ip::make_address(host), port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections); // boot storms
  port_ = acceptor_.local_endpoint().port();
}

void Listener::start() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::do_accept() {
  acceptor_.async_accept(hub_.next_context(),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
                           if (ec) {
                             // Typically EMFILE: back off instead of spinning on a full descriptor table.
                             core::logger()->warn("csms: accept failed: {}; retrying in 50 ms", ec.message());
                             self->retry_.expires_after(std::chrono::milliseconds{50});
                             self->retry_.async_wait([self](boost::system::error_code wait_ec) {
                               if (!wait_ec) self->do_accept();
                             });
                             return;
                           }
                           boost::system::error_code ignored;
                           socket.set_option(tcp::no_delay(true), ignored); // one small answer per request
                           start_session(self->hub_, std::move(socket));
                           self->do_accept();
                         });
}

} // namespace ocppfleet::csms::detail
