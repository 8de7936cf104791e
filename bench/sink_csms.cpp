// ocppfleet-sink-csms: a minimal accept-everything OCPP 1.6 / 2.0.1 CSMS for benchmarks.
//
// It exists to measure the simulator: the Node test CSMS cannot keep up with thousands of
// boots per second, so a slow CSMS would be what a boot-storm benchmark measures. It is
// NOT a correctness oracle (it checks nothing; tests/peers/csms.js does that).
//
//   ocppfleet-sink-csms --listen 127.0.0.1:9000 [--threads 1] [--heartbeat-interval 300] [--stats]
//
// The first stdout line is `listening <port>` (useful with port 0). Stats go to stderr:
// every second with --stats, and always once at SIGINT/SIGTERM before a clean exit.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/sink/session.hpp"

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using ocppfleet::bench::SinkContext;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 9000;
  int threads = 1;
  int heartbeat_interval_s = 300;
  bool stats = false;
};

void usage(std::FILE* to) {
  std::fprintf(to, "usage: ocppfleet-sink-csms --listen HOST:PORT [--threads N] [--heartbeat-interval S] [--stats]\n"
                   "  HOST must be a loopback address; PORT 0 picks a free port (see the `listening` line)\n");
}

std::optional<long> parse_long(std::string_view text, long lo, long hi) {
  if (text.empty()) return std::nullopt;
  std::string copy{text};
  char* end = nullptr;
  const long v = std::strtol(copy.c_str(), &end, 10);
  if (*end != '\0' || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::optional<std::string_view> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string_view{argv[++i]};
    };
    if (arg == "--help" || arg == "-h") {
      usage(stdout);
      std::exit(0);
    } else if (arg == "--stats") {
      o.stats = true;
    } else if (arg == "--listen") {
      const auto v = value();
      const auto colon = v ? v->rfind(':') : std::string_view::npos;
      if (colon == std::string_view::npos) return std::nullopt;
      const auto port = parse_long(v->substr(colon + 1), 0, 65535);
      if (!port) return std::nullopt;
      o.host = std::string{v->substr(0, colon)};
      o.port = static_cast<unsigned short>(*port);
    } else if (arg == "--threads") {
      const auto v = value();
      const auto n = v ? parse_long(*v, 1, 64) : std::nullopt;
      if (!n) return std::nullopt;
      o.threads = static_cast<int>(*n);
    } else if (arg == "--heartbeat-interval") {
      const auto v = value();
      const auto n = v ? parse_long(*v, 0, 86400) : std::nullopt;
      if (!n) return std::nullopt;
      o.heartbeat_interval_s = static_cast<int>(*n);
    } else {
      std::fprintf(stderr, "error: unknown argument '%s'\n", argv[i]);
      return std::nullopt;
    }
  }
  return o;
}

// Accepts forever; each connection gets its own strand so --threads > 1 is safe.
class Listener : public std::enable_shared_from_this<Listener> {
public:
  Listener(asio::io_context& ioc, tcp::endpoint endpoint, SinkContext& context)
      : ioc_{ioc}, acceptor_{ioc}, retry_{ioc}, context_{context} {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    // A boot storm opens thousands of connections at once: ask for the kernel's maximum
    // backlog (net.core.somaxconn caps it) so SYNs are not dropped while we catch up.
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { do_accept(); }
  void stop() {
    error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [self = shared_from_this()](error_code ec, tcp::socket socket) {
      self->on_accept(ec, std::move(socket));
    });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning on a full descriptor table.
      context_.stats.accept_errors.fetch_add(1, std::memory_order_relaxed);
      retry_.expires_after(std::chrono::milliseconds{20});
      retry_.async_wait([self = shared_from_this()](error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored); // one small reply per request: no Nagle
    ocppfleet::bench::start_session(std::move(socket), context_);
    do_accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  SinkContext& context_;
};

// Prints the stats line every second; remembers the previous call count for the rate.
class StatsTicker {
public:
  StatsTicker(asio::io_context& ioc, const SinkContext& context) : timer_{ioc}, context_{context} {}
  void start() { arm(); }
  void stop() { timer_.cancel(); }
  void print() {
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last_at_).count();
    const auto calls = context_.stats.calls_total.load();
    const double rate = dt > 0 ? static_cast<double>(calls - last_calls_) / dt : 0.0;
    last_at_ = now;
    last_calls_ = calls;
    const double uptime = std::chrono::duration<double>(now - started_).count();
    std::fprintf(stderr, "%s\n", context_.stats.line(uptime, rate).c_str());
    std::fflush(stderr);
  }

private:
  void arm() {
    timer_.expires_after(std::chrono::seconds{1});
    timer_.async_wait([this](error_code ec) {
      if (ec) return;
      print();
      arm();
    });
  }

  asio::steady_timer timer_;
  const SinkContext& context_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_at_ = started_;
  std::uint64_t last_calls_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  const auto options = parse_args(argc, argv);
  if (!options) {
    usage(stderr);
    return 2;
  }
  error_code ec;
  const auto address = asio::ip::make_address(options->host, ec);
  if (ec || !address.is_loopback()) {
    std::fprintf(stderr, "error: --listen host must be a loopback address (got '%s')\n", options->host.c_str());
    return 2;
  }

  // Declared before the io_context: sessions still queued in it at destruction touch it.
  SinkContext context;
  context.replies.heartbeat_interval_s = options->heartbeat_interval_s;
  asio::io_context ioc{options->threads};

  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(ioc, tcp::endpoint{address, options->port}, context);
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "error: cannot listen on %s:%u: %s\n", options->host.c_str(), options->port, e.what());
    return 1;
  }
  std::printf("listening %u\n", listener->port());
  std::fflush(stdout);
  listener->start();

  StatsTicker ticker{ioc, context};
  if (options->stats) ticker.start();

  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  signals.async_wait([&](error_code wait_ec, int) {
    if (wait_ec) return;
    listener->stop();
    ticker.stop();
    ioc.stop(); // open sessions are dropped with the io_context; peers see the TCP close
  });

  std::vector<std::thread> extra;
  for (int i = 1; i < options->threads; ++i)
    extra.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : extra)
    t.join();
  ticker.print();
  return 0;
}
