#pragma once
// Bounded per-charger record of OCPP-J frames in and out (the last `capacity` frames),
// for logs and for tests that check every frame. Capacity 0 records nothing and costs
// nothing; the ring is allocated on the first frame, not up front (memory per charger).
// Bounded in bytes too: a frame longer than `max_frame_bytes` is stored cut (its size is
// kept), so the log holds at most about capacity x max_frame_bytes however large the
// frames a CSMS sends (1 MB DataTransfers once took 100 chargers to 1 GiB).
#include <algorithm>
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
  std::string text;     // the frame, or its first bytes and a "...[truncated" marker
  std::size_t size = 0; // bytes of the frame as sent or received
  [[nodiscard]] bool truncated() const noexcept { return text.size() != size; }
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
  static constexpr std::size_t kDefaultMaxFrameBytes = 4096;

  explicit FrameLog(std::size_t capacity, std::size_t max_frame_bytes = kDefaultMaxFrameBytes)
      : capacity_(static_cast<std::uint32_t>(capacity)),
        max_frame_bytes_(static_cast<std::uint32_t>(std::min<std::size_t>(max_frame_bytes, UINT32_MAX))) {}

  void record(Direction d, std::chrono::system_clock::time_point at, std::string_view text) {
    if (capacity_ == 0) return;
    FrameRecord r{d, at, stored_copy(text), text.size()};
    if (ring_.size() < capacity_) {
      ring_.push_back(std::move(r));
    } else {
      ring_[next_] = std::move(r);
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
  [[nodiscard]] std::size_t max_frame_bytes() const noexcept { return max_frame_bytes_; }

private:
  std::string stored_copy(std::string_view text) const {
    if (text.size() <= max_frame_bytes_) return std::string{text};
    std::size_t cut = max_frame_bytes_;
    // Back up to a UTF-8 code point boundary (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
      --cut;
    std::string out{text.substr(0, cut)};
    out += "...[truncated, " + std::to_string(text.size()) + " bytes]";
    return out;
  }

  std::vector<FrameRecord> ring_;
  std::uint64_t total_ = 0;
  std::uint32_t capacity_;
  std::uint32_t next_ = 0;
  std::uint32_t max_frame_bytes_;
};

} // namespace ocppfleet::rpc
