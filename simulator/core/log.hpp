#pragma once
// Logging facade: the engine logs through this one named logger so the app decides the
// sink and level. Never log secrets (passwords, tokens): callers pass redacted values.
#include <spdlog/spdlog.h>

#include <memory>

namespace ocppfleet::core {

std::shared_ptr<spdlog::logger> logger();
void set_log_level(spdlog::level::level_enum level);

} // namespace ocppfleet::core
