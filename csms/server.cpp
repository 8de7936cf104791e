#include "csms/server.hpp"

#include <algorithm>
#include <stdexcept>

#include "csms/hub.hpp"
#include "csms/listener.hpp"
#include "csms/session.hpp"

namespace ocppfleet::csms {

using detail::Hub;

namespace {

void check_cpo_id(const std::string& cpo_id) {
  if (cpo_id.empty() || cpo_id == default_backend || cpo_id.find('/') != std::string::npos ||
      std::any_of(cpo_id.begin(), cpo_id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
    throw std::invalid_argument("invalid cpo_id '" + cpo_id + "'");
}

void close_all(const detail::Backend& backend, const std::string& reason) {
  for (const auto& station : backend.stations()) {
    std::shared_ptr<detail::Session> session;
    {
      const std::lock_guard lock{station->mutex};
      session = station->session.lock();
    }
    if (session) session->close_async(reason);
  }
}

} // namespace

Server::Server(ServerOptions options) : hub_(std::make_unique<Hub>(std::move(options))) {}

Server::~Server() {
  stop();
  // Closing handshakes get a moment; a peer that never answers does not hold shutdown.
  hub_->stop_threads(std::chrono::milliseconds{500});
}

void Server::listen(const std::string& host, std::uint16_t port) {
  const std::lock_guard lock{lifecycle_mutex_};
  if (listener_ || stopped_) throw std::logic_error("csms::Server::listen called twice or after stop");
  listener_ = std::make_shared<detail::Listener>(*hub_, host, port);
  listener_->start();
}

std::uint16_t Server::port() const {
  const std::lock_guard lock{lifecycle_mutex_};
  return listener_ ? listener_->port() : 0;
}

void Server::stop() {
  const std::lock_guard lock{lifecycle_mutex_};
  if (stopped_) return;
  stopped_ = true;
  if (listener_) listener_->stop();
  for (const auto& backend : hub_->backends.all())
    close_all(*backend, "server shutting down");
}

void Server::register_cpo(const std::string& cpo_id, const std::vector<std::string>& identities) {
  check_cpo_id(cpo_id);
  hub_->backends.find_or_create(cpo_id)->set_registration(true, identities, true);
}

void Server::add_identities(const std::string& cpo_id, const std::vector<std::string>& identities) {
  check_cpo_id(cpo_id);
  hub_->backends.find_or_create(cpo_id)->set_registration(true, identities, false);
}

void Server::unregister_cpo(const std::string& cpo_id) {
  check_cpo_id(cpo_id);
  const auto backend = hub_->backends.find(cpo_id);
  if (!backend) return;
  backend->set_registration(false, {}, true);
  close_all(*backend, "CPO unregistered");
}

void Server::set_authorizer(const std::string& backend, std::shared_ptr<const Authorizer> authorizer) {
  if (backend.empty() || backend.find('/') != std::string::npos)
    throw std::invalid_argument{"csms: backend id must be non-empty and without '/'"};
  hub_->backends.find_or_create(backend)->set_authorizer(std::move(authorizer));
}

bool Server::cpo_registered(const std::string& cpo_id) const {
  const auto backend = hub_->backends.find(cpo_id);
  return backend && !backend->open_to_all && backend->registered();
}

std::vector<std::string> Server::list_backends() const {
  std::vector<std::string> out;
  for (const auto& b : hub_->backends.all())
    out.push_back(b->id);
  return out;
}

std::vector<StationSnapshot> Server::list_stations(std::string_view backend_id) const {
  std::vector<StationSnapshot> out;
  const auto backend = hub_->backends.find(backend_id);
  if (!backend) return out;
  for (const auto& station : backend->stations()) {
    const std::lock_guard lock{station->mutex};
    out.push_back(station->snapshot_locked());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.identity < b.identity; });
  return out;
}

std::optional<StationSnapshot> Server::station(std::string_view backend_id, std::string_view identity) const {
  const auto backend = hub_->backends.find(backend_id);
  if (!backend) return std::nullopt;
  const auto station = backend->find(std::string{identity});
  if (!station) return std::nullopt;
  const std::lock_guard lock{station->mutex};
  return station->snapshot_locked();
}

std::vector<TransactionSnapshot> Server::list_transactions(std::string_view backend_id) const {
  std::vector<TransactionSnapshot> out;
  const auto backend = hub_->backends.find(backend_id);
  if (!backend) return out;
  for (const auto& station : backend->stations()) {
    const std::lock_guard lock{station->mutex};
    for (const auto& [id, tx] : station->transactions)
      out.push_back(tx);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.identity, a.started_at, a.transaction_id) < std::tie(b.identity, b.started_at, b.transaction_id);
  });
  return out;
}

std::vector<IdTokenSnapshot> Server::list_id_tokens(std::string_view backend_id) const {
  // Tokens are kept per station (no backend-wide lock per Authorize); merged here.
  std::map<std::string, IdTokenSnapshot> merged;
  const auto backend = hub_->backends.find(backend_id);
  if (!backend) return {};
  for (const auto& station : backend->stations()) {
    const std::lock_guard lock{station->mutex};
    for (const auto& [token, seen] : station->tokens) {
      auto [it, inserted] = merged.try_emplace(token, seen);
      if (inserted) continue;
      if (seen.last_seen > it->second.last_seen) {
        const auto first = std::min(it->second.first_seen, seen.first_seen);
        it->second = seen;
        it->second.first_seen = first;
      } else {
        it->second.first_seen = std::min(it->second.first_seen, seen.first_seen);
      }
    }
  }
  std::vector<IdTokenSnapshot> out;
  for (auto& [token, seen] : merged)
    out.push_back(std::move(seen));
  return out;
}

void Server::subscribe(std::shared_ptr<EventListener> listener) { hub_->subscribe(std::move(listener)); }

void Server::unsubscribe(const std::shared_ptr<EventListener>& listener) { hub_->unsubscribe(listener); }

void Server::flush_store() {
  if (hub_->store) hub_->store->flush();
}

} // namespace ocppfleet::csms
