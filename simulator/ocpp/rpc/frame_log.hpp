#pragma once
// Bounded per-charger record of OCPP-J frames in and out (the last `capacity` frames),
// for logs and for tests that check every frame. Capacity 0 records nothing.
#include <chrono>
#include <cstdint>
#include <deque>
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

class FrameLog {
public:
  explicit FrameLog(std::size_t capacity) : capacity_(capacity) {}
  void record(Direction d, std::chrono::system_clock::time_point at, std::string_view text) {
    if (capacity_ == 0) return;
    if (frames_.size() == capacity_) frames_.pop_front();
    frames_.push_back(FrameRecord{d, at, std::string{text}});
    ++total_;
  }
  [[nodiscard]] std::vector<FrameRecord> snapshot() const { return {frames_.begin(), frames_.end()}; }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

private:
  std::size_t capacity_;
  std::deque<FrameRecord> frames_;
  std::uint64_t total_ = 0;
};

} // namespace ocppfleet::rpc
