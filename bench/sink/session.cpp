#include "bench/sink/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
using nlohmann::json;

// OCPP frames are small; a larger message is a broken or hostile peer, not a benchmark.
constexpr std::size_t k_max_message = 64 * 1024;
constexpr auto k_handshake_timeout = std::chrono::seconds{30};

// First OCPP subprotocol in the client's offer (client preference order), if any.
std::optional<std::string_view> pick_subprotocol(std::string_view offer) {
  while (!offer.empty()) {
    const auto comma = offer.find(',');
    std::string_view item = offer.substr(0, comma);
    offer = comma == std::string_view::npos ? std::string_view{} : offer.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
      item.remove_suffix(1);
    if (item == "ocpp1.6" || item == "ocpp2.0.1") return item;
  }
  return std::nullopt;
}

class Session : public std::enable_shared_from_this<Session> {
public:
  Session(asio::ip::tcp::socket socket, SinkContext& context)
      : ws_{std::move(socket)}, buffer_{k_max_message}, context_{context} {}

  ~Session() {
    if (open_) context_.stats.on_close();
  }

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this()] { self->read_upgrade(); });
  }

private:
  void read_upgrade() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    beast::get_lowest_layer(ws_).expires_after(k_handshake_timeout);
    http::async_read(ws_.next_layer(), buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, std::size_t) { self->on_upgrade_read(ec); });
  }

  void on_upgrade_read(error_code ec) {
    if (ec || !websocket::is_upgrade(parser_->get())) {
      // Port probes and plain HTTP requests end here; the socket closes with the session.
      context_.stats.upgrades_failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const auto& request = parser_->get();
    const auto chosen = pick_subprotocol(request[http::field::sec_websocket_protocol]);
    version_ = chosen == "ocpp2.0.1" ? OcppVersion::V201 : OcppVersion::V16;
    // Without an OCPP subprotocol we still accept, with no Sec-WebSocket-Protocol in the
    // answer: judging that is the client's business (OCPP clients refuse such a server).
    const std::string subprotocol = chosen ? std::string{*chosen} : std::string{};
    ws_.set_option(websocket::stream_base::decorator([subprotocol](websocket::response_type& res) {
      res.set(http::field::server, "ocppfleet-sink-csms");
      if (!subprotocol.empty()) res.set(http::field::sec_websocket_protocol, subprotocol);
    }));
    // The websocket stream manages its own timeouts from here on.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = k_handshake_timeout;
    timeouts.idle_timeout = websocket::stream_base::none(); // benchmarks idle chargers on purpose
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(k_max_message);
    ws_.auto_fragment(false);
    ws_.async_accept(request, [self = shared_from_this()](error_code accept_ec) { self->on_accept(accept_ec); });
  }

  void on_accept(error_code ec) {
    parser_.reset(); // the upgrade request's headers are not needed any more
    if (ec) {
      context_.stats.upgrades_failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    open_ = true;
    context_.stats.on_open();
    ws_.text(true);
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) return; // closed by the peer, reset, or shutdown: the session just ends
    const auto data = buffer_.cdata();
    const auto* begin = static_cast<const char*>(data.data());
    const json frame = json::parse(begin, begin + data.size(), nullptr, /*allow_exceptions=*/false);
    buffer_.consume(buffer_.size());
    if (!answer(frame)) return do_read();
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](error_code write_ec, std::size_t) {
      if (!write_ec) self->do_read();
    });
  }

  // Fills out_ with the CALLRESULT for a CALL; false for anything that needs no answer.
  bool answer(const json& frame) {
    const bool is_call = frame.is_array() && frame.size() >= 4 && frame[0].is_number_integer() && frame[0] == 2 &&
                         frame[1].is_string() && frame[2].is_string();
    if (!is_call) {
      // CALLRESULT/CALLERROR are unexpected (we never call), garbage is garbage: count both.
      context_.stats.bad_frames.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    const auto kind = action_from_name(frame[2].get_ref<const std::string&>());
    context_.stats.on_call(kind);
    out_ = json::array({3, frame[1], reply_payload(version_, kind, frame[3], context_.replies)}).dump();
    return true;
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_; // only during the upgrade
  std::string out_;                                              // the reply being written
  OcppVersion version_ = OcppVersion::V16;
  bool open_ = false; // counted in connections_open
  SinkContext& context_;
};

} // namespace

void start_session(asio::ip::tcp::socket socket, SinkContext& context) {
  std::make_shared<Session>(std::move(socket), context)->start();
}

} // namespace ocppfleet::bench
