#pragma once
// OCPI real-time authorization (mod_tokens, the eMSP's Tokens Sender interface): the CPO asks
// the eMSP whether a token may charge now, POST {tokens url}/{uid}/authorize?type=TYPE, and the
// AuthorizationInfo it answers decides the charger's Authorize. The calls run on a small pool
// of worker threads with a short deadline (the charger waits for its answer), never on the
// backend's network threads. A full queue, a timeout or an unusable answer is "unreachable":
// the caller then gives the token's offline answer.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace ocppfleet::ocpi {

struct RealtimeTarget {
  std::string tokens_url;    // the eMSP's tokens SENDER endpoint
  std::string authorization; // the whole header value: Token B as the CPO encodes it
};

struct RealtimeAnswer {
  // AuthorizationInfo.allowed, plus `unknown` (404 / 2004) and `unreachable` (no usable answer).
  enum class Allowed { allowed, blocked, expired, no_credit, not_allowed, unknown, unreachable };
  Allowed allowed = Allowed::unreachable;
  std::optional<std::string> authorization_reference;
  std::string detail; // what went wrong, for the log
};

// The eMSP's answer (HTTP status and body) to POST .../authorize: an envelope whose data is an
// AuthorizationInfo. HTTP 404 or status_code 2004 is an unknown token.
RealtimeAnswer read_authorization_info(unsigned http_status, std::string_view body);

// Where and how to ask an eMSP, from its registered endpoints (the tokens SENDER one) and
// Token B; none when the eMSP offers no tokens Sender interface.
std::optional<RealtimeTarget> realtime_target_of(std::string_view endpoints_json, const std::string& token_b,
                                                 bool base64);

// The request's URL: the uid is one path segment (percent-encoded), the type a query parameter.
std::string authorize_url(std::string_view tokens_url, std::string_view uid, std::string_view type);

struct RealtimeConfig {
  std::size_t threads = 2;
  std::size_t max_queue = 256;
  std::chrono::milliseconds timeout{5'000}; // well inside a charger's call timeout
};

class RealtimeAuthorizer {
public:
  using Done = std::function<void(RealtimeAnswer)>;

  explicit RealtimeAuthorizer(RealtimeConfig config = {});
  ~RealtimeAuthorizer();
  RealtimeAuthorizer(const RealtimeAuthorizer&) = delete;
  RealtimeAuthorizer& operator=(const RealtimeAuthorizer&) = delete;

  // Queues a call (any thread, never blocks). `done` runs once, on a worker thread. False when
  // the queue is full or the authorizer is stopping: `done` is not called.
  bool ask(RealtimeTarget target, std::string uid, std::string type, Done done);
  // Waits for the calls in flight (each bounded by the timeout) and answers the queued ones
  // `unreachable`; later asks are refused. Call it while whoever `done` reaches still exists.
  void stop();

private:
  struct Job {
    RealtimeTarget target;
    std::string uid, type;
    Done done;
  };
  void run();
  RealtimeAnswer call(const Job& job) const;

  RealtimeConfig config_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace ocppfleet::ocpi
