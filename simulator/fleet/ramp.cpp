#include "simulator/fleet/ramp.hpp"

#include <algorithm>

namespace ocppfleet::fleet {

RampDown::RampDown(boost::asio::any_io_executor executor, const core::Clock& clock, double rate_per_s,
                   std::uint64_t first_id, std::uint64_t end_id, StopOne stop_one)
    : clock_(clock), pace_(rate_per_s, 1), timer_(executor), stop_one_(std::move(stop_one)), next_(first_id),
      end_(std::max(first_id, end_id)) {}

void RampDown::start() { tick(); }

void RampDown::cancel() noexcept {
  cancelled_ = true;
  timer_.cancel();
}

void RampDown::tick() {
  if (cancelled_) return;
  const auto now = clock_.steady_now();
  while (next_ < end_ && pace_.try_take(now))
    stop_one_(next_++);
  if (next_ >= end_) return;
  // Wake when the next token is due (read on the injected clock, waited on the real one).
  const auto wait = std::max(pace_.due_for(0, now) - now, core::Clock::SteadyTime::duration{0});
  timer_.expires_after(wait);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->tick();
  });
}

} // namespace ocppfleet::fleet
