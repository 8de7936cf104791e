#include <gtest/gtest.h>

#include "simulator/charger/meter.hpp"
#include "tests/unit/charger/charger_fixtures.hpp"

using namespace ocppfleet::charger;
using namespace ocppfleet::charger::testing;
using namespace std::chrono_literals;

TEST(Meter, integrates_11_kw_for_30_minutes_to_5_5_kwh) {
  Meter m;
  m.set_operating_point(t0, 11'000.0, 230.0, 15.94);
  m.advance(t0 + 30min);
  EXPECT_NEAR(m.energy_wh(), 5'500.0, 1e-6);
}

TEST(Meter, first_call_only_anchors_time) {
  Meter m{1'000.0};
  m.set_operating_point(t0 + 1h, 11'000.0, 230.0, 16.0);
  EXPECT_DOUBLE_EQ(m.energy_wh(), 1'000.0);
  m.advance(t0 + 2h);
  EXPECT_NEAR(m.energy_wh(), 12'000.0, 1e-6);
}

TEST(Meter, sums_piecewise_constant_segments) {
  Meter m;
  m.set_operating_point(t0, 11'000.0, 230.0, 16.0);
  m.set_operating_point(t0 + 30min, 7'000.0, 230.0, 10.0);
  m.set_operating_point(t0 + 45min, 0.0, 230.0, 0.0);
  m.advance(t0 + 5h);
  EXPECT_NEAR(m.energy_wh(), 5'500.0 + 1'750.0, 1e-6);
}

TEST(Meter, keeps_initial_energy) {
  Meter m{123'456.5};
  m.set_operating_point(t0, 1'000.0, 230.0, 4.3);
  m.advance(t0 + 1h);
  EXPECT_NEAR(m.energy_wh(), 124'456.5, 1e-6);
}

TEST(Meter, register_ignores_backwards_time) {
  Meter m;
  m.set_operating_point(t0 + 1h, 10'000.0, 230.0, 14.5);
  m.advance(t0 + 2h);
  const double at_2h = m.energy_wh();
  m.advance(t0 + 90min);
  EXPECT_DOUBLE_EQ(m.energy_wh(), at_2h);
  // Integration resumes from the latest instant seen, not from the backwards one.
  m.advance(t0 + 3h);
  EXPECT_NEAR(m.energy_wh(), at_2h + 10'000.0, 1e-6);
}

TEST(Meter, operating_point_change_in_the_past_does_not_decrease_register) {
  Meter m;
  m.set_operating_point(t0, 10'000.0, 230.0, 14.5);
  m.advance(t0 + 1h);
  m.set_operating_point(t0 + 30min, 0.0, 230.0, 0.0);
  EXPECT_NEAR(m.energy_wh(), 10'000.0, 1e-6);
  m.advance(t0 + 2h);
  EXPECT_NEAR(m.energy_wh(), 10'000.0, 1e-6);
}

TEST(Meter, negative_power_does_not_decrease_register) {
  Meter m{500.0};
  m.set_operating_point(t0, -3'000.0, 230.0, -4.0);
  m.advance(t0 + 1h);
  EXPECT_DOUBLE_EQ(m.energy_wh(), 500.0);
}

TEST(Meter, advancing_to_the_same_instant_adds_nothing) {
  Meter m;
  m.set_operating_point(t0, 22'000.0, 230.0, 32.0);
  m.advance(t0 + 1min);
  const double e = m.energy_wh();
  m.advance(t0 + 1min);
  EXPECT_DOUBLE_EQ(m.energy_wh(), e);
}

TEST(Meter, reports_the_present_operating_point) {
  Meter m{0.0, 400.0};
  EXPECT_DOUBLE_EQ(m.voltage_v(), 400.0);
  EXPECT_DOUBLE_EQ(m.power_w(), 0.0);
  EXPECT_FALSE(m.last_update().has_value());
  m.set_operating_point(t0 + 5s, 50'000.0, 800.0, 62.5);
  EXPECT_DOUBLE_EQ(m.power_w(), 50'000.0);
  EXPECT_DOUBLE_EQ(m.voltage_v(), 800.0);
  EXPECT_DOUBLE_EQ(m.current_a(), 62.5);
  EXPECT_EQ(m.last_update(), t0 + 5s);
}
