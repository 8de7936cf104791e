// The seeded per-charger phase of periodic meter samples (issue 12): deterministic, inside
// the interval, independent per charger, and spread over the interval across a fleet.
#include "simulator/ocpp/common/meter_phase.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace ocppfleet::ocpp {
namespace {

using namespace std::chrono_literals;

std::string identity(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "CP-%05d", n);
  return buf;
}

TEST(MeterPhase, same_seed_and_identity_give_the_same_phase) {
  EXPECT_EQ(meter_phase(7, "CP-00001", 60s), meter_phase(7, "CP-00001", 60s));
  EXPECT_NE(meter_phase(7, "CP-00001", 60s), meter_phase(8, "CP-00001", 60s)) << "the seed matters";
}

TEST(MeterPhase, phase_is_within_the_interval_and_never_zero) {
  for (int n = 1; n <= 2000; ++n) {
    const auto p = meter_phase(1, identity(n), 10s);
    EXPECT_GE(p, 1ms);
    EXPECT_LE(p, 10s);
  }
  EXPECT_EQ(meter_phase(1, "CP-00001", 1ms), 1ms);
  EXPECT_EQ(meter_phase(1, "CP-00001", 0ms), 0ms) << "no sampling, no phase";
}

TEST(MeterPhase, a_fleet_spreads_over_the_interval) {
  // 1,000 chargers over 60 s: every 6 s tenth of the interval gets its share (70..130 of
  // an expected 100; a fleet all on one tick would fill one tenth).
  std::vector<int> tenths(10, 0);
  std::set<long long> distinct;
  for (int n = 1; n <= 1000; ++n) {
    const auto p = meter_phase(42, identity(n), 60s);
    ++tenths[static_cast<std::size_t>(std::min<long long>((p.count() - 1) / 6000, 9))];
    distinct.insert(p.count());
  }
  for (std::size_t i = 0; i < tenths.size(); ++i) {
    EXPECT_GE(tenths[i], 70) << "tenth " << i;
    EXPECT_LE(tenths[i], 130) << "tenth " << i;
  }
  EXPECT_GT(distinct.size(), 950u);
}

TEST(MeterPhase, a_charger_phase_does_not_depend_on_the_others) {
  // Labelled substream per identity: no shared sequence that a new charger would shift.
  const auto before = meter_phase(3, "CP-00002", 30s);
  for (int n = 1; n <= 50; ++n)
    (void)meter_phase(3, identity(n), 30s);
  EXPECT_EQ(meter_phase(3, "CP-00002", 30s), before);
}

} // namespace
} // namespace ocppfleet::ocpp
