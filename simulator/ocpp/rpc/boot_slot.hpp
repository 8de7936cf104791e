#pragma once
// The BootNotification of one charger, outside the call pipeline (it is the only call allowed
// before the CSMS accepted us). A boot the CSMS does not answer within the call timeout is
// sent again on the same connection, with a new id; the CSMS may still answer the earlier
// one. Every boot sent on this connection and not yet answered is outstanding (the most
// recent kMaxOutstanding of them): the first answer to any of them is the CSMS's decision
// and ends the wait for all of them; answers to the others, and to boots of an earlier
// connection, are stale and ignored. Pure bookkeeping: the owner writes the frame.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::rpc {

class BootSlot {
public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  // A silent CSMS gets a resend every call timeout; past this many, the oldest stops counting.
  static constexpr std::size_t kMaxOutstanding = 8;

  // A BootNotification goes out at `now`: returns its message id ("boot-<n>", n counting
  // every boot this charger ever sent, so ids never repeat).
  std::string send(SteadyTime now);
  // An answer (CALLRESULT or CALLERROR) with `id` arrived. When it answers an outstanding
  // boot: returns when that boot was sent (its latency) and nothing is outstanding any more.
  // Otherwise nullopt (not a boot, or a stale answer).
  std::optional<SteadyTime> answer(std::string_view id);
  // The connection is gone: nothing sent on it can be answered.
  void on_disconnect();

  [[nodiscard]] bool outstanding() const noexcept { return !sent_at_.empty(); }
  [[nodiscard]] std::uint32_t sent() const noexcept { return sent_; }

private:
  std::uint32_t sent_ = 0;
  // Boots first_outstanding_ .. sent_ are outstanding, sent at sent_at_[n - first_outstanding_].
  std::uint32_t first_outstanding_ = 1;
  std::vector<SteadyTime> sent_at_; // empty (no allocation) while nothing is outstanding
};

} // namespace ocppfleet::rpc
