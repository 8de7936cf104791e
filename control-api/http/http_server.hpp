#pragma once
// HTTP/1.1 server for the control API (Beast). One session object per connection, one request
// at a time per connection (keep-alive; the next read starts once the response is written),
// explicit timeouts and bounded headers/bodies, so a slow or hostile client costs one socket.
#include "control-api/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace ocppfleet::http {

struct ServerLimits {
  std::size_t max_body_bytes = 1 << 20;     // larger -> 413, then the connection closes
  std::size_t max_header_bytes = 16 * 1024; // request line + fields; larger -> 431
  // Deadline for reading a request (headers, then again for the body) and for writing the
  // response; also how long an idle keep-alive connection stays open.
  std::chrono::seconds read_timeout{30};
  std::size_t max_connections = 1024; // further connections get 503 and are closed
};

// The io_context must outlive the HttpServer (its destructor posts the closes there).
// Thread-safety: construct, listen() and port() from the set-up thread (or the io_context's);
// stop() from any thread. The io_context may be run by one or several threads: every
// connection and the acceptor have their own strand.
//
// Every response carries Server: ocppfleet and Content-Length (none for 204/304). Malformed
// requests get 400, oversized headers 431, oversized bodies 413 (these three close the
// connection after answering). Content-Type of request bodies is left to the handlers.
// The access log (debug level) has method, path, status and duration, never headers (they
// carry the Authorization token) or bodies.
class HttpServer {
public:
  // The router is copied: routes added afterwards are not served.
  HttpServer(boost::asio::io_context& ioc, const Router& router, ServerLimits limits = {});
  ~HttpServer(); // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (port 0 = any free port; see port()) and starts accepting once the
  // io_context runs. address: an IPv4/IPv6 literal or a host name resolved now. Throws
  // std::runtime_error naming the address on failure (in use, bad address, no permission),
  // std::logic_error when called twice.
  void listen(const std::string& address, std::uint16_t port);

  // The bound port (the real one when listen() was given 0); 0 before listen().
  [[nodiscard]] std::uint16_t port() const;

  // Closes the acceptor and every connection, including those waiting for a handler's
  // Responder (whose send() then does nothing). Does not block: the io_context returns from
  // run() once the closes have run, if it has no other work. Idempotent.
  void stop();

  // Connections currently open (tests, metrics).
  [[nodiscard]] std::size_t connection_count() const;

  struct Impl;

private:
  std::shared_ptr<Impl> impl_;
};

} // namespace ocppfleet::http
