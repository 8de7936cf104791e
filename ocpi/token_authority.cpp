#include "ocpi/token_authority.hpp"

#include "simulator/core/log.hpp"

namespace ocppfleet::ocpi {

namespace {

using Status = TokenDecision::Status;
using Allowed = RealtimeAnswer::Allowed;

// The eMSP's answer over the offline one; unreachable keeps the offline answer.
TokenDecision after_answer(TokenDecision offline, const RealtimeAnswer& answer) {
  TokenDecision d = std::move(offline);
  d.realtime_type.clear();
  switch (answer.allowed) {
  case Allowed::allowed:
    d.status = Status::accepted;
    d.why = "allowed by the eMSP in real time";
    break;
  case Allowed::blocked:
    d.status = Status::blocked;
    d.why = "blocked by the eMSP in real time";
    break;
  case Allowed::expired:
    d.status = Status::expired;
    d.why = "expired, says the eMSP in real time";
    break;
  case Allowed::no_credit:
  case Allowed::not_allowed:
  case Allowed::unknown:
    d.status = Status::invalid;
    d.why = "not allowed by the eMSP in real time";
    break;
  case Allowed::unreachable: d.why = "the eMSP could not be asked: the token's offline answer"; break;
  }
  return d;
}

} // namespace

TokenAuthority::TokenAuthority(std::int64_t cpo_id, std::shared_ptr<CpoTokens> tokens,
                               std::shared_ptr<RealtimeAuthorizer> realtime, std::optional<RealtimeTarget> target,
                               ReferenceSink on_reference)
    : cpo_id_(cpo_id), tokens_(std::move(tokens)), realtime_(std::move(realtime)), target_(std::move(target)),
      on_reference_(std::move(on_reference)) {}

TokenDecision TokenAuthority::decide(std::string_view uid) const { return tokens_->decide(uid); }

bool TokenAuthority::decide_remotely(const std::string& uid, std::function<void(TokenDecision)> done) const {
  auto offline = tokens_->decide(uid);
  if (offline.realtime_type.empty() || !realtime_ || !target_) return false;
  const auto type = offline.realtime_type;
  return realtime_->ask(
      *target_, uid, type,
      [tokens = tokens_, cpo_id = cpo_id_, on_reference = on_reference_, uid, offline = std::move(offline),
       done = std::move(done)](RealtimeAnswer answer) mutable {
        const auto decision = after_answer(offline, answer);
        if (answer.allowed == Allowed::unreachable)
          core::logger()->warn("OCPI CPO {}: real-time authorization of a token failed ({}); offline answer", cpo_id,
                               answer.detail);
        else
          tokens->grant(uid, CpoTokens::Clock::now() + k_realtime_memory, answer.authorization_reference,
                        decision.status);
        if (answer.allowed == Allowed::allowed && answer.authorization_reference && on_reference) {
          try {
            on_reference(uid, *answer.authorization_reference);
          } catch (const std::exception& e) {
            core::logger()->error("OCPI CPO {}: could not keep an authorization_reference: {}", cpo_id, e.what());
          }
        }
        done(decision);
      });
}

} // namespace ocppfleet::ocpi
