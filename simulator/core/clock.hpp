#pragma once
// Injected time. Engine code asks a Clock, never std::chrono::*::now() directly, so
// tests and seeded scenarios can drive time virtually.
#include <atomic>
#include <chrono>

namespace ocppfleet::core {

class Clock {
public:
  using WallTime = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  // Wall time, for OCPP timestamps.
  [[nodiscard]] virtual WallTime wall_now() const = 0;
  // Monotonic time, for intervals and integration of power into energy.
  [[nodiscard]] virtual SteadyTime steady_now() const = 0;
};

class SystemClock final : public Clock {
public:
  [[nodiscard]] WallTime wall_now() const override { return std::chrono::system_clock::now(); }
  [[nodiscard]] SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
};

// The process-wide real clock (stateless, so sharing it is safe).
const Clock& system_clock();

// A clock that moves only when told. Thread-safe reads; advance() from the test thread.
class VirtualClock final : public Clock {
public:
  explicit VirtualClock(WallTime wall_start = WallTime{std::chrono::seconds{1'767'225'600}}); // 2026-01-01Z
  [[nodiscard]] WallTime wall_now() const override;
  [[nodiscard]] SteadyTime steady_now() const override;
  void advance(std::chrono::nanoseconds d);

private:
  WallTime wall_start_;
  std::atomic<std::int64_t> elapsed_ns_{0};
};

} // namespace ocppfleet::core
