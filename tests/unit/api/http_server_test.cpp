// HttpServer over real loopback sockets: a server on 127.0.0.1 port 0 on its own thread(s)
// and a Beast client whose every operation has a deadline, so a broken server fails a test
// instead of hanging it.
#include "control-api/http/errors.hpp"
#include "control-api/http/http_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

namespace ocppfleet::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using nlohmann::json;
using namespace std::chrono_literals;
using Response = bhttp::response<bhttp::string_body>;

class Client {
public:
  explicit Client(std::uint16_t port) {
    stream_.expires_after(5s);
    const auto ec = run([&](auto done) {
      stream_.async_connect({asio::ip::make_address("127.0.0.1"), port}, [done](error_code e) mutable { done(e, 0); });
    });
    if (ec) throw std::runtime_error("connect: " + ec.message());
  }
  error_code send(const std::string& raw) {
    stream_.expires_after(10s);
    return run([&](auto done) { asio::async_write(stream_, asio::buffer(raw), done); });
  }
  std::optional<Response> read(std::chrono::seconds timeout = 5s) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    stream_.expires_after(timeout);
    if (run([&](auto done) { bhttp::async_read(stream_, buffer_, parser, done); })) {
      return std::nullopt;
    }
    return parser.release();
  }
  std::optional<Response> get(const std::string& target, const std::string& extra = {}) {
    if (send("GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra + "\r\n")) return std::nullopt;
    return read();
  }
  // The next read's error: end of stream or a reset when the server closed the connection,
  // beast::error::timeout when it is still open.
  error_code wait_closed(std::chrono::seconds timeout = 5s) {
    std::array<char, 512> scratch{};
    stream_.expires_after(timeout);
    return run([&](auto done) { stream_.async_read_some(asio::buffer(scratch), done); });
  }

private:
  template <class Start> error_code run(Start start) {
    error_code result;
    start([&result](error_code ec, std::size_t) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }
  asio::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

bool closed(const error_code& ec) { return ec && ec != beast::error::timeout; }

json body_of(const std::optional<Response>& r) { return r ? json::parse(r->body()) : json{}; }

class HttpServerTest : public ::testing::Test {
protected:
  HttpServerTest() {
    router_.add("GET", "/ping", [](HttpRequest&, Responder res) { res.send(json_response(200, {{"pong", true}})); });
    router_.add("GET", "/items/{id}", [](HttpRequest& req, Responder res) {
      res.send(json_response(200, {{"id", req.path_params.at("id")},
                                   {"q", req.query_param("q").value_or("-")},
                                   {"has_remote", !req.remote_address.empty()}}));
    });
    router_.add("POST", "/echo", [](HttpRequest& req, Responder res) {
      res.send(json_response(200, {{"size", req.body.size()}, {"type", req.header("content-type").value_or("-")}}));
    });
    router_.add("GET", "/slow/{ms}", [this](HttpRequest& req, Responder res) {
      const auto ms = std::stoi(req.path_params.at("ms"));
      std::lock_guard lock{mutex_};
      workers_.emplace_back([ms, res] {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        res.send(json_response(200, {{"slept", ms}}));
      });
    });
    router_.add("GET", "/boom", [](HttpRequest&, Responder) -> void { throw std::runtime_error("handler bug"); });
    router_.add("GET", "/hold", [this](HttpRequest&, Responder res) {
      std::lock_guard lock{mutex_};
      held_.push_back(std::move(res));
    });
  }
  ~HttpServerTest() override {
    stop_and_join();
    for (auto& w : workers_)
      w.join();
  }
  void start(ServerLimits limits = {}, int threads = 1) {
    server_.emplace(ioc_, router_, limits);
    server_->listen("127.0.0.1", 0);
    for (int i = 0; i < threads; ++i)
      io_threads_.emplace_back([this] { ioc_.run(); });
  }
  void stop_and_join() {
    if (server_) server_->stop();
    for (auto& t : io_threads_)
      t.join();
    io_threads_.clear();
  }
  std::uint16_t port() const { return server_->port(); }

  asio::io_context ioc_;
  Router router_;
  std::optional<HttpServer> server_;
  std::vector<std::thread> io_threads_;
  std::mutex mutex_;
  std::vector<std::thread> workers_;
  std::vector<Responder> held_;
};

TEST_F(HttpServerTest, serves_path_params_and_query_with_standard_headers) {
  start();
  Client client{port()};
  const auto r = client.get("/items/CP%201?q=a+b");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 200);
  EXPECT_EQ(body_of(r), json({{"id", "CP 1"}, {"q", "a b"}, {"has_remote", true}}));
  EXPECT_EQ((*r)[bhttp::field::server], "ocppfleet");
  EXPECT_EQ((*r)[bhttp::field::content_type], "application/json");
  EXPECT_EQ((*r)[bhttp::field::content_length], std::to_string(r->body().size()));
}

TEST_F(HttpServerTest, unknown_path_is_404_and_wrong_method_is_405_with_allow) {
  start();
  Client client{port()};
  const auto missing = client.get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404);
  EXPECT_EQ(body_of(missing), json({{"detail", "Not Found"}}));
  ASSERT_FALSE(client.send("DELETE /ping HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto wrong = client.read();
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->result_int(), 405);
  EXPECT_EQ(body_of(wrong), json({{"detail", "Method Not Allowed"}}));
  EXPECT_EQ((*wrong)[bhttp::field::allow], "GET");
}

TEST_F(HttpServerTest, async_responder_answers_from_another_thread_after_a_delay) {
  start();
  Client client{port()};
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = client.get("/slow/200");
  ASSERT_TRUE(r);
  EXPECT_EQ(body_of(r), json({{"slept", 200}}));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  EXPECT_EQ(client.get("/ping")->result_int(), 200); // and the connection goes on
}

TEST_F(HttpServerTest, body_at_the_limit_is_served_and_one_byte_more_gets_413) {
  start();
  const auto post = [](std::size_t n) {
    return "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(n) + "\r\n\r\n" + std::string(n, 'x');
  };
  Client ok{port()};
  ASSERT_FALSE(ok.send(post(1 << 20)));
  EXPECT_EQ(body_of(ok.read()), json({{"size", 1 << 20}, {"type", "application/json"}}));

  Client big{port()};
  ASSERT_FALSE(big.send(post((1 << 20) + 1)));
  const auto r = big.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_EQ(body_of(r), json({{"detail", "Request body too large (limit 1048576 bytes)"}}));
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(closed(big.wait_closed()));
}

TEST_F(HttpServerTest, chunked_body_over_the_limit_gets_413) {
  ServerLimits limits;
  limits.max_body_bytes = 1000;
  start(limits);
  Client client{port()};
  const std::string chunk(800, 'y');
  ASSERT_FALSE(client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "320\r\n" +
                           chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  const auto r = client.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 413);
  EXPECT_EQ(body_of(r)["detail"], "Request body too large (limit 1000 bytes)");
}

TEST_F(HttpServerTest, expect_100_continue_gets_the_interim_answer_first) {
  start();
  Client client{port()};
  ASSERT_FALSE(client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                           "Expect: 100-continue\r\n\r\n"));
  const auto interim = client.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_FALSE(client.send("hello"));
  EXPECT_EQ(body_of(client.read())["size"], 5);
}

TEST_F(HttpServerTest, oversized_header_gets_431) {
  start();
  Client client{port()};
  const auto r = client.get("/ping", "X-Big: " + std::string(20 * 1024, 'h') + "\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 431);
  EXPECT_EQ(body_of(r), json({{"detail", "Request header fields too large"}}));
  EXPECT_TRUE(closed(client.wait_closed()));
}

TEST_F(HttpServerTest, garbage_gets_400_and_the_connection_closes) {
  start();
  Client client{port()};
  ASSERT_FALSE(client.send(std::string("\x01\x02 not http at all\r\n\r\n")));
  const auto r = client.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 400);
  EXPECT_TRUE(body_of(r)["detail"].get<std::string>().starts_with("Malformed HTTP request"));
  EXPECT_TRUE(closed(client.wait_closed()));
}

TEST_F(HttpServerTest, keep_alive_serves_sequential_and_pipelined_requests_on_one_connection) {
  start();
  Client client{port()};
  EXPECT_EQ(client.get("/items/1")->result_int(), 200);
  EXPECT_EQ(body_of(client.get("/items/2"))["id"], "2");
  ASSERT_FALSE(client.send("GET /items/3 HTTP/1.1\r\nHost: t\r\n\r\n"
                           "GET /items/4 HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_EQ(body_of(client.read())["id"], "3");
  EXPECT_EQ(body_of(client.read())["id"], "4");
  EXPECT_EQ(server_->connection_count(), 1u);
  // Connection: close is honoured.
  const auto last = client.get("/ping", "Connection: close\r\n");
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->keep_alive());
  EXPECT_TRUE(closed(client.wait_closed()));
}

TEST_F(HttpServerTest, slow_client_exceeding_the_read_timeout_is_disconnected) {
  ServerLimits limits;
  limits.read_timeout = 1s;
  start(limits);
  Client client{port()};
  ASSERT_FALSE(client.send("GET /ping HTTP/1.1\r\nHost: t\r\n")); // never finishes the header
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed(client.wait_closed(5s)));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 800ms);
  EXPECT_LT(waited, 4s);
}

TEST_F(HttpServerTest, throwing_handler_gets_500_and_the_server_keeps_serving) {
  start();
  Client client{port()};
  const auto r = client.get("/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 500);
  EXPECT_EQ(body_of(r), json({{"detail", "Internal Server Error"}}));
  EXPECT_EQ(client.get("/ping")->result_int(), 200);
  Client other{port()};
  EXPECT_EQ(other.get("/ping")->result_int(), 200);
}

TEST_F(HttpServerTest, stop_with_open_connections_returns_promptly) {
  start();
  Client idle{port()};
  ASSERT_EQ(idle.get("/ping")->result_int(), 200);
  Client half{port()};
  ASSERT_FALSE(half.send("GET /ping HTTP/1.1\r\n"));
  Client waiting{port()};
  ASSERT_FALSE(waiting.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n"));
  for (int i = 0; i < 200 && server_->connection_count() < 3; ++i)
    std::this_thread::sleep_for(5ms);
  for (int i = 0; i < 200; ++i) {
    std::lock_guard lock{mutex_};
    if (!held_.empty()) break;
    std::this_thread::sleep_for(5ms);
  }
  const auto t0 = std::chrono::steady_clock::now();
  stop_and_join(); // io thread returns: no connection or accept left
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  EXPECT_TRUE(closed(idle.wait_closed()));
  EXPECT_TRUE(closed(half.wait_closed()));
  EXPECT_TRUE(closed(waiting.wait_closed()));
  EXPECT_EQ(server_->connection_count(), 0u);
  std::lock_guard lock{mutex_};
  ASSERT_EQ(held_.size(), 1u);
  held_[0].send(json_response(200, {{"late", true}})); // connection gone: a no-op
  EXPECT_THROW(Client{port()}, std::runtime_error);    // no longer accepting
}

TEST_F(HttpServerTest, fifty_concurrent_clients_are_all_answered) {
  start({}, 2);
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) {
    clients.emplace_back([&, i] {
      Client client{port()};
      const auto slow = client.get("/slow/50");
      const auto item = client.get("/items/" + std::to_string(i));
      if (slow && slow->result_int() == 200 && body_of(item)["id"] == std::to_string(i)) {
        ++answered;
      }
    });
  }
  for (auto& c : clients)
    c.join();
  EXPECT_EQ(answered, 50);
}

TEST_F(HttpServerTest, connections_over_the_limit_get_503) {
  ServerLimits limits;
  limits.max_connections = 2;
  start(limits);
  Client a{port()};
  Client b{port()};
  ASSERT_EQ(a.get("/ping")->result_int(), 200);
  ASSERT_EQ(b.get("/ping")->result_int(), 200);
  Client c{port()};
  const auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result_int(), 503);
  EXPECT_EQ(body_of(r), json({{"detail", "Too many connections"}}));
  EXPECT_EQ(a.get("/ping")->result_int(), 200);
}

TEST_F(HttpServerTest, listen_reports_address_in_use_and_bad_addresses) {
  start();
  asio::io_context other;
  HttpServer second{other, router_};
  try {
    second.listen("127.0.0.1", port());
    FAIL() << "expected address in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string{e.what()}.find("cannot listen on 127.0.0.1:" + std::to_string(port())), std::string::npos)
        << e.what();
  }
  HttpServer third{other, router_};
  // TEST-NET-3: a valid address that is not ours, so bind fails without any DNS.
  EXPECT_THROW(third.listen("203.0.113.7", 0), std::runtime_error);
}

} // namespace
} // namespace ocppfleet::http
