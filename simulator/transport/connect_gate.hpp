#pragma once
// Load shaping for a fleet's connects, so a fleet does not DoS its own CSMS: a connect rate
// (token bucket with a burst) and a cap on concurrent handshakes (attempts in Connecting:
// DNS + TCP + TLS + WebSocket upgrade). One gate is shared by every shard of a fleet (it
// sits in the fleet's LinkConfig); a Link asks it before each attempt and, when refused,
// waits on its own timer until the time the gate names, then asks again.
//
// Pure logic on an injected time (no Asio, no clock of its own): tests drive it with a
// VirtualClock. Thread-safe with one small mutex, taken once per connect attempt (or per
// retry while queued), never per message.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace ocppfleet::transport {

using GateTime = std::chrono::steady_clock::time_point;

// A token bucket in its GCRA form (one "theoretical arrival time" instead of a token count,
// so it needs no refill step and no floating point): `rate` tokens per second, at most
// `burst` at once. Takes in any window of length W number at most floor(W * rate) + burst.
// Not thread-safe (ConnectGate and the fleet's ramp-down lock or confine it).
class TokenBucket {
public:
  // rate_per_s > 0 and finite, burst >= 1; else std::invalid_argument.
  TokenBucket(double rate_per_s, std::uint32_t burst);

  // Tokens that could be taken at `now` (0..burst).
  [[nodiscard]] std::uint32_t available(GateTime now) const;
  // Takes one token when one is available.
  bool try_take(GateTime now);
  // When a taker with `ahead` others before it gets its token, if each of them takes theirs
  // as early as possible; `now` (or earlier) when that is now.
  [[nodiscard]] GateTime due_for(std::uint64_t ahead, GateTime now) const;
  // Time between tokens once the burst is spent (1 / rate, rounded up to the nanosecond so
  // the real rate never exceeds the configured one).
  [[nodiscard]] std::chrono::nanoseconds interval() const noexcept { return interval_; }
  [[nodiscard]] std::uint32_t burst() const noexcept { return burst_; }

private:
  std::chrono::nanoseconds interval_;
  std::chrono::nanoseconds tolerance_; // (burst - 1) * interval
  std::uint32_t burst_;
  GateTime tat_{}; // theoretical arrival time: every token is free again from here on
};

struct ConnectGateOptions {
  double rate_per_s = 0;            // connect attempts per second; 0 = unlimited
  std::uint32_t burst = 1;          // attempts allowed back to back before the rate applies
  std::uint32_t max_handshakes = 0; // attempts in Connecting at once; 0 = unlimited
  // While every handshake slot is busy, queued links ask again spaced by the observed time
  // between slot releases, kept within these bounds: the poll rate follows the rate at
  // which slots really free up instead of a fixed guess.
  std::chrono::nanoseconds min_slot_poll{20'000};    // 20 us
  std::chrono::nanoseconds max_slot_poll{5'000'000}; // 5 ms
};

// What a Link keeps between its calls to the gate (3 bytes: it sits in the Link's padding).
// Only the link's own thread touches it, and only through the gate.
class GateTicket {
public:
  [[nodiscard]] bool holds_slot() const noexcept { return holding_; }
  [[nodiscard]] bool waiting() const noexcept { return waiting_; }

private:
  friend class ConnectGate;
  bool holding_ = false; // granted: counts against max_handshakes until release()
  bool waiting_ = false; // refused: counted as queued until it asks again or release()
  bool front_ = false;   // queued for the next free token (it was due and lost a race)
};

struct ConnectGateStats {
  std::uint64_t granted_total = 0;
  std::uint64_t refused_total = 0; // every refusal, including repeated ones of one link
  std::uint32_t handshakes = 0;    // granted and not released: attempts under way now
  std::uint32_t peak_handshakes = 0;
  std::uint32_t waiting = 0; // links queued now (refused, not back yet)
};

class ConnectGate {
public:
  struct Decision {
    bool granted = false;
    GateTime retry_at{}; // when refused: ask again at this time (always later than `now`)
  };

  // std::invalid_argument for a negative or non-finite rate, a zero burst, or poll bounds
  // that are not 0 < min <= max.
  explicit ConnectGate(ConnectGateOptions options);

  // Asks for one connect attempt. Granted: the ticket holds a handshake slot (and one token
  // is spent) until release(). Refused: the ticket is queued; ask again at retry_at. Links
  // already queued go first: a newcomer is granted only when it would leave enough tokens
  // and slots for everyone queued; a returning link only needs one of each. Each refusal
  // names a time after everyone queued ahead, so queued links wake spread out, one at a
  // time, rather than all at once at the next token; except that a returning link that
  // finds the token gone (another link's timer fired first) waits only for the next free
  // token. A ticket that still holds a slot gives it back first.
  Decision try_acquire(GateTicket& ticket, GateTime now);

  // The attempt ended (open, failed, aborted) or the link gave up waiting (stopped,
  // restarted, destroyed): frees the ticket's slot or its place in the queue. Idempotent,
  // so every exit path may call it: a slot is never released twice.
  void release(GateTicket& ticket, GateTime now) noexcept;

  [[nodiscard]] ConnectGateStats stats() const;
  [[nodiscard]] const ConnectGateOptions& options() const noexcept { return options_; }
  [[nodiscard]] bool limits_rate() const noexcept { return options_.rate_per_s > 0; }
  [[nodiscard]] bool limits_handshakes() const noexcept { return options_.max_handshakes > 0; }

private:
  std::chrono::nanoseconds slot_poll() const noexcept;
  void leave_queue(GateTicket& ticket) noexcept; // mu_ held

  const ConnectGateOptions options_;
  mutable std::mutex mu_;
  std::optional<TokenBucket> bucket_; // set when limits_rate()
  ConnectGateStats stats_;
  std::uint32_t front_ = 0;              // queued tickets with front_ set
  std::chrono::nanoseconds release_gap_; // moving average of the time between slot releases
  GateTime last_release_{};
  bool released_once_ = false;
};

} // namespace ocppfleet::transport
