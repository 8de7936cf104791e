#pragma once
// One station's connection: the HTTP upgrade (route, credentials, registry, subprotocol),
// then OCPP-J frames in both directions. Lives on one network thread for life (its socket's
// io_context), so its members need no lock; other threads reach it through post().
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "csms/types.hpp"
#include "simulator/ocpp/rpc/error_code.hpp"

namespace ocppfleet::csms::detail {

class Hub;
class Backend;
class Station;

class Session : public std::enable_shared_from_this<Session> {
public:
  Session(Hub& hub, boost::asio::ip::tcp::socket socket);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start();

  // Thread-safe. The subprotocol is fixed before the session is published to its station.
  [[nodiscard]] const std::string& subprotocol() const { return subprotocol_; }
  void close_async(std::string reason);
  void call_async(std::string action, Json payload, CallCallback done);

private:
  struct OutCall {
    std::string action;
    Json payload;
    CallCallback done;
  };

  void on_upgrade_read(boost::system::error_code ec);
  void refuse(unsigned status, std::string reason);
  void on_accepted(boost::system::error_code ec);
  void attach();
  void do_read();
  void on_read(boost::system::error_code ec);
  void handle_text(std::string_view text);
  void handle_call(const std::string& id, const std::string& action, const Json& payload);
  // Dispatches a CALL and sends its answer; `verdict` is a remotely decided Authorize.
  void answer_call(const std::string& id, const std::string& action, const Json& payload,
                   std::optional<TokenVerdict> verdict);
  // An Authorize whose token the authorizer decides remotely: true when the answer was deferred.
  bool defer_authorize(const std::string& id, const Json& payload);
  void send(std::string frame);
  void do_write();
  void start_next_call();
  void finish_call(CallOutcome outcome);
  void end(std::string_view why); // the connection is over: detach, fail calls

  Hub& hub_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_; // upgrade only
  std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>> refusal_;

  std::shared_ptr<Backend> backend_;
  std::shared_ptr<Station> station_;
  std::string identity_;
  std::string subprotocol_;
  rpc::Dialect dialect_ = rpc::Dialect::V16;

  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool open_ = false;  // accepted and not yet ended
  bool ended_ = false; // end() ran

  std::deque<OutCall> queued_calls_;
  std::optional<OutCall> inflight_;
  std::string inflight_id_;
  std::uint64_t next_call_id_ = 1;
  boost::asio::steady_timer call_timer_;
};

// Takes ownership of the socket (bound to one network thread's io_context) and runs it.
void start_session(Hub& hub, boost::asio::ip::tcp::socket socket);

} // namespace ocppfleet::csms::detail
