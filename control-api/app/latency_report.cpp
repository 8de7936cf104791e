#include "control-api/app/latency_report.hpp"

#include <string>

namespace ocppfleet::app {
namespace {
double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }
} // namespace

void print_latency_table(std::FILE* out, const core::ActionLatencies& latencies) {
  std::fprintf(out, "%-30s %10s %10s %10s %10s %10s\n", "response latency (ms)", "count", "p50", "p95", "p99", "max");
  for (std::size_t i = 0; i < core::ActionLatencies::kActions.size(); ++i) {
    const auto& h = latencies.at(i);
    if (h.count() == 0) continue;
    const std::string name{core::ActionLatencies::kActions[i]};
    std::fprintf(out, "%-30s %10llu %10.2f %10.2f %10.2f %10.2f\n", name.c_str(),
                 static_cast<unsigned long long>(h.count()), ms(h.percentile(0.50)), ms(h.percentile(0.95)),
                 ms(h.percentile(0.99)), ms(h.max()));
  }
}

nlohmann::json latency_json(const core::ActionLatencies& latencies) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < core::ActionLatencies::kActions.size(); ++i) {
    const auto& h = latencies.at(i);
    if (h.count() == 0) continue;
    out[std::string{core::ActionLatencies::kActions[i]}] = {{"count", h.count()},
                                                            {"p50_ms", ms(h.percentile(0.50))},
                                                            {"p95_ms", ms(h.percentile(0.95))},
                                                            {"p99_ms", ms(h.percentile(0.99))},
                                                            {"max_ms", ms(h.max())}};
  }
  return out;
}

} // namespace ocppfleet::app
