#pragma once
// Turns what happens at a CPO's backend into pushes to its eMSP (mod_locations and
// mod_sessions/mod_cdrs Receiver interfaces of the eMSP): an EVSE status change becomes a PATCH
// of that EVSE; a new session a PUT, its meter progress a PATCH, its end a PUT of the final
// Session and a POST of the CDR. Only for CPOs whose eMSP registered the matching Receiver
// endpoint. Backend events arrive on network threads: they are queued (never blocking) and
// turned into outbox rows on the feed's own thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "control-api/store/store.hpp"
#include "ocpi/evse_index.hpp"
#include "ocpi/outbox_repo.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// The eMSP's Receiver endpoints a CPO pushes to (empty: not offered).
struct PushTargets {
  std::string locations, sessions, cdrs;
};
PushTargets push_targets_of(const PeerRow& peer);

enum class TransactionEvent { started, updated, ended };

class PushFeed {
public:
  using PushLater = std::function<void(OutboxItem)>;
  PushFeed(store::Store& store, PushLater push_later, std::size_t max_queue = 100'000);
  ~PushFeed();
  PushFeed(const PushFeed&) = delete;
  PushFeed& operator=(const PushFeed&) = delete;

  // Every registered peer's targets (start-up), or one CPO's after its credentials changed.
  // Blocking on the store: call from a worker thread.
  void load_all();
  void refresh(std::int64_t cpo_id);
  // Sessions and CDRs made while nobody listened (serve was down, or events were dropped):
  // one sync per listening CPO, through the feed's thread. After load_all().
  void catch_up();
  // The full Location objects, PUT once the eMSP registered (then only PATCHes follow).
  void push_all_locations(const CpoParty& cpo);

  // Backend events: any thread, never blocks; dropped at once for CPOs nobody listens to.
  void on_status(std::int64_t cpo_id, const std::string& identity, int evse_id, const std::string& ocpp_status,
                 const std::string& timestamp);
  void on_transaction(std::int64_t cpo_id, const std::string& identity, const std::string& transaction_id,
                      TransactionEvent event);

  [[nodiscard]] std::uint64_t dropped_events() const;

private:
  struct Event {
    std::int64_t cpo_id = 0;
    bool is_status = true;
    std::string identity, status, timestamp, transaction_id;
    int evse_id = 0;
    TransactionEvent tx = TransactionEvent::started;
  };
  void enqueue(Event event);
  void run();
  void handle(store::Database& db, const Event& event, const PushTargets& targets);
  // Materialises the CPO's new sessions and CDRs and queues what the eMSP has not heard yet.
  void push_sessions(store::Database& db, std::int64_t cpo_id, const PushTargets& targets);
  [[nodiscard]] std::shared_ptr<const std::map<std::int64_t, PushTargets>> targets() const;

  store::Store& store_;
  PushLater push_later_;
  std::size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Event> events_;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::shared_ptr<const std::map<std::int64_t, PushTargets>> targets_ =
      std::make_shared<std::map<std::int64_t, PushTargets>>();
  // Only touched by work the feed thread runs on the store thread (one at a time).
  std::map<std::int64_t, EvseIndex> indexes_;
  // CPOs to sync again later (feed thread only): the backend publishes a transaction event
  // before its writer commits the row (it batches), so the sync at the event may read the
  // previous state; a later look picks the change up.
  std::multimap<std::chrono::steady_clock::time_point, std::int64_t> resyncs_;
  std::map<std::pair<std::int64_t, std::string>, std::string> last_status_; // (cpo, "location/evse") -> pushed
  std::thread thread_;
};

} // namespace ocppfleet::ocpi
