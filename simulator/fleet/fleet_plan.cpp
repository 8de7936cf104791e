#include "simulator/fleet/fleet_plan.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "simulator/core/prng.hpp"

namespace ocppfleet::fleet {
namespace {

// Digits only (no sign, no blanks); too many digits saturate, so the caller's range check
// says "too large" rather than "not a number".
std::optional<std::uint64_t> parse_whole(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return UINT64_MAX;
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

} // namespace

std::optional<FleetShard> parse_fleet_shard(std::string_view text, std::string* error) {
  const auto fail = [&](std::string message) -> std::optional<FleetShard> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  const std::string quoted = "'" + std::string{text} + "'";
  const auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return fail(quoted + " is not of the form i/N (e.g. 0/4: the first of 4 shards)");
  const auto i = parse_whole(text.substr(0, slash));
  const auto n = parse_whole(text.substr(slash + 1));
  if (!i || !n) return fail(quoted + ": i and N must be whole numbers, as in 0/4");
  if (*n == 0) return fail(quoted + ": N, the number of shards, must be at least 1");
  if (*n > max_fleet_shards) return fail(quoted + ": at most " + std::to_string(max_fleet_shards) + " shards");
  if (*i >= *n)
    return fail(quoted + ": the shard index i counts from 0 and must be below N (0.." + std::to_string(*n - 1) + ")");
  return FleetShard{static_cast<std::uint32_t>(*i), static_cast<std::uint32_t>(*n)};
}

std::uint64_t shard_size(std::uint64_t total, FleetShard shard) noexcept {
  if (shard.count == 0 || shard.index >= shard.count) return 0;
  return total / shard.count + (shard.index < total % shard.count ? 1 : 0);
}

std::uint64_t shards_needed(std::uint64_t total, std::uint64_t per_shard) noexcept {
  if (per_shard == 0) return 0;
  return total == 0 ? 1 : (total + per_shard - 1) / per_shard;
}

std::string charger_identity(std::string_view prefix, std::uint32_t index) {
  std::string number = std::to_string(static_cast<std::uint64_t>(index) + 1);
  if (number.size() < 5) number.insert(0, 5 - number.size(), '0');
  std::string out;
  out.reserve(prefix.size() + 1 + number.size());
  out.append(prefix).append("-").append(number);
  return out;
}

std::string charger_serial(std::uint64_t seed, std::uint32_t index) {
  core::Prng prng{core::derive_seed(seed, "serial/" + std::to_string(static_cast<std::uint64_t>(index) + 1))};
  char buf[32];
  std::snprintf(buf, sizeof buf, "SIM%012llu", static_cast<unsigned long long>(prng.below(1'000'000'000'000ULL)));
  return buf;
}

std::vector<PlannedCharger> plan_fleet(const FleetPlanOptions& options) {
  const FleetShard shard = options.shard;
  if (shard.count == 0 || shard.index >= shard.count)
    throw std::invalid_argument("invalid fleet shard " + std::to_string(shard.index) + "/" +
                                std::to_string(shard.count));
  std::vector<PlannedCharger> out;
  out.reserve(static_cast<std::size_t>(shard_size(options.count, shard)));
  // Start at i and stride by N: the shard's indices without visiting the others'.
  for (std::uint64_t index = shard.index; index < options.count; index += shard.count) {
    const auto i = static_cast<std::uint32_t>(index);
    PlannedCharger c;
    c.index = i;
    c.identity = charger_identity(options.identity_prefix, i);
    c.serial_number = charger_serial(options.seed, i);
    c.source_index =
        options.source_address_count > 0 ? static_cast<std::uint32_t>(index % options.source_address_count) : 0;
    out.push_back(std::move(c));
  }
  return out;
}

} // namespace ocppfleet::fleet
