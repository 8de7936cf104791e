#pragma once
// Why the CSMS refused a transaction start: the idTagInfo (1.6) / idTokenInfo (2.0.1) status
// of an Authorize, StartTransaction or TransactionEvent(Started) answer that is not Accepted.
// The fleet counts refused starts by this status (core::FleetCounters::starts_rejected_total),
// never as started transactions.
#include <optional>
#include <string_view>

namespace ocppfleet::ocpp {

enum class StartRejection {
  Blocked = 1,
  ConcurrentTx,
  Expired,
  Invalid,
  NoCredit, // 2.0.1 only from here on
  NotAllowedTypeEVSE,
  NotAtThisLocation,
  NotAtThisTime,
  Unknown,
  Other, // a status neither version defines, or none where one is required
};
// One past the largest value (arrays of per-reason counters).
inline constexpr int kStartRejectionCount = static_cast<int>(StartRejection::Other) + 1;

// nullopt for "Accepted"; the matching reason otherwise (Other for anything unknown).
std::optional<StartRejection> start_rejection(std::string_view status) noexcept;
// The status as the specs spell it ("ConcurrentTx"), "Other" for Other.
std::string_view name(StartRejection r) noexcept;

} // namespace ocppfleet::ocpp
