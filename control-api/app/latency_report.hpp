#pragma once
// Per-action response latency (p50/p95/p99/max) of a fleet, as a table and as JSON.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "simulator/core/latency_histogram.hpp"

namespace ocppfleet::app {

void print_latency_table(std::FILE* out, const core::ActionLatencies& latencies);
nlohmann::json latency_json(const core::ActionLatencies& latencies);

} // namespace ocppfleet::app
