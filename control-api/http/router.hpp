#pragma once
// Method + path-pattern routing for the control API, with FastAPI's 404/405/500 shapes.
// Handlers answer through a Responder, synchronously or later from any thread (e.g. once the
// store thread has the row), so no I/O thread ever blocks on SQLite.
#include "control-api/http/http_types.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ocppfleet::http {

// Copyable handle for answering one request. Thread-safe: send() may be called from any
// thread; the first call wins and later calls are ignored (logged as a bug). When the last
// copy is destroyed without send(), a 500 is sent instead so the client never hangs.
// Sending after the connection closed is a silent no-op.
class Responder {
public:
  using Sink = std::function<void(HttpResponse)>;

  Responder() = default; // inert: send() does nothing
  // sink receives the one response; it is called on the thread that calls send() (or that
  // drops the last copy) and must be thread-safe. The server's sink posts to the connection.
  explicit Responder(Sink sink);

  void send(HttpResponse response) const;
  [[nodiscard]] bool sent() const;

private:
  friend class Router;
  // send() without the double-send warning: the Router's 500 after a throwing handler
  // races legitimately with a handler that already answered from another thread.
  bool try_send(HttpResponse response) const;

  struct State;
  std::shared_ptr<State> state_;
};

// The request is valid only during the call: an asynchronous handler moves out what it needs
// (the Router is done with it) before returning.
using Handler = std::function<void(HttpRequest&, Responder)>;

struct RouteInfo {
  std::string method;
  std::string pattern;
  std::string summary;
};

// Not thread-safe while routes are being added; dispatch() and routes() are const and safe
// to call concurrently once set up (the server copies the router at construction).
class Router {
public:
  // pattern: "/ocpp/chargers/{charger_id}/status"; a {param} is a whole segment.
  // Throws std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
  void add(std::string method, std::string pattern, Handler handler, std::string summary = {});

  // Matches request.path, fills request.path_params and calls the handler. Unknown path:
  // 404 {"detail":"Not Found"}; known path, other method: 405 {"detail":"Method Not
  // Allowed"} + Allow. A trailing slash is ignored; a literal segment beats a {param}; a
  // route whose method matches beats one that only matches the path. A handler that throws
  // gets 500 {"detail":"Internal Server Error"} (logged) unless it already answered.
  void dispatch(HttpRequest& request, Responder responder) const;

  [[nodiscard]] std::vector<RouteInfo> routes() const;

private:
  struct Segment {
    std::string text; // literal text, or the parameter name
    bool param = false;
  };
  struct Route {
    RouteInfo info;
    std::vector<Segment> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

} // namespace ocppfleet::http
