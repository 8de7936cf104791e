#include "csms/state.hpp"

namespace ocppfleet::csms {

const char* ocpp_status(TokenVerdict::Status status) {
  switch (status) {
  case TokenVerdict::Status::accepted: return "Accepted";
  case TokenVerdict::Status::blocked: return "Blocked";
  case TokenVerdict::Status::expired: return "Expired";
  case TokenVerdict::Status::invalid: return "Invalid";
  }
  return "Invalid";
}

} // namespace ocppfleet::csms

namespace ocppfleet::csms::detail {

Station::Station(std::string backend, std::string identity) {
  info.backend = std::move(backend);
  info.identity = std::move(identity);
}

StationSnapshot Station::snapshot_locked() const {
  StationSnapshot s = info;
  s.connectors.clear();
  for (const auto& [key, status] : connectors)
    s.connectors.push_back(status);
  return s;
}

Backend::Backend(std::string backend_id, bool open) : id(std::move(backend_id)), open_to_all(open) {}

void Backend::set_registration(bool registered, const std::vector<std::string>& identities, bool replace) {
  const std::lock_guard lock{mutex_};
  registered_ = registered;
  if (replace) identities_.clear();
  identities_.insert(identities.begin(), identities.end());
}

bool Backend::registered() const {
  const std::lock_guard lock{mutex_};
  return registered_;
}

bool Backend::admits(const std::string& identity) const {
  if (open_to_all) return true;
  const std::lock_guard lock{mutex_};
  return registered_ && identities_.contains(identity);
}

std::shared_ptr<Station> Backend::find(const std::string& identity) const {
  const std::lock_guard lock{mutex_};
  const auto it = stations_.find(identity);
  return it == stations_.end() ? nullptr : it->second;
}

std::shared_ptr<Station> Backend::find_or_create(const std::string& identity) {
  const std::lock_guard lock{mutex_};
  auto& slot = stations_[identity];
  if (!slot) slot = std::make_shared<Station>(id, identity);
  return slot;
}

std::vector<std::shared_ptr<Station>> Backend::stations() const {
  const std::lock_guard lock{mutex_};
  std::vector<std::shared_ptr<Station>> out;
  out.reserve(stations_.size());
  for (const auto& [identity, station] : stations_)
    out.push_back(station);
  return out;
}

TokenVerdict Backend::authorize(std::string_view id_token) const {
  const auto authorizer = authorizer_.load();
  return authorizer ? authorizer->authorize(id_token) : TokenVerdict{};
}

bool Backend::authorize_remotely(const std::string& id_token, Authorizer::VerdictDone done) const {
  const auto authorizer = authorizer_.load();
  return authorizer && authorizer->authorize_remotely(id_token, std::move(done));
}

void Backend::observe_transaction_id(std::int64_t seen) {
  std::int64_t next = next_transaction_id_.load();
  while (next <= seen && !next_transaction_id_.compare_exchange_weak(next, seen + 1)) {
  }
}

BackendMap::BackendMap() {
  backends_.emplace(std::string{default_backend}, std::make_shared<Backend>(std::string{default_backend}, true));
}

std::shared_ptr<Backend> BackendMap::find(std::string_view id) const {
  const std::lock_guard lock{mutex_};
  const auto it = backends_.find(id);
  return it == backends_.end() ? nullptr : it->second;
}

std::shared_ptr<Backend> BackendMap::find_or_create(const std::string& id) {
  const std::lock_guard lock{mutex_};
  auto& slot = backends_[id];
  if (!slot) slot = std::make_shared<Backend>(id, false);
  return slot;
}

std::vector<std::shared_ptr<Backend>> BackendMap::all() const {
  const std::lock_guard lock{mutex_};
  std::vector<std::shared_ptr<Backend>> out;
  for (const auto& [id, backend] : backends_)
    out.push_back(backend);
  return out;
}

} // namespace ocppfleet::csms::detail
