#pragma once
// Mixed-version fleets: `--version-mix 1.6=70,2.0.1=30` gives each charger a version by a
// seeded weighted pick keyed by its fleet index, so every process of a sharded fleet (and
// every rerun with the same seed) assigns the same version to the same charger.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/ocpp/common/charge_point_base.hpp"

namespace ocppfleet::fleet {

struct VersionWeight {
  ocpp::ProtocolVersion version;
  std::uint32_t weight;
};
using VersionMix = std::vector<VersionWeight>;

// "1.6=70,2.0.1=30" (weights are relative, need not sum to 100). nullopt with *error set for
// an unknown version, a repeated one, a weight that is not a non-negative integer, or all
// weights zero.
std::optional<VersionMix> parse_version_mix(std::string_view text, std::string* error = nullptr);

// The version of the charger at `index` (0-based fleet position): a pick from
// derive_seed(seed, "ocpp-version/<index + 1>"), independent of every other seeded stream.
ocpp::ProtocolVersion pick_version(const VersionMix& mix, std::uint64_t seed, std::uint32_t index);

} // namespace ocppfleet::fleet
