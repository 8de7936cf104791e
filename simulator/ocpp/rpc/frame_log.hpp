#pragma once
// Bounded per-charger record of OCPP-J frames in and out (the last `capacity` frames),
// for logs and for tests that check every frame. Capacity 0 records nothing and costs
// nothing; the ring is allocated on the first frame, not up front (memory per charger).
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::rpc {

enum class Direction : std::uint8_t { ChargerToCsms, CsmsToCharger };

struct FrameRecord {
  Direction direction;
  std::chrono::system_clock::time_point at;
  std::string text;
};

// Receives every frame of the chargers it is attached to (e.g. the control API's log
// writer). Called on shard threads: must be thread-safe, cheap and must not block.
class FrameObserver {
public:
  virtual void on_frame(std::uint64_t charger_key, Direction direction, std::chrono::system_clock::time_point at,
                        std::string_view text) noexcept = 0;

protected:
  ~FrameObserver() = default;
};

class FrameLog {
public:
  explicit FrameLog(std::size_t capacity) : capacity_(static_cast<std::uint32_t>(capacity)) {}

  void record(Direction d, std::chrono::system_clock::time_point at, std::string_view text) {
    if (capacity_ == 0) return;
    if (ring_.size() < capacity_) {
      ring_.push_back(FrameRecord{d, at, std::string{text}});
    } else {
      ring_[next_] = FrameRecord{d, at, std::string{text}};
    }
    next_ = (next_ + 1) % capacity_;
    ++total_;
  }

  // Oldest first.
  [[nodiscard]] std::vector<FrameRecord> snapshot() const {
    if (ring_.size() < capacity_) return ring_;
    std::vector<FrameRecord> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i)
      out.push_back(ring_[(next_ + i) % ring_.size()]);
    return out;
  }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
  std::vector<FrameRecord> ring_;
  std::uint64_t total_ = 0;
  std::uint32_t capacity_;
  std::uint32_t next_ = 0;
};

} // namespace ocppfleet::rpc
