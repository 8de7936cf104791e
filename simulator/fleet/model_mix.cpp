#include "simulator/fleet/model_mix.hpp"

#include <charconv>

#include "simulator/core/prng.hpp"
#include "simulator/core/text.hpp"

namespace ocppfleet::fleet {
namespace {
using core::trim;

std::optional<ModelMix> model_mix_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return std::nullopt;
}

bool is_slug(std::string_view s) {
  const auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == s.size() ||
      s.find('/', slash + 1) != std::string_view::npos)
    return false;
  for (const char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/')) return false;
  return true;
}

} // namespace

std::optional<ModelMix> parse_model_mix(std::string_view text, std::string* error) {
  ModelMix mix;
  std::uint64_t total = 0;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return model_mix_error(error, "'" + std::string{item} + "': expected BRAND/MODEL=WEIGHT, e.g. abb/terra-184=2");
    const std::string slug{trim(item.substr(0, eq))};
    const std::string_view weight_text = trim(item.substr(eq + 1));
    if (!is_slug(slug)) return model_mix_error(error, "'" + slug + "' is not a brand/model slug (e.g. abb/terra-184)");
    for (const auto& w : mix)
      if (w.slug == slug) return model_mix_error(error, "model " + slug + " given twice");
    std::uint32_t weight = 0;
    const auto [end, ec] = std::from_chars(weight_text.data(), weight_text.data() + weight_text.size(), weight);
    if (weight_text.empty() || ec != std::errc{} || end != weight_text.data() + weight_text.size())
      return model_mix_error(error,
                             "weight '" + std::string{weight_text} + "' of " + slug + " is not a non-negative integer");
    total += weight;
    mix.push_back(ModelWeight{slug, weight});
  }
  if (mix.empty()) return model_mix_error(error, "empty mix");
  if (total == 0) return model_mix_error(error, "every weight is 0");
  return mix;
}

const std::string& pick_model(const ModelMix& mix, std::uint64_t seed, std::uint32_t index) {
  std::uint64_t total = 0;
  for (const auto& w : mix)
    total += w.weight;
  core::Prng prng{core::derive_seed(seed, "model/" + std::to_string(index + 1))};
  std::uint64_t ticket = total > 0 ? prng.below(total) : 0;
  for (const auto& w : mix) {
    if (ticket < w.weight) return w.slug;
    ticket -= w.weight;
  }
  return mix.back().slug;
}

} // namespace ocppfleet::fleet
