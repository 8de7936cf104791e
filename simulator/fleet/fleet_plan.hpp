#pragma once
// Which chargers a process builds, and what each one is called. Pure and seeded: every
// process of a sharded fleet (`--shard i/N`, e.g. one Kubernetes pod per shard) computes the
// same global fleet from the same seed and keeps only its share, so the shards together
// equal the unsharded fleet, without overlap, and a charger's identity, serial number and
// source address do not depend on how the fleet is split.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::fleet {

// Shard i of N takes the chargers whose global index satisfies index % N == i (striped, so
// every shard gets a similar mix of source addresses and the sizes differ by at most one).
struct FleetShard {
  std::uint32_t index = 0; // i, 0-based
  std::uint32_t count = 1; // N >= 1
  [[nodiscard]] bool owns(std::uint64_t charger_index) const noexcept { return charger_index % count == index; }
};

// Upper bound for N: more shards than the CLI allows chargers would leave shards empty.
inline constexpr std::uint32_t max_fleet_shards = 1'000'000;

// Parses "i/N" (e.g. "0/4"): whole numbers, N >= 1, i < N. nullopt and a sentence in
// `error` when not.
std::optional<FleetShard> parse_fleet_shard(std::string_view text, std::string* error = nullptr);

// How many chargers of a `total`-charger fleet land in `shard`.
std::uint64_t shard_size(std::uint64_t total, FleetShard shard) noexcept;
// Smallest N for which no shard of a `total`-charger fleet holds more than `per_shard`
// chargers; 0 when per_shard is 0 (no N is enough).
std::uint64_t shards_needed(std::uint64_t total, std::uint64_t per_shard) noexcept;

struct FleetPlanOptions {
  std::uint64_t seed = 1;
  std::string identity_prefix = "CP";
  std::uint32_t count = 10; // the whole fleet, all shards together
  FleetShard shard{};
  std::size_t source_address_count = 0; // size of the source address pool; 0 = no pool
};

struct PlannedCharger {
  std::uint32_t index = 0;        // 0-based position in the whole fleet
  std::string identity;           // PREFIX-00001 for index 0 (at least five digits)
  std::string serial_number;      // seeded per charger: derive_seed(seed, "serial/<index + 1>")
  std::uint32_t source_index = 0; // index % pool size: which source address it binds to
};

// PREFIX-<index + 1>, zero-padded to five digits.
std::string charger_identity(std::string_view prefix, std::uint32_t index);
// "SIM" + 12 digits drawn from derive_seed(seed, "serial/<index + 1>"). The label counts from
// 1, like identities, so a given seed keeps the serials it had before fleets were sharded.
std::string charger_serial(std::uint64_t seed, std::uint32_t index);

// This shard's chargers, in ascending global index. Throws std::invalid_argument for an
// invalid shard (N == 0 or i >= N).
std::vector<PlannedCharger> plan_fleet(const FleetPlanOptions& options);

} // namespace ocppfleet::fleet
