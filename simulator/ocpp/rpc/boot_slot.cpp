#include "simulator/ocpp/rpc/boot_slot.hpp"

#include <charconv>

namespace ocppfleet::rpc {
namespace {
constexpr std::string_view kPrefix = "boot-";
} // namespace

std::string BootSlot::send(SteadyTime now) {
  ++sent_;
  if (sent_at_.empty()) first_outstanding_ = sent_;
  if (sent_at_.size() >= kMaxOutstanding) {
    sent_at_.erase(sent_at_.begin()); // bounded: the oldest stops counting
    ++first_outstanding_;
  }
  sent_at_.push_back(now);
  return std::string{kPrefix} + std::to_string(sent_);
}

std::optional<BootSlot::SteadyTime> BootSlot::answer(std::string_view id) {
  if (sent_at_.empty() || !id.starts_with(kPrefix)) return std::nullopt;
  const auto digits = id.substr(kPrefix.size());
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || digits.front() == '0')
    return std::nullopt;
  if (n < first_outstanding_ || n > sent_) return std::nullopt;
  const auto at = sent_at_[n - first_outstanding_];
  on_disconnect(); // the CSMS decided: the other transmissions are answered by this one
  return at;
}

void BootSlot::on_disconnect() {
  sent_at_ = std::vector<SteadyTime>{}; // release the capacity, not just the length
  first_outstanding_ = sent_ + 1;
}

} // namespace ocppfleet::rpc
