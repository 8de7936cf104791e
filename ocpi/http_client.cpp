#include "ocpi/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

#include <optional>

namespace ocppfleet::ocpi {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::size_t k_max_answer = 8 * 1024 * 1024; // a crawl page or details, with room

struct Url {
  bool tls = false;
  std::string host, port, target;
};

Url parse_url(const std::string& url) {
  Url u;
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    u.tls = true;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    throw ClientError{"not an http(s) URL: '" + url + "'"};
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string{rest.substr(slash)};
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    throw ClientError{"no usable host in '" + url + "'"};
  if (authority.front() == '[') { // [::1]:8080
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw ClientError{"bad IPv6 host in '" + url + "'"};
    u.host = std::string{authority.substr(1, close - 1)};
    authority.remove_prefix(close + 1);
    u.port = authority.starts_with(':') ? std::string{authority.substr(1)} : "";
  } else {
    const auto colon = authority.rfind(':');
    u.host = std::string{authority.substr(0, colon)};
    u.port = colon == std::string_view::npos ? "" : std::string{authority.substr(colon + 1)};
  }
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  return u;
}

template <class Stream> asio::awaitable<ClientResponse> exchange(Stream& stream, const Url& u, const ClientRequest& r) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(r.method), u.target, 11};
  req.set(bhttp::field::host, u.host);
  req.set(bhttp::field::user_agent, "ocppfleet-ocpi");
  req.set(bhttp::field::accept, "application/json");
  if (!r.authorization.empty()) req.set(bhttp::field::authorization, r.authorization);
  if (!r.body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = r.body;
  }
  req.prepare_payload();
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(k_max_answer);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return ClientResponse{parser.get().result_int(), std::move(parser.get().body())};
}

asio::awaitable<ClientResponse> run(asio::io_context& io, const Url& u, const ClientRequest& request) {
  tcp::resolver resolver{io};
  const auto endpoints = co_await resolver.async_resolve(u.host, u.port, asio::use_awaitable);
  if (!u.tls) {
    beast::tcp_stream stream{io};
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    auto answer = co_await exchange(stream, u, request);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return answer;
  }
  asio::ssl::context tls{asio::ssl::context::tls_client};
  tls.set_default_verify_paths();
  tls.set_verify_mode(request.insecure ? asio::ssl::verify_none : asio::ssl::verify_peer);
  if (!request.insecure) tls.set_verify_callback(asio::ssl::host_name_verification(u.host));
  beast::ssl_stream<beast::tcp_stream> stream{io, tls};
  if (!SSL_set_tlsext_host_name(stream.native_handle(), u.host.c_str()))
    throw ClientError{"TLS: cannot set the server name"};
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_return co_await exchange(stream, u, request);
}

} // namespace

ClientResponse send_request(const ClientRequest& request) {
  const Url u = parse_url(request.url);
  asio::io_context io;
  std::optional<ClientResponse> answer;
  std::exception_ptr failure;
  // Asynchronous operations on a private io_context, run with a deadline: a peer that never
  // answers costs `timeout`, not a stuck worker.
  asio::co_spawn(io, run(io, u, request), [&](std::exception_ptr e, ClientResponse r) {
    failure = e;
    if (!e) answer = std::move(r);
  });
  io.run_for(request.timeout);
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const ClientError&) {
      throw;
    } catch (const boost::system::system_error& e) {
      // The code's message only: what() carries Asio's source location.
      throw ClientError{request.method + " " + request.url + ": " + e.code().message()};
    } catch (const std::exception& e) {
      throw ClientError{request.method + " " + request.url + ": " + e.what()};
    }
  }
  if (!answer) throw ClientError{request.method + " " + request.url + ": no answer within the timeout"};
  return std::move(*answer);
}

} // namespace ocppfleet::ocpi
