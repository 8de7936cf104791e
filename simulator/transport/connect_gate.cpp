#include "simulator/transport/connect_gate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ocppfleet::transport {
namespace {
using std::chrono::nanoseconds;

// Slowest accepted rate: one token per ~17 minutes. Bounds keep every product of an
// interval and a count inside int64 nanoseconds.
constexpr double kMaxIntervalNs = 1e12;
constexpr double kMaxToleranceNs = 1e17;

// n * d, saturated far below the overflow of a time_point, so "far in the future" stays
// ordered instead of wrapping into the past.
nanoseconds scaled(nanoseconds d, std::uint64_t n) {
  constexpr std::int64_t cap = std::numeric_limits<std::int64_t>::max() / 4;
  if (d.count() <= 0 || n == 0) return nanoseconds{0};
  if (n > static_cast<std::uint64_t>(cap / d.count())) return nanoseconds{cap};
  return d * static_cast<std::int64_t>(n);
}
} // namespace

// ---------------------------------------------------------------- TokenBucket

TokenBucket::TokenBucket(double rate_per_s, std::uint32_t burst) : interval_(0), tolerance_(0), burst_(burst) {
  if (!std::isfinite(rate_per_s) || rate_per_s <= 0) throw std::invalid_argument("token bucket rate must be > 0");
  if (burst == 0) throw std::invalid_argument("token bucket burst must be >= 1");
  const double interval_ns = std::ceil(1e9 / rate_per_s);
  if (interval_ns > kMaxIntervalNs) throw std::invalid_argument("token bucket rate is too low (min 0.001/s)");
  if (interval_ns * (burst - 1.0) > kMaxToleranceNs) throw std::invalid_argument("token bucket burst is too large");
  interval_ = nanoseconds{std::max<std::int64_t>(1, static_cast<std::int64_t>(interval_ns))};
  tolerance_ = interval_ * static_cast<std::int64_t>(burst - 1);
}

std::uint32_t TokenBucket::available(GateTime now) const {
  // Every token taken pushed tat_ one interval further; the ones not yet earned back are
  // (tat_ - now) / interval, rounded up (a token half earned back is not there yet).
  const auto owed = std::max(tat_, now) - now;
  const auto used = static_cast<std::uint64_t>((owed + interval_ - nanoseconds{1}) / interval_);
  return used >= burst_ ? 0 : burst_ - static_cast<std::uint32_t>(used);
}

bool TokenBucket::try_take(GateTime now) {
  if (available(now) == 0) return false;
  tat_ = std::max(tat_, now) + interval_;
  return true;
}

GateTime TokenBucket::due_for(std::uint64_t ahead, GateTime now) const {
  // The k-th take from now (k = ahead + 1) conforms once tat + (k - 1) * interval - tolerance
  // is reached.
  const GateTime due = std::max(tat_, now) + scaled(interval_, ahead) - tolerance_;
  return std::max(due, now);
}

// ---------------------------------------------------------------- ConnectGate

ConnectGate::ConnectGate(ConnectGateOptions options) : options_(options), release_gap_(std::chrono::milliseconds{1}) {
  if (!std::isfinite(options_.rate_per_s) || options_.rate_per_s < 0)
    throw std::invalid_argument("connect rate must be >= 0 (0 = unlimited)");
  if (options_.burst == 0) throw std::invalid_argument("connect burst must be >= 1");
  if (options_.min_slot_poll.count() <= 0 || options_.max_slot_poll < options_.min_slot_poll)
    throw std::invalid_argument("handshake poll bounds must satisfy 0 < min <= max");
  if (limits_rate()) bucket_.emplace(options_.rate_per_s, options_.burst);
}

nanoseconds ConnectGate::slot_poll() const noexcept {
  return std::clamp(release_gap_, options_.min_slot_poll, options_.max_slot_poll);
}

ConnectGate::Decision ConnectGate::try_acquire(GateTicket& ticket, GateTime now) {
  const std::lock_guard lock{mu_};
  if (ticket.holding_) {
    // A new attempt while the old one still counts (the caller skipped release): end it.
    ticket.holding_ = false;
    --stats_.handshakes;
  }
  const bool returning = ticket.waiting_;
  leave_queue(ticket);
  // A newcomer leaves a token and a slot for everyone queued, so queued links are not
  // overtaken by later ones (e.g. a storm's reconnects by a fresh start).
  const std::uint64_t ahead = returning ? 0 : stats_.waiting;
  const bool rate_ok = !bucket_ || bucket_->available(now) > ahead;
  const bool slot_ok = !limits_handshakes() || stats_.handshakes + ahead < options_.max_handshakes;
  if (rate_ok && slot_ok) {
    if (bucket_) bucket_->try_take(now);
    ticket.holding_ = true;
    ++stats_.handshakes;
    stats_.peak_handshakes = std::max(stats_.peak_handshakes, stats_.handshakes);
    ++stats_.granted_total;
    return {true, now};
  }
  GateTime at = now + nanoseconds{1};
  if (returning && slot_ok) {
    // It came back when due and found the token taken by a link whose timer fired first:
    // with burst 1 that happens whenever timer lateness shrinks from one link to the next.
    // Sending it to the back would waste a token (the bucket holds only `burst`), so it
    // waits for the next free one, behind the others in the same situation.
    at = std::max(at, bucket_->due_for(front_, now));
    ticket.front_ = true;
    ++front_;
  } else {
    // Queue at the back: each refusal names a time after everyone queued now, so N queued
    // links wake one after the other instead of N at every token.
    const std::uint64_t position = stats_.waiting;
    if (!rate_ok) at = std::max(at, bucket_->due_for(position, now));
    if (!slot_ok) at = std::max(at, now + scaled(slot_poll(), position + 1));
  }
  ticket.waiting_ = true;
  ++stats_.waiting;
  ++stats_.refused_total;
  return {false, at};
}

void ConnectGate::release(GateTicket& ticket, GateTime now) noexcept {
  const std::lock_guard lock{mu_};
  if (ticket.holding_) {
    ticket.holding_ = false;
    --stats_.handshakes;
    // Track how fast slots free up (moving average, weight 1/8): queued links poll at
    // about that pace.
    if (released_once_) {
      const auto gap = std::max(now - last_release_, GateTime::duration{0});
      release_gap_ += (std::chrono::duration_cast<nanoseconds>(gap) - release_gap_) / 8;
    }
    last_release_ = std::max(last_release_, now);
    released_once_ = true;
  }
  leave_queue(ticket);
}

void ConnectGate::leave_queue(GateTicket& ticket) noexcept {
  if (ticket.front_) {
    ticket.front_ = false;
    --front_;
  }
  if (ticket.waiting_) {
    ticket.waiting_ = false;
    --stats_.waiting;
  }
}

ConnectGateStats ConnectGate::stats() const {
  const std::lock_guard lock{mu_};
  return stats_;
}

} // namespace ocppfleet::transport
