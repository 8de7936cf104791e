#include "simulator/ocpp/common/link_log.hpp"

#include <chrono>

#include "simulator/core/log.hpp"
#include "simulator/core/log_rate_limiter.hpp"

namespace ocppfleet::ocpp {
namespace {
core::LogRateLimiter& limiter() {
  static core::LogRateLimiter instance{kDisconnectLinesPerSecond};
  return instance;
}
} // namespace

void log_link_closed(std::string_view identity, const transport::LinkFailure& failure, bool will_retry) noexcept {
  // We closed it (nothing to report), or the link named it at warn level already.
  if (failure.code == transport::LinkError::Stopped || !will_retry) return;
  const auto& log = core::logger();
  if (!log->should_log(spdlog::level::info)) return;
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const auto decision = limiter().admit(now_s);
  if (!decision.log) return;
  try {
    if (decision.suppressed > 0)
      log->info("{} more connection losses not logged (at most {} lines a second; counted by cause on the progress "
                "line)",
                decision.suppressed, kDisconnectLinesPerSecond);
    log->info("charger {} {}: {}{}{}{}; {}", identity, failure.was_open ? "disconnected" : "connect failed",
              transport::code_name(failure.code), failure.detail.empty() ? "" : " (", failure.detail,
              failure.detail.empty() ? "" : ")", failure.was_open ? "reconnecting" : "retrying");
  } catch (...) { // never onto the shard thread
  }
}

void log_link_losses_not_logged() noexcept {
  const auto n = limiter().take_suppressed();
  if (n == 0) return;
  try {
    core::logger()->info("{} more connection losses not logged (at most {} lines a second; counted by cause on the "
                         "progress line)",
                         n, kDisconnectLinesPerSecond);
  } catch (...) {
  }
}

} // namespace ocppfleet::ocpp
