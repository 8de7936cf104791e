#include "simulator/core/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ocppfleet::core {

int LatencyHistogram::bucket_of(std::uint64_t micros) noexcept {
  if (micros <= 1) return 0;
  // Octave from the highest bit, sub-bucket from the next three bits (2^(1/8) steps are
  // approximated linearly inside an octave, which is within the stated precision).
  const int octave = std::bit_width(micros) - 1; // floor(log2)
  if (octave >= kOctaves) return kBuckets - 1;
  const std::uint64_t base = std::uint64_t{1} << octave;
  const auto sub = static_cast<int>(((micros - base) * kSubBuckets) >> octave);
  return 1 + octave * kSubBuckets + sub;
}

std::uint64_t LatencyHistogram::upper_bound_us(int bucket) noexcept {
  if (bucket <= 0) return 1;
  if (bucket >= kBuckets - 1) return std::uint64_t{1} << kOctaves;
  const int octave = (bucket - 1) / kSubBuckets;
  const int sub = (bucket - 1) % kSubBuckets;
  const std::uint64_t base = std::uint64_t{1} << octave;
  return base + ((base * static_cast<std::uint64_t>(sub + 1)) / kSubBuckets);
}

void LatencyHistogram::record(std::chrono::nanoseconds d) noexcept {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count() / 1000));
  buckets_[static_cast<std::size_t>(bucket_of(us))].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t seen = max_us_.load(std::memory_order_relaxed);
  while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
  }
}

std::chrono::microseconds LatencyHistogram::percentile(double p) const noexcept {
  std::uint64_t total = 0;
  for (const auto& b : buckets_)
    total += b.load(std::memory_order_relaxed);
  if (total == 0) return std::chrono::microseconds{0};
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(p, 0.0, 1.0) * static_cast<double>(total)));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      // Never report more than the largest value actually seen.
      const auto bound = std::min(upper_bound_us(i), static_cast<std::uint64_t>(max().count()));
      return std::chrono::microseconds{static_cast<std::int64_t>(bound)};
    }
  }
  return max();
}

LatencyHistogram& ActionLatencies::of(std::string_view action) noexcept {
  for (std::size_t i = 0; i + 1 < kActions.size(); ++i)
    if (kActions[i] == action) return histograms_[i];
  return histograms_[kActions.size() - 1];
}

} // namespace ocppfleet::core
