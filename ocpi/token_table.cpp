#include "ocpi/token_table.hpp"

#include <algorithm>

namespace ocppfleet::ocpi {

TokenDecision CpoTokens::decide(std::string_view uid, Clock::time_point now) const {
  const std::shared_lock lock{mutex_};
  const std::string key{uid};
  if (const auto g = grants_.find(key); g != grants_.end() && now < g->second.until)
    return TokenDecision{g->second.status, std::nullopt,
                         g->second.status == TokenDecision::Status::accepted ? "granted by the eMSP"
                                                                             : "refused by the eMSP in real time",
                         ""};
  const auto it = by_uid_.find(key);
  if (it == by_uid_.end() || it->second.empty())
    return TokenDecision{TokenDecision::Status::invalid, std::nullopt, "unknown token", ""};
  // A uid may be known under several parties or types: one that lets it charge without asking
  // wins, then one the eMSP must be asked about (ALLOWED_OFFLINE before NEVER: it has an
  // offline answer), then a refusal.
  const TokenEntry* blocked = nullptr;
  const TokenEntry* offline = nullptr;
  const TokenEntry* never = nullptr;
  for (const auto& e : it->second) {
    if (!e.valid)
      blocked = &e;
    else if (e.whitelist == "NEVER")
      never = &e;
    else if (e.whitelist == "ALLOWED_OFFLINE")
      offline = &e;
    else
      return TokenDecision{TokenDecision::Status::accepted, e.group_id, "whitelisted and valid", ""};
  }
  if (offline)
    return TokenDecision{TokenDecision::Status::accepted, offline->group_id,
                         "ALLOWED_OFFLINE: the eMSP is asked, accepted when unreachable", offline->type};
  if (never)
    return TokenDecision{TokenDecision::Status::invalid, never->group_id,
                         "NEVER: only the eMSP's real-time authorization allows it", never->type};
  return TokenDecision{TokenDecision::Status::blocked, blocked ? blocked->group_id : std::nullopt, "not valid", ""};
}

void CpoTokens::put(TokenEntry entry) {
  const std::unique_lock lock{mutex_};
  // A token pushed again is decided afresh: a real-time refusal does not outlive it.
  if (const auto g = grants_.find(entry.uid); g != grants_.end() && g->second.status != TokenDecision::Status::accepted)
    grants_.erase(g);
  auto& list = by_uid_[entry.uid];
  const auto same = std::find_if(list.begin(), list.end(), [&](const TokenEntry& e) {
    return e.country_code == entry.country_code && e.party_id == entry.party_id && e.type == entry.type;
  });
  if (same != list.end())
    *same = std::move(entry);
  else
    list.push_back(std::move(entry));
}

void CpoTokens::grant(const std::string& uid, Clock::time_point until, std::optional<std::string> reference,
                      TokenDecision::Status status) {
  const std::unique_lock lock{mutex_};
  // Expired grants go when a new one comes: the map stays as small as the grants in flight.
  std::erase_if(grants_, [now = Clock::now()](const auto& g) { return g.second.until <= now; });
  auto& slot = grants_[uid];
  if (slot.status != status) slot = Grant{}; // the newest answer wins
  slot.status = status;
  slot.until = std::max(slot.until, until);
  if (reference) slot.reference = std::move(reference);
}

std::optional<std::string> CpoTokens::reference_of(std::string_view uid, Clock::time_point now) const {
  const std::shared_lock lock{mutex_};
  const auto g = grants_.find(std::string{uid});
  if (g == grants_.end() || now >= g->second.until) return std::nullopt;
  return g->second.reference;
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
