#include "simulator/ocpp/common/start_rejection.hpp"

#include <array>
#include <utility>

namespace ocppfleet::ocpp {
namespace {

constexpr std::array<std::pair<StartRejection, std::string_view>, kStartRejectionCount - 1> kNames{{
    {StartRejection::Blocked, "Blocked"},
    {StartRejection::ConcurrentTx, "ConcurrentTx"},
    {StartRejection::Expired, "Expired"},
    {StartRejection::Invalid, "Invalid"},
    {StartRejection::NoCredit, "NoCredit"},
    {StartRejection::NotAllowedTypeEVSE, "NotAllowedTypeEVSE"},
    {StartRejection::NotAtThisLocation, "NotAtThisLocation"},
    {StartRejection::NotAtThisTime, "NotAtThisTime"},
    {StartRejection::Unknown, "Unknown"},
    {StartRejection::Other, "Other"},
}};

} // namespace

std::optional<StartRejection> start_rejection(std::string_view status) noexcept {
  if (status == "Accepted") return std::nullopt;
  for (const auto& [reason, text] : kNames)
    if (reason != StartRejection::Other && text == status) return reason;
  return StartRejection::Other;
}

std::string_view name(StartRejection r) noexcept {
  for (const auto& [reason, text] : kNames)
    if (reason == r) return text;
  return "Other";
}

} // namespace ocppfleet::ocpp
