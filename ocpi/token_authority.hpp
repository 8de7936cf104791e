#pragma once
// What a CPO's backend asks about the idTokens its chargers present, once an eMSP registered:
// the CPO's token table decides at once, and a token whose whitelist asks for it (NEVER,
// ALLOWED_OFFLINE) is put to the eMSP in real time (ocpi/realtime_authorizer.hpp). The eMSP's
// answer is remembered for a while (CpoTokens::grant), so the start that follows an allowed
// Authorize is accepted without asking again and its Session carries the eMSP's
// authorization_reference.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ocpi/realtime_authorizer.hpp"
#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {

// How long a real-time answer holds (for the start after an Authorize, and retries).
inline constexpr std::chrono::minutes k_realtime_memory{10};

class TokenAuthority {
public:
  // `realtime` and `target` may be absent (no tokens SENDER endpoint at the eMSP): then every
  // token is decided locally, NEVER and ALLOWED_OFFLINE as if the eMSP were unreachable.
  // Called (on a worker thread) with the authorization_reference of a real-time ALLOWED.
  using ReferenceSink = std::function<void(const std::string& uid, const std::string& reference)>;

  TokenAuthority(std::int64_t cpo_id, std::shared_ptr<CpoTokens> tokens, std::shared_ptr<RealtimeAuthorizer> realtime,
                 std::optional<RealtimeTarget> target, ReferenceSink on_reference = {});

  // Thread-safe, never blocks: the local decision (for a token that needs the eMSP, its
  // offline answer).
  [[nodiscard]] TokenDecision decide(std::string_view uid) const;
  // True when the eMSP is asked: `done` then gets the decision once, on a worker thread.
  bool decide_remotely(const std::string& uid, std::function<void(TokenDecision)> done) const;

private:
  std::int64_t cpo_id_;
  std::shared_ptr<CpoTokens> tokens_;
  std::shared_ptr<RealtimeAuthorizer> realtime_;
  std::optional<RealtimeTarget> target_;
  ReferenceSink on_reference_;
};

} // namespace ocppfleet::ocpi
