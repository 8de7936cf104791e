#include "simulator/fleet/version_mix.hpp"

#include <charconv>

#include "simulator/core/prng.hpp"
#include "simulator/core/text.hpp"

namespace ocppfleet::fleet {
namespace {
using core::trim;

std::optional<VersionMix> version_mix_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

} // namespace

std::optional<VersionMix> parse_version_mix(std::string_view text, std::string* error) {
  VersionMix mix;
  std::uint64_t total = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return version_mix_error(error, "'" + std::string{item} + "': expected VERSION=WEIGHT, e.g. 1.6=70");
    const std::string_view name = trim(item.substr(0, eq));
    const std::string_view weight_text = trim(item.substr(eq + 1));
    const auto version = ocpp::parse_protocol_version(name);
    if (!version)
      return version_mix_error(error, "unknown OCPP version '" + std::string{name} + "' (use 1.6 or 2.0.1)");
    for (const auto& w : mix)
      if (w.version == *version) return version_mix_error(error, "version " + std::string{name} + " given twice");
    std::uint32_t weight = 0;
    const auto [end, ec] = std::from_chars(weight_text.data(), weight_text.data() + weight_text.size(), weight);
    if (ec != std::errc{} || end != weight_text.data() + weight_text.size() || weight_text.empty())
      return version_mix_error(error, "weight '" + std::string{weight_text} + "' of " + std::string{name} +
                                          " is not a non-negative integer");
    total += weight;
    mix.push_back(VersionWeight{*version, weight});
  }
  if (mix.empty()) return version_mix_error(error, "empty mix");
  if (total == 0) return version_mix_error(error, "every weight is 0");
  return mix;
}

ocpp::ProtocolVersion pick_version(const VersionMix& mix, std::uint64_t seed, std::uint32_t index) {
  std::uint64_t total = 0;
  for (const auto& w : mix)
    total += w.weight;
  if (total == 0) return mix.empty() ? ocpp::ProtocolVersion::V16 : mix.front().version;
  core::Prng prng{core::derive_seed(seed, "ocpp-version/" + std::to_string(index + 1))};
  std::uint64_t ticket = prng.below(total);
  for (const auto& w : mix) {
    if (ticket < w.weight) return w.version;
    ticket -= w.weight;
  }
  return mix.back().version;
}

} // namespace ocppfleet::fleet
