#pragma once
// Live state of the backends. Locking is fine-grained on purpose: a frame takes only its own
// station's mutex; a backend's mutex guards its registry and station map and is taken at
// upgrade time, by snapshots and by calls (never per frame); the backend map's shared mutex
// only when a backend is looked up or created.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "csms/authorization.hpp"
#include "csms/types.hpp"

namespace ocppfleet::csms::detail {

class Session;

// A station's record. All members guarded by `mutex`.
class Station {
public:
  Station(std::string backend, std::string identity);

  [[nodiscard]] StationSnapshot snapshot_locked() const;

  mutable std::mutex mutex;
  StationSnapshot info; // `connectors` is filled only in snapshots
  std::map<std::pair<int, int>, ConnectorStatus> connectors;
  std::map<std::string, TransactionSnapshot> transactions; // by transaction id
  std::deque<std::string> ended;                           // ended ids, oldest first (memory cap)
  std::map<std::string, IdTokenSnapshot> tokens;
  std::weak_ptr<Session> session; // the live connection, if any
  // When last_seen alone was last queued for the database: a busy station's frames then cost
  // no store-queue lock each (the queue's mutex is shared by every connection).
  std::optional<std::chrono::steady_clock::time_point> last_seen_persisted; // none: write at once
};

class Backend {
public:
  Backend(std::string id, bool open_to_all);

  const std::string id;
  const bool open_to_all; // the default backend admits any identity

  // Registry.
  void set_registration(bool registered, const std::vector<std::string>& identities, bool replace);
  [[nodiscard]] bool registered() const;
  [[nodiscard]] bool admits(const std::string& identity) const;

  [[nodiscard]] std::shared_ptr<Station> find(const std::string& identity) const;
  std::shared_ptr<Station> find_or_create(const std::string& identity);
  [[nodiscard]] std::vector<std::shared_ptr<Station>> stations() const;

  // 1.6 transaction ids: unique per backend, never reused (the counter starts past the
  // largest persisted id).
  std::int64_t mint_transaction_id() { return next_transaction_id_.fetch_add(1); }
  void observe_transaction_id(std::int64_t id);

  // Decides on a station's idToken: the authorizer's verdict, Accepted when there is none.
  // Lock-free for the caller (an atomic shared_ptr load), so it is fine on every frame.
  [[nodiscard]] TokenVerdict authorize(std::string_view id_token) const;
  // Authorize requests only: true when the authorizer answers later through `done`.
  bool authorize_remotely(const std::string& id_token, Authorizer::VerdictDone done) const;
  void set_authorizer(std::shared_ptr<const Authorizer> authorizer) { authorizer_.store(std::move(authorizer)); }

private:
  std::atomic<std::shared_ptr<const Authorizer>> authorizer_;
  mutable std::mutex mutex_;
  bool registered_ = false;
  std::unordered_set<std::string> identities_;
  std::unordered_map<std::string, std::shared_ptr<Station>> stations_;
  std::atomic<std::int64_t> next_transaction_id_{1};
};

// The backends by id.
class BackendMap {
public:
  BackendMap();
  [[nodiscard]] std::shared_ptr<Backend> find(std::string_view id) const;
  std::shared_ptr<Backend> find_or_create(const std::string& id);
  [[nodiscard]] std::vector<std::shared_ptr<Backend>> all() const;

private:
  mutable std::mutex mutex_; // lookups are per upgrade or per API call, never per frame
  std::map<std::string, std::shared_ptr<Backend>, std::less<>> backends_;
};

} // namespace ocppfleet::csms::detail
