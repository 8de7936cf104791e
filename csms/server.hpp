#pragma once
// csms::Server: the embedded CSMS. An OCPP-J server (1.6 and 2.0.1 over plain ws) with one
// backend per CPO plus the default backend, per-backend state persisted to SQLite, a read API
// of snapshots, an event feed, and CSMS-initiated calls. See docs/csms.md.
//
// Threads: `threads` network threads, each with its own io_context; a connection lives on one
// of them for life. One writer thread for SQLite. Every public member is thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "csms/authorization.hpp"
#include "csms/types.hpp"
#include "simulator/core/clock.hpp"

namespace ocppfleet::csms {

struct ServerOptions {
  unsigned threads = 1;                                 // network threads (each one io_context)
  std::optional<std::string> password;                  // Security Profile 1 on /ocpp/ when set
  std::chrono::seconds heartbeat_interval{300};         // BootNotification interval
  std::chrono::milliseconds call_timeout{30'000};       // CSMS-initiated calls
  std::size_t max_frame_bytes = 64 * 1024;              // larger frames close the connection (1009)
  std::size_t max_queued_calls = 16;                    // per connection, besides the one in flight
  std::size_t max_ended_transactions_per_station = 200; // in memory; the database keeps all
  std::string db_path;                                  // SQLite file ("" = no persistence)
  std::chrono::milliseconds flush_interval{100};        // how long the writer gathers a batch
  const core::Clock* clock = &core::system_clock();     // timestamps (currentTime, last_seen, ...)
};

namespace detail {
class Hub;
class Listener;
} // namespace detail

class Server {
public:
  // Opens the store and loads the persisted state (throws std::runtime_error on a bad
  // database), then starts the network threads. Nothing listens until listen().
  explicit Server(ServerOptions options);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  // stop(), then joins the threads and flushes the store.
  ~Server();

  // Binds and starts accepting. Throws on a bad address or a busy port. Port 0 picks one.
  void listen(const std::string& host, std::uint16_t port);
  [[nodiscard]] std::uint16_t port() const;
  // Stops accepting, closes every connection; idempotent.
  void stop();

  // ---- CPO registry (read at upgrade time only) ----
  // Creates or replaces the CPO's identity list. Throws std::invalid_argument for an empty,
  // "default" or '/'-containing cpo_id.
  void register_cpo(const std::string& cpo_id, const std::vector<std::string>& identities);
  void add_identities(const std::string& cpo_id, const std::vector<std::string>& identities);
  // Refuses the CPO's stations from now on and drops its live connections; its recorded
  // state stays (readable, and back in use when the CPO is registered again).
  void unregister_cpo(const std::string& cpo_id);
  [[nodiscard]] bool cpo_registered(const std::string& cpo_id) const;
  // Who decides on the backend's idTokens from now on (csms/authorization.hpp); null: every
  // token Accepted (the default). Takes effect on the next CALL, live connections included.
  void set_authorizer(const std::string& backend, std::shared_ptr<const Authorizer> authorizer);

  // ---- read API (copies) ----
  [[nodiscard]] std::vector<std::string> list_backends() const;
  [[nodiscard]] std::vector<StationSnapshot> list_stations(std::string_view backend) const;
  [[nodiscard]] std::optional<StationSnapshot> station(std::string_view backend, std::string_view identity) const;
  // Sorted by (identity, started_at, transaction_id).
  [[nodiscard]] std::vector<TransactionSnapshot> list_transactions(std::string_view backend) const;
  [[nodiscard]] std::vector<IdTokenSnapshot> list_id_tokens(std::string_view backend) const;

  // ---- events ----
  void subscribe(std::shared_ptr<EventListener> listener);
  void unsubscribe(const std::shared_ptr<EventListener>& listener);

  // ---- CSMS-initiated calls (one in flight per connection, the rest queued) ----
  // Raw: the payload must suit the connection's version.
  void call(std::string_view backend, std::string_view identity, std::string action, Json payload, CallCallback done);
  // Version-neutral helpers: the request is built for the station's live connection.
  // RemoteStartTransaction (1.6) / RequestStartTransaction (2.0.1; idToken type Central).
  void remote_start(std::string_view backend, std::string_view identity, int evse_id, std::string id_token,
                    CallCallback done);
  // RemoteStopTransaction (1.6; integer id) / RequestStopTransaction (2.0.1).
  void remote_stop(std::string_view backend, std::string_view identity, std::string transaction_id, CallCallback done);
  void unlock_connector(std::string_view backend, std::string_view identity, int evse_id, int connector_id,
                        CallCallback done);
  // evse_id 0 = the whole station.
  void change_availability(std::string_view backend, std::string_view identity, int evse_id, bool operative,
                           CallCallback done);
  // ReserveNow: 1.6 connectorId/expiryDate/idTag/reservationId; 2.0.1 id/expiryDateTime/
  // idToken (type Central)/evseId. evse_id 0 = any (1.6 connector 0; 2.0.1 without evseId).
  void reserve_now(std::string_view backend, std::string_view identity, int evse_id, std::int64_t reservation_id,
                   std::string expiry, std::string id_token, CallCallback done);
  // CancelReservation: 1.6 reservationId; 2.0.1 reservationId.
  void cancel_reservation(std::string_view backend, std::string_view identity, std::int64_t reservation_id,
                          CallCallback done);
  // hard: 1.6 Hard / 2.0.1 Immediate; else Soft / OnIdle.
  void reset(std::string_view backend, std::string_view identity, bool hard, CallCallback done);

  // Blocks until every state change recorded so far is in the database (tests, shutdown).
  void flush_store();

private:
  std::unique_ptr<detail::Hub> hub_;
  mutable std::mutex lifecycle_mutex_; // listen/stop
  std::shared_ptr<detail::Listener> listener_;
  bool stopped_ = false;
};

} // namespace ocppfleet::csms
