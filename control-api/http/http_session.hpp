#pragma once
// Internal to ocppfleet_http: one connection of HttpServer. Not part of the public API.
#include "control-api/http/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace ocppfleet::http {

class HttpSession;

// Shared by the server object and its sessions, so a session outliving ~HttpServer (its
// close is still queued) keeps the router and limits it uses alive.
struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(boost::asio::io_context& ioc, Router router, ServerLimits limits);

  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void stop();
  void unregister(std::uint64_t id);

  boost::asio::io_context& ioc;
  const Router router;
  const ServerLimits limits;
  boost::asio::ip::tcp::acceptor acceptor; // on its own strand
  boost::asio::steady_timer retry_timer;   // re-accept after EMFILE & co., not a busy loop
  std::atomic<bool> stopped{false};
  std::atomic<bool> listening{false};
  std::atomic<std::uint16_t> port{0};

  mutable std::mutex mutex; // guards sessions and next_id (accept strand vs stop() vs dtors)
  std::unordered_map<std::uint64_t, std::weak_ptr<HttpSession>> sessions;
  std::uint64_t next_id = 0;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
  HttpSession(std::shared_ptr<HttpServer::Impl> server, std::uint64_t id, boost::asio::ip::tcp::socket socket);
  ~HttpSession();

  // reject_status != 0: answer that status at once and close (over the connection limit).
  void run(unsigned reject_status = 0);
  // Thread-safe: closes the socket on the session's strand.
  void close();

private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  void do_read();
  void on_read_header(boost::system::error_code ec);
  void do_read_body();
  void on_read(boost::system::error_code ec);
  void on_read_error(boost::system::error_code ec);
  void on_response(HttpResponse response);
  void do_write();
  void on_write(boost::system::error_code ec);
  void send_error_and_close(unsigned status, std::string detail);
  void do_linger();
  void shutdown_now();

  std::shared_ptr<HttpServer::Impl> server_;
  const std::uint64_t id_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  std::string remote_address_;

  // The request being answered (one at a time), for the response line and the access log.
  std::string method_ = "-";
  std::string path_ = "-";
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool linger_ = false; // after an error answer: drain what the client still sends, then close
  bool closed_ = false;
  std::chrono::steady_clock::time_point started_{};
  // Keeps this session alive while a handler owes the response: nothing else holds it then
  // (no I/O is pending). Responders only hold a weak_ptr, so close() can let it go.
  std::shared_ptr<HttpSession> awaiting_response_;
  std::array<char, 4096> drain_{};
  std::size_t drained_ = 0;
};

} // namespace ocppfleet::http
