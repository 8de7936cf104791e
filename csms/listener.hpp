#pragma once
// Accepts TCP connections on the first network thread and hands each socket to the next
// thread's io_context, where its Session lives for life.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

namespace ocppfleet::csms::detail {

class Hub;

class Listener : public std::enable_shared_from_this<Listener> {
public:
  // Binds now (throws boost::system::system_error on a busy port or bad address).
  Listener(Hub& hub, const std::string& host, std::uint16_t port);
  void start();
  void stop(); // thread-safe
  [[nodiscard]] std::uint16_t port() const { return port_; }

private:
  void do_accept();

  Hub& hub_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::uint16_t port_ = 0;
};

} // namespace ocppfleet::csms::detail
