#include "simulator/core/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace ocppfleet::core {

std::shared_ptr<spdlog::logger> logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_color_mt("ocppfleet");
    l->set_level(spdlog::level::warn);
    return l;
  }();
  return instance;
}

void set_log_level(spdlog::level::level_enum level) { logger()->set_level(level); }

} // namespace ocppfleet::core
