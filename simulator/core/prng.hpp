#pragma once
// Our own seeded PRNG and distributions. Standard-library distributions differ between
// implementations, so seeded output would not be reproducible across platforms with them.
#include <array>
#include <cstdint>
#include <string_view>

namespace ocppfleet::core {

// SplitMix64: used to expand one 64-bit seed into generator state.
class SplitMix64 {
public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();

private:
  std::uint64_t state_;
};

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, good statistical quality.
class Prng {
public:
  explicit Prng(std::uint64_t seed);
  std::uint64_t next_u64();
  // Uniform integer in [0, bound) without modulo bias (Lemire's method). bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform integer in [lo, hi] inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform double in [0, 1) with 53 random bits.
  double unit();
  // Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }

private:
  std::array<std::uint64_t, 4> s_{};
};

// Independent stream seeds per purpose/entity: derive_seed(root, "charger/42/jitter").
// Adding an entity never shifts another entity's numbers.
std::uint64_t derive_seed(std::uint64_t root, std::string_view label);

} // namespace ocppfleet::core
