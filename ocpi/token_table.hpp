#pragma once
// What each CPO's backend knows of the eMSP's Tokens (mod_tokens), in memory, for deciding on
// the idTokens its chargers present. The store (ocpi_tokens) is the durable copy; this is
// loaded from it at start and updated on every PUT/PATCH the eMSP sends.
//
// Whitelist semantics (OCPI WhitelistType): ALWAYS and ALLOWED tokens are decided here from
// `valid`; ALLOWED_OFFLINE and NEVER ask for a real-time authorization, which this CPO does not
// do yet, so ALLOWED_OFFLINE is decided as if the eMSP were unreachable (from `valid`) and NEVER
// is refused (Invalid) unless the eMSP granted it by command. A token the eMSP named in a
// START_SESSION or RESERVE_NOW is authorised by that command (the spec: the eMSP authorised
// it) for a while: `grant`.
//
// Thread safety: decide() runs on the backend's network threads per Authorize/start; it takes
// only this CPO's shared lock. Writers (the OCPI worker) take it exclusively.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ocppfleet::ocpi {

struct TokenEntry {
  std::string country_code, party_id, uid, type;
  bool valid = true;
  std::string whitelist{"ALWAYS"};
  std::optional<std::string> group_id;
};

struct TokenDecision {
  enum class Status { accepted, blocked, invalid };
  Status status = Status::invalid;
  std::optional<std::string> group_id;
  const char* why = ""; // for logs and tests: which rule decided
};

class CpoTokens {
public:
  using Clock = std::chrono::steady_clock;

  [[nodiscard]] TokenDecision decide(std::string_view uid, Clock::time_point now = Clock::now()) const;
  // Adds or replaces the entry with the same (country_code, party_id, uid, type).
  void put(TokenEntry entry);
  // The eMSP authorised `uid` in a command: accepted until `until` whatever the whitelist.
  void grant(const std::string& uid, Clock::time_point until);
  void clear();
  [[nodiscard]] std::size_t size() const;

private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::vector<TokenEntry>> by_uid_;
  std::unordered_map<std::string, Clock::time_point> grants_;
};

// The CPOs' token tables; lookups happen when a CPO's authorizer is installed, never per CALL.
class TokenTable {
public:
  std::shared_ptr<CpoTokens> of(std::int64_t cpo_id); // created empty on first use
  [[nodiscard]] std::shared_ptr<CpoTokens> find(std::int64_t cpo_id) const;

private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<CpoTokens>> tables_;
};

} // namespace ocppfleet::ocpi
