// EV physics beyond the simple model: a DC charging curve by SoC, the pack voltage rising
// with SoC and the cable's current limit, single-phase on-board chargers on three-phase
// connectors. P = V * I * active_phases() always holds; the energy register never falls.
#include <gtest/gtest.h>

#include <cmath>

#include "simulator/charger/charger_model.hpp"
#include "tests/unit/charger/charger_fixtures.hpp"

using namespace ocppfleet::charger;
using namespace ocppfleet::charger::testing;
using namespace std::chrono_literals;

namespace {

const ConnectorSpec dc_180kw_200a{CurrentType::DC, 1, 920.0, 200.0, 180'000.0};
const ConnectorSpec dc_300kw_500a{CurrentType::DC, 1, 1000.0, 500.0, 300'000.0};

// A 400 V-class car: flat 120 kW to 30 %, then down to 8 kW at 100 %.
const ChargingCurve curve_120kw{
    {{0.0, 100'000.0}, {0.05, 120'000.0}, {0.30, 120'000.0}, {0.80, 50'000.0}, {1.0, 8'000.0}}};

EvSpec ev_400v(double soc, const ChargingCurve* curve = &curve_120kw) {
  EvSpec ev;
  ev.battery_wh = 58'000.0;
  ev.max_ac_power_w = 11'000.0;
  ev.max_dc_power_w = 120'000.0;
  ev.initial_soc = soc;
  ev.battery_voltage_v = 350.0;
  ev.ac_phases = 3;
  ev.dc_curve = curve;
  return ev;
}

Transaction ev_tx() { return tx("CP-1-1", "TAG"); }

void expect_p_equals_v_i_phases(const Connector& c) {
  const Meter& m = c.meter();
  EXPECT_NEAR(m.voltage_v() * m.current_a() * c.active_phases(), m.power_w(), 1e-6 * std::max(1.0, m.power_w()));
}

} // namespace

TEST(ChargingCurve, interpolates_linearly_and_is_flat_beyond_the_ends) {
  EXPECT_DOUBLE_EQ(curve_120kw.max_power_at(-1.0), 100'000.0);
  EXPECT_DOUBLE_EQ(curve_120kw.max_power_at(0.2), 120'000.0);
  EXPECT_DOUBLE_EQ(curve_120kw.max_power_at(0.55), 85'000.0);
  EXPECT_DOUBLE_EQ(curve_120kw.max_power_at(2.0), 8'000.0);
  EXPECT_TRUE(std::isinf(ChargingCurve{}.max_power_at(0.5)));
}

TEST(EvCurve, dc_power_follows_the_curve_and_tapers_with_soc) {
  Connector c{1, dc_300kw_500a};
  c.plug(t0, ev_400v(0.5));
  ASSERT_TRUE(c.start_transaction(t0, ev_tx()));
  // 50 %: the curve says 92 kW; the pack (350 V x (0.9 + 0.15 x 0.5) = 341 V) x 500 A allows more.
  EXPECT_NEAR(c.meter().power_w(), curve_120kw.max_power_at(0.5), 1e-6);
  double last_power = c.meter().power_w();
  double last_energy = c.meter().energy_wh();
  for (auto t = t0 + 1min; t <= t0 + 2h; t += 1min) {
    c.advance(t);
    expect_p_equals_v_i_phases(c);
    EXPECT_LE(c.meter().power_w(), last_power + 1e-6);
    EXPECT_GE(c.meter().energy_wh(), last_energy);
    last_power = c.meter().power_w();
    last_energy = c.meter().energy_wh();
  }
  EXPECT_DOUBLE_EQ(*c.soc_percent(), 100.0);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
  EXPECT_NEAR(c.meter().energy_wh(), 0.5 * 58'000.0, 1e-3); // everything went into the battery
}

TEST(EvCurve, pack_voltage_rises_with_soc_and_is_the_meters_dc_voltage) {
  Connector c{1, dc_300kw_500a};
  c.plug(t0, ev_400v(0.1));
  ASSERT_TRUE(c.start_transaction(t0, ev_tx()));
  const double v_low = c.meter().voltage_v();
  EXPECT_NEAR(v_low, 350.0 * (0.90 + 0.15 * 0.1), 1e-9);
  c.advance(t0 + 20min);
  EXPECT_GT(c.meter().voltage_v(), v_low);
  EXPECT_LE(c.meter().voltage_v(), 350.0 * 1.05 + 1e-9);
  expect_p_equals_v_i_phases(c);
}

TEST(EvCurve, the_cable_current_limits_low_voltage_cars) {
  // A 400 V car on a 200 A cable: ~64 kW at 10 % SoC although the curve and charger allow more.
  Connector c{1, dc_180kw_200a};
  c.plug(t0, ev_400v(0.1));
  ASSERT_TRUE(c.start_transaction(t0, ev_tx()));
  const double v = 350.0 * (0.90 + 0.15 * 0.1);
  EXPECT_NEAR(c.meter().power_w(), v * 200.0, 1e-6);
  EXPECT_NEAR(c.meter().current_a(), 200.0, 1e-9);
  EXPECT_EQ(c.active_phases(), 1);
}

TEST(EvCurve, long_advance_matches_many_short_ones_on_a_curve) {
  Connector a{1, dc_300kw_500a};
  Connector b{2, dc_300kw_500a};
  for (Connector* c : {&a, &b}) {
    c->plug(t0, ev_400v(0.1));
    ASSERT_TRUE(c->start_transaction(t0, ev_tx()));
  }
  for (auto t = t0 + 1s; t <= t0 + 40min; t += 1s)
    a.advance(t);
  b.advance(t0 + 40min);
  EXPECT_NEAR(*b.soc_percent(), *a.soc_percent(), 0.3);
  EXPECT_NEAR(b.meter().energy_wh(), a.meter().energy_wh(), 0.003 * 58'000.0);
}

TEST(EvCurve, single_phase_ev_on_a_three_phase_connector_draws_on_one_phase) {
  Connector c{1, ac_22kw};
  EvSpec ev = ev_400v(0.3);
  ev.max_ac_power_w = 7'400.0;
  ev.ac_phases = 1;
  c.plug(t0, ev);
  ASSERT_TRUE(c.start_transaction(t0, ev_tx()));
  EXPECT_EQ(c.active_phases(), 1);
  EXPECT_NEAR(c.meter().power_w(), 7'360.0, 1e-6); // 230 V x 32 A x 1 phase, below the EV's 7.4 kW
  EXPECT_NEAR(c.meter().current_a(), 32.0, 1e-9);
  expect_p_equals_v_i_phases(c);
  c.unplug(t0 + 1min);
  EXPECT_EQ(c.active_phases(), 3);
}

TEST(EvCurve, ac_power_equals_voltage_times_current_times_phases) {
  Connector c{1, ac_22kw};
  c.plug(t0, ev_400v(0.3));
  ASSERT_TRUE(c.start_transaction(t0, ev_tx()));
  EXPECT_EQ(c.active_phases(), 3);
  EXPECT_NEAR(c.meter().power_w(), 11'000.0, 1e-6);
  expect_p_equals_v_i_phases(c);
  c.set_offered_limit_w(t0 + 1min, 4'140.0);
  expect_p_equals_v_i_phases(c);
  EXPECT_NEAR(c.meter().current_a(), 6.0, 1e-9);
}

TEST(EvCurve, the_connector_does_not_grow_with_the_ev_model) {
  // Curves are shared by pointer; a connector keeps a compact copy of the rest. 336 bytes is
  // the size before EV curves existed (GCC / libstdc++ on x86-64), the budget allows 8 more.
  EXPECT_LE(sizeof(Connector), 336u + 8u);
}
