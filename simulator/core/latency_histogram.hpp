#pragma once
// Response-latency histograms kept per fleet (never per charger): log-spaced buckets with
// relaxed atomic counts, so any shard can record and any thread can read percentiles
// without locks. Precision: each bucket spans 2^(1/8) (about 9 %).
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace ocppfleet::core {

class LatencyHistogram {
public:
  static constexpr int kSubBuckets = 8; // per power of two
  static constexpr int kOctaves = 28;   // 1 µs .. ~268 s
  static constexpr int kBuckets = kSubBuckets * kOctaves + 1;

  void record(std::chrono::nanoseconds d) noexcept;
  [[nodiscard]] std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  // Upper bound of the bucket holding the p-quantile (0 < p <= 1); zero when empty.
  [[nodiscard]] std::chrono::microseconds percentile(double p) const noexcept;
  [[nodiscard]] std::chrono::microseconds max() const noexcept {
    return std::chrono::microseconds{max_us_.load(std::memory_order_relaxed)};
  }

  static int bucket_of(std::uint64_t micros) noexcept;
  static std::uint64_t upper_bound_us(int bucket) noexcept;

private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> max_us_{0};
};

// One histogram per charger-initiated OCPP action (1.6 and 2.0.1 names), plus "Other".
class ActionLatencies {
public:
  static constexpr std::array<std::string_view, 14> kActions{"BootNotification",
                                                             "Heartbeat",
                                                             "StatusNotification",
                                                             "Authorize",
                                                             "StartTransaction",
                                                             "StopTransaction",
                                                             "MeterValues",
                                                             "TransactionEvent",
                                                             "DataTransfer",
                                                             "NotifyReport",
                                                             "FirmwareStatusNotification",
                                                             "DiagnosticsStatusNotification",
                                                             "SecurityEventNotification",
                                                             "Other"};

  void record(std::string_view action, std::chrono::nanoseconds d) noexcept { of(action).record(d); }
  [[nodiscard]] const LatencyHistogram& at(std::size_t index) const noexcept { return histograms_[index]; }
  [[nodiscard]] LatencyHistogram& of(std::string_view action) noexcept;

private:
  std::array<LatencyHistogram, kActions.size()> histograms_{};
};

} // namespace ocppfleet::core
