#pragma once
// What each CPO's backend knows of the eMSP's Tokens (mod_tokens), in memory, for deciding on
// the idTokens its chargers present. The store (ocpi_tokens) is the durable copy; this is
// loaded from it at start and updated on every PUT/PATCH the eMSP sends.
//
// Whitelist semantics (OCPI WhitelistType): ALWAYS and ALLOWED tokens are decided here from
// `valid`. A valid ALLOWED_OFFLINE or NEVER token needs a real-time authorization: decide()
// says so (`realtime_type`) with the answer to give when the eMSP cannot be reached
// (ALLOWED_OFFLINE: Accepted, NEVER: Invalid), and ocpi/realtime_authorizer asks the eMSP. A
// token the eMSP named in a START_SESSION or RESERVE_NOW, or allowed in a real-time
// authorization, is authorised for a while (`grant`), so the start that follows is accepted
// without asking again; a grant keeps the eMSP's authorization_reference for the Session.
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
  enum class Status { accepted, blocked, expired, invalid };
  Status status = Status::invalid;
  std::optional<std::string> group_id;
  const char* why = ""; // for logs and tests: which rule decided
  // Not empty: ask the eMSP (real-time authorization) for a token of this type; `status` is
  // the answer when the eMSP cannot be reached.
  std::string realtime_type;
};

class CpoTokens {
public:
  using Clock = std::chrono::steady_clock;

  [[nodiscard]] TokenDecision decide(std::string_view uid, Clock::time_point now = Clock::now()) const;
  // Adds or replaces the entry with the same (country_code, party_id, uid, type).
  void put(TokenEntry entry);
  // The eMSP authorised `uid` (a command, a real-time authorization): accepted until `until`
  // whatever the whitelist; `reference` is the eMSP's authorization_reference, if it gave one.
  // With another `status`, the eMSP refused it in real time: that answer holds until `until`
  // or until the eMSP pushes the token again.
  void grant(const std::string& uid, Clock::time_point until, std::optional<std::string> reference = std::nullopt,
             TokenDecision::Status status = TokenDecision::Status::accepted);
  // The authorization_reference of a live grant of `uid`.
  [[nodiscard]] std::optional<std::string> reference_of(std::string_view uid,
                                                        Clock::time_point now = Clock::now()) const;
  void clear();
  [[nodiscard]] std::size_t size() const;

private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::vector<TokenEntry>> by_uid_;
  struct Grant {
    Clock::time_point until;
    std::optional<std::string> reference;
    TokenDecision::Status status = TokenDecision::Status::accepted;
  };
  std::unordered_map<std::string, Grant> grants_;
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
