#include "ocpi/token_table.hpp"

#include <algorithm>

namespace ocppfleet::ocpi {

TokenDecision CpoTokens::decide(std::string_view uid, Clock::time_point now) const {
  const std::shared_lock lock{mutex_};
  const std::string key{uid};
  if (const auto g = grants_.find(key); g != grants_.end() && now < g->second)
    return TokenDecision{TokenDecision::Status::accepted, std::nullopt, "granted by a command"};
  const auto it = by_uid_.find(key);
  if (it == by_uid_.end() || it->second.empty())
    return TokenDecision{TokenDecision::Status::invalid, std::nullopt, "unknown token"};
  // A uid may be known under several parties or types: one that lets it charge wins.
  const TokenEntry* blocked = nullptr;
  const TokenEntry* needs_realtime = nullptr;
  for (const auto& e : it->second) {
    if (e.whitelist == "NEVER") {
      needs_realtime = &e;
      continue;
    }
    if (e.valid) return TokenDecision{TokenDecision::Status::accepted, e.group_id, "whitelisted and valid"};
    blocked = &e;
  }
  if (blocked) return TokenDecision{TokenDecision::Status::blocked, blocked->group_id, "not valid"};
  return TokenDecision{TokenDecision::Status::invalid, needs_realtime ? needs_realtime->group_id : std::nullopt,
                       "whitelist NEVER needs a real-time authorization"};
}

void CpoTokens::put(TokenEntry entry) {
  const std::unique_lock lock{mutex_};
  auto& list = by_uid_[entry.uid];
  const auto same = std::find_if(list.begin(), list.end(), [&](const TokenEntry& e) {
    return e.country_code == entry.country_code && e.party_id == entry.party_id && e.type == entry.type;
  });
  if (same != list.end())
    *same = std::move(entry);
  else
    list.push_back(std::move(entry));
}

void CpoTokens::grant(const std::string& uid, Clock::time_point until) {
  const std::unique_lock lock{mutex_};
  // Expired grants go when a new one comes: the map stays as small as the commands in flight.
  std::erase_if(grants_, [now = Clock::now()](const auto& g) { return g.second <= now; });
  auto& slot = grants_[uid];
  slot = std::max(slot, until);
}

void CpoTokens::clear() {
  const std::unique_lock lock{mutex_};
  by_uid_.clear();
  grants_.clear();
}

std::size_t CpoTokens::size() const {
  const std::shared_lock lock{mutex_};
  std::size_t n = 0;
  for (const auto& [uid, list] : by_uid_)
    n += list.size();
  return n;
}

std::shared_ptr<CpoTokens> TokenTable::of(std::int64_t cpo_id) {
  const std::lock_guard lock{mutex_};
  auto& slot = tables_[cpo_id];
  if (!slot) slot = std::make_shared<CpoTokens>();
  return slot;
}

std::shared_ptr<CpoTokens> TokenTable::find(std::int64_t cpo_id) const {
  const std::lock_guard lock{mutex_};
  const auto it = tables_.find(cpo_id);
  return it == tables_.end() ? nullptr : it->second;
}

} // namespace ocppfleet::ocpi
