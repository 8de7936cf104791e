#pragma once
// Which brand/model each charger of a seeded fleet is: `--model abb/terra-184` for all, or
// `--model-mix abb/terra-184=2,wallbox/pulsar-plus=5` for a weighted, seeded pick keyed by
// the charger's fleet index (same seed, same models, sharded or not).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::fleet {

struct ModelWeight {
  std::string slug; // "brand/model"
  std::uint32_t weight;
};
using ModelMix = std::vector<ModelWeight>;

// "abb/terra-184=2,wallbox/pulsar-plus=5". nullopt with *error for a slug that is not
// brand/model, a repeated slug, a weight that is not a non-negative integer, or all zero.
std::optional<ModelMix> parse_model_mix(std::string_view text, std::string* error = nullptr);

// The model of the charger at `index`: a pick from derive_seed(seed, "model/<index + 1>").
const std::string& pick_model(const ModelMix& mix, std::uint64_t seed, std::uint32_t index);

} // namespace ocppfleet::fleet
