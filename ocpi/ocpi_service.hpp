#pragma once
// The OCPI 2.2.1 interface of every simulated CPO (docs/ocpi.md), served by `ocppfleet serve`
// on the control API's HTTP server under /ocpi/cpo/{cpo_id}/...: versions, 2.2.1 details and
// credentials (the handshake from the Token A the CPO was created with). The credentials token
// tells which party calls; the {cpo_id} in the path says which CPO is addressed, and a token
// of another CPO is a 401 there.
//
// Handlers read the store and call the eMSP, both blocking, so they run on the service's own
// worker thread, never on the HTTP server's threads.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "control-api/http/router.hpp"
#include "control-api/store/store.hpp"
#include "ocpi/backend_port.hpp"
#include "ocpi/commands_module.hpp"
#include "ocpi/push_feed.hpp"
#include "ocpi/pusher.hpp"
#include "ocpi/realtime_authorizer.hpp"
#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {

struct OcpiConfig {
  std::chrono::milliseconds peer_timeout{10'000}; // each call to the eMSP during a handshake
  RealtimeConfig realtime;                        // real-time authorizations asked of the eMSPs
  std::size_t max_queue = 1024;                   // requests waiting for the worker; beyond: 503
  PushConfig push;                                // delivery of what we owe the eMSPs
  CommandsConfig commands;
};

class OcpiService {
public:
  // `backend`: the CPOs' backend for commands; null when serve runs without the embedded CSMS.
  OcpiService(store::Store& store, BackendPort* backend, OcpiConfig config = {});
  ~OcpiService();
  OcpiService(const OcpiService&) = delete;
  OcpiService& operator=(const OcpiService&) = delete;

  // The base of every URL we hand out ("https://ocpi.example.com"); set before serving.
  void set_public_url(std::string url);
  void add_routes(http::Router& router);
  // Reads every registered eMSP's Receiver endpoints (blocking; once, before serving).
  void start();
  // The CPO backends' events (any thread, never blocks): pushed to eMSPs that listen.
  PushFeed& feed() { return feed_; }
  // Queues a call owed to a CPO's eMSP (any thread, never blocks) and wakes the pusher.
  void push_later(OutboxItem item);
  [[nodiscard]] PushCounters push_counters() const { return pusher_.counters(); }
  // Ends real-time authorizations (the queued ones get their offline answer): call it before
  // the CSMS whose chargers wait on them goes.
  void stop_realtime_authorization() { realtime_->stop(); }

private:
  using Work = std::function<void()>;
  void post(Work work, const http::Responder& responder);
  void run_worker();
  // The CPO's backend decides on the eMSP's tokens (registered) or accepts all (not).
  void install_token_authority(std::int64_t cpo_id, bool registered);

  store::Store& store_;
  BackendPort* backend_;
  OcpiConfig config_;
  std::vector<std::pair<std::string, std::string>> endpoints_; // (identifier, role) of the modules
  std::string public_url_;
  TokenTable tokens_;
  std::shared_ptr<RealtimeAuthorizer> realtime_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Work> queue_;
  bool stopping_ = false;
  std::thread worker_;
  Pusher pusher_; // stops before the worker's members go
  PushFeed feed_; // last: stops first (it feeds the pusher)
};

} // namespace ocppfleet::ocpi
