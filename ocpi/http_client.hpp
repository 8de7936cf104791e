#pragma once
// A small blocking HTTP/1.1 client (Beast) for calls to an OCPI peer: the versions and
// details fetched during the credentials handshake. Run it on a worker thread, never on an
// I/O or shard thread. https verifies the peer's certificate and host name (the system's
// trust store) unless `insecure` is set.
#include <chrono>
#include <stdexcept>
#include <string>

namespace ocppfleet::ocpi {

struct ClientResponse {
  unsigned status = 0;
  std::string body;
};

// Anything that kept the request from getting an answer: a bad URL, DNS, connect, TLS,
// timeout, an answer too large.
struct ClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ClientRequest {
  std::string method = "GET";
  std::string url;           // http://host[:port]/path or https://...
  std::string authorization; // the whole header value, e.g. "Token ZXhhbXBsZQ=="
  std::string body;          // sent as application/json when not empty
  std::chrono::milliseconds timeout{10'000};
  bool insecure = false;
};

ClientResponse send_request(const ClientRequest& request);

} // namespace ocppfleet::ocpi
