#pragma once
// A Router served on 127.0.0.1 (a free port) by its own I/O thread: the real HTTP peer the OCPI
// unit tests call (a fake eMSP). Routes are added before it listens; it stops on destruction,
// so declare it after whatever its handlers use.
#include <boost/asio/io_context.hpp>

#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "control-api/http/http_server.hpp"
#include "control-api/http/router.hpp"

namespace ocppfleet::ocpi::testing {

class LoopbackHttp {
public:
  explicit LoopbackHttp(const std::function<void(http::Router&)>& add_routes) {
    add_routes(router_);
    server_.emplace(io_, router_, http::ServerLimits{});
    server_->listen("127.0.0.1", 0);
    thread_ = std::thread{[this] { io_.run(); }};
  }
  ~LoopbackHttp() {
    server_->stop();
    thread_.join();
  }
  LoopbackHttp(const LoopbackHttp&) = delete;
  LoopbackHttp& operator=(const LoopbackHttp&) = delete;

  // "http://127.0.0.1:PORT"
  [[nodiscard]] std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

private:
  boost::asio::io_context io_;
  http::Router router_;
  std::optional<http::HttpServer> server_;
  std::thread thread_;
};

} // namespace ocppfleet::ocpi::testing
