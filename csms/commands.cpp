// CSMS-initiated calls: the raw call() and one version-neutral helper per command, each
// building the request for the version the station's live connection speaks.
#include <charconv>

#include "csms/hub.hpp"
#include "csms/server.hpp"
#include "csms/session.hpp"

namespace ocppfleet::csms {
namespace {

std::shared_ptr<detail::Session> live_session(detail::Hub& hub, std::string_view backend_id,
                                              std::string_view identity) {
  const auto backend = hub.backends.find(backend_id);
  if (!backend) return nullptr;
  const auto station = backend->find(std::string{identity});
  if (!station) return nullptr;
  const std::lock_guard lock{station->mutex};
  return station->session.lock();
}

void fail_now(const CallCallback& done, CallFailureKind kind, std::string description) {
  if (done) done(CallOutcome{CallFailure{kind, std::string{to_string(kind)}, std::move(description), Json::object()}});
}

} // namespace

void Server::call(std::string_view backend, std::string_view identity, std::string action, Json payload,
                  CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  session->call_async(std::move(action), std::move(payload), std::move(done));
}

void Server::remote_start(std::string_view backend, std::string_view identity, int evse_id, std::string id_token,
                          CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6") {
    Json p{{"idTag", std::move(id_token)}};
    if (evse_id > 0) p["connectorId"] = evse_id;
    return session->call_async("RemoteStartTransaction", std::move(p), std::move(done));
  }
  Json p{{"idToken", {{"idToken", std::move(id_token)}, {"type", "Central"}}},
         {"remoteStartId", hub_->next_remote_start_id.fetch_add(1)}};
  if (evse_id > 0) p["evseId"] = evse_id;
  session->call_async("RequestStartTransaction", std::move(p), std::move(done));
}

void Server::remote_stop(std::string_view backend, std::string_view identity, std::string transaction_id,
                         CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6") {
    std::int64_t id = 0;
    const auto* end = transaction_id.data() + transaction_id.size();
    const auto [ptr, ec] = std::from_chars(transaction_id.data(), end, id);
    if (ec != std::errc{} || ptr != end || transaction_id.empty())
      return fail_now(done, CallFailureKind::Invalid, "1.6 transaction ids are integers: '" + transaction_id + "'");
    return session->call_async("RemoteStopTransaction", Json{{"transactionId", id}}, std::move(done));
  }
  session->call_async("RequestStopTransaction", Json{{"transactionId", std::move(transaction_id)}}, std::move(done));
}

void Server::unlock_connector(std::string_view backend, std::string_view identity, int evse_id, int connector_id,
                              CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6")
    return session->call_async("UnlockConnector", Json{{"connectorId", evse_id}}, std::move(done));
  session->call_async("UnlockConnector", Json{{"evseId", evse_id}, {"connectorId", connector_id}}, std::move(done));
}

void Server::change_availability(std::string_view backend, std::string_view identity, int evse_id, bool operative,
                                 CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6")
    return session->call_async("ChangeAvailability",
                               Json{{"connectorId", evse_id}, {"type", operative ? "Operative" : "Inoperative"}},
                               std::move(done));
  Json p{{"operationalStatus", operative ? "Operative" : "Inoperative"}};
  if (evse_id > 0) p["evse"] = Json{{"id", evse_id}};
  session->call_async("ChangeAvailability", std::move(p), std::move(done));
}

void Server::reset(std::string_view backend, std::string_view identity, bool hard, CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6")
    return session->call_async("Reset", Json{{"type", hard ? "Hard" : "Soft"}}, std::move(done));
  session->call_async("Reset", Json{{"type", hard ? "Immediate" : "OnIdle"}}, std::move(done));
}

void Server::reserve_now(std::string_view backend, std::string_view identity, int evse_id, std::int64_t reservation_id,
                         std::string expiry, std::string id_token, CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  if (session->subprotocol() == "ocpp1.6")
    return session->call_async("ReserveNow",
                               Json{{"connectorId", evse_id},
                                    {"expiryDate", std::move(expiry)},
                                    {"idTag", std::move(id_token)},
                                    {"reservationId", reservation_id}},
                               std::move(done));
  Json p{{"id", reservation_id},
         {"expiryDateTime", std::move(expiry)},
         {"idToken", {{"idToken", std::move(id_token)}, {"type", "Central"}}}};
  if (evse_id > 0) p["evseId"] = evse_id;
  session->call_async("ReserveNow", std::move(p), std::move(done));
}

void Server::cancel_reservation(std::string_view backend, std::string_view identity, std::int64_t reservation_id,
                                CallCallback done) {
  const auto session = live_session(*hub_, backend, identity);
  if (!session) return fail_now(done, CallFailureKind::NotConnected, std::string{identity} + " is not connected");
  session->call_async("CancelReservation", Json{{"reservationId", reservation_id}}, std::move(done));
}

} // namespace ocppfleet::csms
