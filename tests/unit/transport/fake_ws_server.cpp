#include "fake_ws_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <type_traits>

namespace ocppfleet::transport::testing {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class ConnBase {
public:
  virtual ~ConnBase() = default;
  virtual void start() = 0;
  virtual void close(unsigned short code, std::string reason) = 0;
  virtual void send(std::string text) = 0;
  virtual void shutdown() = 0;
};
} // namespace

struct FakeWsServer::Impl {
  FakeWsServerOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
  tcp::acceptor acceptor{io};
  unsigned short port = 0;
  std::vector<std::shared_ptr<ConnBase>> conns; // io thread only

  mutable std::mutex mu;
  mutable std::condition_variable cv;
  bool finished = false;
  std::size_t connections = 0;
  std::size_t upgrades = 0;
  std::size_t close_frames = 0;
  std::size_t disconnects = 0;
  std::size_t pings = 0;
  std::size_t messages_total = 0;
  std::size_t tls_failures = 0;
  std::deque<std::string> messages;
  std::vector<UpgradeRequest> requests;
  std::vector<unsigned> close_codes;
  std::vector<std::string> server_names;
  std::vector<std::string> client_cert_subjects;

  std::thread thread;

  template <class F> void note(F&& f) {
    {
      const std::lock_guard lock{mu};
      f();
    }
    cv.notify_all();
  }
  template <class Pred> bool wait(std::chrono::milliseconds timeout, Pred pred) const {
    std::unique_lock lock{mu};
    return cv.wait_for(lock, timeout, pred);
  }
  template <class T> T read(const T& field) const {
    const std::lock_guard lock{mu};
    return field;
  }

  void do_accept();
};

namespace {

template <class Next> class Conn final : public ConnBase, public std::enable_shared_from_this<Conn<Next>> {
  static constexpr bool tls = !std::is_same_v<Next, tcp::socket>;

public:
  Conn(FakeWsServer::Impl& server, Next&& next) : s_(server), ws_(std::move(next)) {}

  void start() override {
    if (!s_.options.answer_upgrade) return; // hold the TCP connection, say nothing
    if constexpr (tls) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = this->shared_from_this()](error_code ec) { self->on_tls(ec); });
    } else {
      read_request();
    }
  }

  void close(unsigned short code, std::string reason) override {
    if (!open_ || closing_) return;
    closing_ = true;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = this->shared_from_this()](error_code) {});
  }

  void send(std::string text) override {
    if (!open_ || closing_) return;
    out_.push_back(std::move(text));
    if (out_.size() == 1) do_write();
  }

  void shutdown() override {
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
  }

private:
  void on_tls(error_code ec) {
    if constexpr (tls) {
      if (ec) {
        s_.note([&] { ++s_.tls_failures; });
        return;
      }
      SSL* ssl = ws_.next_layer().native_handle();
      const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
      std::string subject;
      if (X509* cert = SSL_get1_peer_certificate(ssl)) {
        char cn[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
        subject = cn;
        X509_free(cert);
      }
      s_.note([&] {
        s_.server_names.emplace_back(sni != nullptr ? sni : "");
        s_.client_cert_subjects.push_back(subject);
      });
      read_request();
    }
  }

  void read_request() {
    http::async_read(ws_.next_layer(), buffer_, request_,
                     [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_request(ec); });
  }

  static std::optional<std::string> header(const http::request<http::string_body>& req, http::field f) {
    const auto it = req.find(f);
    if (it == req.end()) return std::nullopt;
    return std::string{it->value()};
  }

  void on_request(error_code ec) {
    if (ec) {
      s_.note([&] { ++s_.disconnects; });
      return;
    }
    UpgradeRequest r;
    r.target = std::string{request_.target()};
    r.host = std::string{request_[http::field::host]};
    r.user_agent = std::string{request_[http::field::user_agent]};
    r.authorization = header(request_, http::field::authorization);
    r.subprotocols = header(request_, http::field::sec_websocket_protocol);
    const bool auth_ok = !s_.options.required_authorization || r.authorization == s_.options.required_authorization;
    s_.note([&] { s_.requests.push_back(std::move(r)); });

    unsigned status = s_.options.reject_status;
    if (!auth_ok) status = 401;
    if (!websocket::is_upgrade(request_)) status = 400;
    if (status != 0) {
      response_.result(status);
      response_.version(request_.version());
      response_.set(http::field::server, "fake-csms");
      if (status == 401) response_.set(http::field::www_authenticate, "Basic realm=\"ocpp\"");
      response_.body() = s_.options.reject_body;
      response_.keep_alive(false);
      response_.prepare_payload();
      http::async_write(ws_.next_layer(), response_, [self = this->shared_from_this()](error_code, std::size_t) {
        self->shutdown();
        self->s_.note([&] { ++self->s_.disconnects; });
      });
      return;
    }
    ws_.set_option(websocket::stream_base::decorator([sub = s_.options.subprotocol](websocket::response_type& res) {
      res.set(http::field::server, "fake-csms");
      if (sub) res.set(http::field::sec_websocket_protocol, *sub);
    }));
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind == websocket::frame_type::ping) s_.note([&] { ++s_.pings; });
    });
    ws_.async_accept(request_, [self = this->shared_from_this()](error_code ec2) { self->on_accept(ec2); });
  }

  void on_accept(error_code ec) {
    if (ec) {
      s_.note([&] { ++s_.disconnects; });
      return;
    }
    open_ = true;
    ws_.read_message_max(64u << 20);
    s_.note([&] { ++s_.upgrades; });
    if (s_.options.read_after_upgrade) do_read();
    if (s_.options.close_after_upgrade != 0) close(s_.options.close_after_upgrade, "bye");
  }

  void do_read() {
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(error_code ec) {
    if (ec) {
      open_ = false;
      const bool client_closed = ec == websocket::error::closed && !closing_;
      const unsigned code = ws_.reason().code;
      s_.note([&] {
        if (client_closed) {
          ++s_.close_frames;
          s_.close_codes.push_back(code);
        }
        ++s_.disconnects;
      });
      return;
    }
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    s_.note([&] {
      ++s_.messages_total;
      s_.messages.push_back(text);
    });
    if (s_.options.echo) send(std::move(text));
    do_read();
  }

  void do_write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(out_.front()),
                    [self = this->shared_from_this()](error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(error_code ec) {
    if (ec) {
      out_.clear();
      return;
    }
    out_.pop_front();
    if (!out_.empty()) do_write();
  }

  FakeWsServer::Impl& s_;
  websocket::stream<Next> ws_;
  beast::flat_buffer buffer_;
  beast::flat_buffer read_buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  std::deque<std::string> out_;
  bool open_ = false;
  bool closing_ = false;
};

} // namespace

void FakeWsServer::Impl::do_accept() {
  acceptor.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec) return; // acceptor closed
    note([&] { ++connections; });
    std::shared_ptr<ConnBase> conn;
    if (options.tls) {
      conn = std::make_shared<Conn<asio::ssl::stream<tcp::socket>>>(
          *this, asio::ssl::stream<tcp::socket>{std::move(socket), *options.tls});
    } else {
      conn = std::make_shared<Conn<tcp::socket>>(*this, std::move(socket));
    }
    conns.push_back(conn);
    conn->start();
    do_accept();
  });
}

FakeWsServer::FakeWsServer(FakeWsServerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  if (impl_->options.receive_buffer_size > 0)
    impl_->acceptor.set_option(asio::socket_base::receive_buffer_size(impl_->options.receive_buffer_size));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->do_accept();
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->io.run();
    impl->note([&] { impl->finished = true; });
  });
}

FakeWsServer::~FakeWsServer() {
  asio::post(impl_->io, [impl = impl_.get()] {
    error_code ignored;
    impl->acceptor.close(ignored);
    for (const auto& c : impl->conns)
      c->shutdown();
    impl->conns.clear();
  });
  impl_->guard.reset();
  // Every operation completes once its socket is closed; if one does not, stop anyway.
  if (!impl_->wait(2s, [this] { return impl_->finished; })) impl_->io.stop();
  impl_->thread.join();
}

unsigned short FakeWsServer::port() const noexcept { return impl_->port; }

std::string FakeWsServer::url(std::string_view path) const {
  return std::string{impl_->options.tls ? "wss" : "ws"} + "://127.0.0.1:" + std::to_string(impl_->port) +
         std::string{path};
}

std::size_t FakeWsServer::connections() const { return impl_->read(impl_->connections); }
std::size_t FakeWsServer::upgrades() const { return impl_->read(impl_->upgrades); }
std::size_t FakeWsServer::close_frames() const { return impl_->read(impl_->close_frames); }
std::size_t FakeWsServer::disconnects() const { return impl_->read(impl_->disconnects); }
std::size_t FakeWsServer::pings() const { return impl_->read(impl_->pings); }
std::size_t FakeWsServer::messages_received() const { return impl_->read(impl_->messages_total); }
std::size_t FakeWsServer::tls_failures() const { return impl_->read(impl_->tls_failures); }
std::vector<UpgradeRequest> FakeWsServer::requests() const { return impl_->read(impl_->requests); }
std::vector<unsigned> FakeWsServer::close_codes() const { return impl_->read(impl_->close_codes); }
std::vector<std::string> FakeWsServer::server_names() const { return impl_->read(impl_->server_names); }
std::vector<std::string> FakeWsServer::client_cert_subjects() const { return impl_->read(impl_->client_cert_subjects); }

bool FakeWsServer::wait_for_connections(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->connections >= n; });
}
bool FakeWsServer::wait_for_upgrades(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->upgrades >= n; });
}
bool FakeWsServer::wait_for_close_frames(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->close_frames >= n; });
}
bool FakeWsServer::wait_for_disconnects(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->disconnects >= n; });
}
bool FakeWsServer::wait_for_pings(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->pings >= n; });
}
bool FakeWsServer::wait_for_tls_failures(std::size_t n, std::chrono::milliseconds timeout) const {
  return impl_->wait(timeout, [&] { return impl_->tls_failures >= n; });
}

std::optional<std::string> FakeWsServer::wait_for_message(std::chrono::milliseconds timeout) {
  std::unique_lock lock{impl_->mu};
  if (!impl_->cv.wait_for(lock, timeout, [&] { return !impl_->messages.empty(); })) return std::nullopt;
  std::string text = std::move(impl_->messages.front());
  impl_->messages.pop_front();
  return text;
}

void FakeWsServer::close_all(unsigned short code, std::string reason) {
  asio::post(impl_->io, [impl = impl_.get(), code, reason = std::move(reason)] {
    for (const auto& c : impl->conns)
      c->close(code, reason);
  });
}

void FakeWsServer::send_to_all(std::string text) {
  asio::post(impl_->io, [impl = impl_.get(), text = std::move(text)] {
    for (const auto& c : impl->conns)
      c->send(text);
  });
}

} // namespace ocppfleet::transport::testing
