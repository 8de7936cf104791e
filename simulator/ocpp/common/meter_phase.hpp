#pragma once
// Where in the sample interval a charger takes its periodic meter samples, so a fleet's
// MeterValues / TransactionEvent(MeterValuePeriodic) spread over the interval instead of all
// landing on one tick (issue 12). The phase is a seeded pick per charger from its own
// labelled substream ("meter-phase/<identity>"): the same seed gives the same phases, and
// adding a charger shifts no other charger's phase. Never the clock.
#include <chrono>
#include <cstdint>
#include <string_view>

namespace ocppfleet::ocpp {

// The delay from the start of a sampling schedule (a transaction's start, a new interval) to
// its first sample: uniform in [1 ms, interval], whole milliseconds; the samples after it
// come every `interval`. Zero for a non-positive interval (no sampling).
std::chrono::milliseconds meter_phase(std::uint64_t seed, std::string_view identity,
                                      std::chrono::milliseconds interval);

} // namespace ocppfleet::ocpp
