#include <gtest/gtest.h>

#include <vector>

#include "simulator/charger/charger_model.hpp"
#include "tests/unit/charger/charger_fixtures.hpp"

using namespace ocppfleet::charger;
using namespace ocppfleet::charger::testing;
using namespace std::chrono_literals;

namespace {

const ConnectorSpec dc_150kw{CurrentType::DC, 1, 800.0, 200.0, 150'000.0};
const EvSpec ev_11kw_ac{60'000.0, 11'000.0, 100'000.0, 0.2};

// An AC connector with an EV plugged and a transaction running since t0.
Connector charging_ac(const ConnectorSpec& spec = ac_22kw, const EvSpec& ev = ev_11kw_ac) {
  Connector c{1, spec};
  c.plug(t0, ev);
  EXPECT_TRUE(c.start_transaction(t0, tx()));
  return c;
}

} // namespace

// --- status derivation -------------------------------------------------------------------

TEST(ConnectorStatus, new_connector_is_available) {
  Connector c{1, ac_22kw};
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
  EXPECT_FALSE(c.ev_drawing());
}

TEST(ConnectorStatus, reserved_connector_reports_reserved) {
  Connector c{1, ac_22kw};
  c.set_reserved(true);
  EXPECT_EQ(c.status(), ConnectorStatus::Reserved);
  c.set_reserved(false);
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

TEST(ConnectorStatus, plugged_without_transaction_reports_preparing) {
  Connector c{1, ac_22kw};
  c.plug(t0, ev_11kw_ac);
  EXPECT_EQ(c.status(), ConnectorStatus::Preparing);
  EXPECT_FALSE(c.ev_drawing()); // no transaction, no power
}

TEST(ConnectorStatus, preparing_beats_reserved) {
  Connector c{1, ac_22kw};
  c.set_reserved(true);
  c.plug(t0, ev_11kw_ac);
  EXPECT_EQ(c.status(), ConnectorStatus::Preparing);
}

TEST(ConnectorStatus, transaction_with_power_reports_charging) {
  Connector c = charging_ac();
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
  EXPECT_TRUE(c.ev_drawing());
}

TEST(ConnectorStatus, ev_suspended_reports_suspended_ev_and_resumes) {
  Connector c = charging_ac();
  c.set_ev_suspended(t0 + 1min, true);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  c.set_ev_suspended(t0 + 2min, false);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
}

TEST(ConnectorStatus, zero_offered_limit_reports_suspended_evse) {
  Connector c = charging_ac();
  c.set_offered_limit_w(t0 + 1min, 0.0);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEVSE);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  c.set_offered_limit_w(t0 + 2min, std::nullopt);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
}

TEST(ConnectorStatus, suspended_evse_beats_suspended_ev) {
  Connector c = charging_ac();
  c.set_ev_suspended(t0 + 1min, true);
  c.set_offered_limit_w(t0 + 1min, 0.0);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEVSE);
}

TEST(ConnectorStatus, stop_while_plugged_reports_finishing_until_unplug) {
  Connector c = charging_ac();
  ASSERT_TRUE(c.stop_transaction(t0 + 10min).has_value());
  EXPECT_EQ(c.status(), ConnectorStatus::Finishing);
  EXPECT_FALSE(c.ev_drawing());
  c.unplug(t0 + 11min);
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

TEST(ConnectorStatus, finishing_connector_returns_to_reserved_when_reserved) {
  Connector c = charging_ac();
  c.stop_transaction(t0 + 10min);
  c.set_reserved(true);
  EXPECT_EQ(c.status(), ConnectorStatus::Finishing);
  c.unplug(t0 + 11min);
  EXPECT_EQ(c.status(), ConnectorStatus::Reserved);
}

TEST(ConnectorStatus, fault_while_charging_reports_faulted) {
  Connector c = charging_ac();
  c.set_fault(t0 + 5min, Fault{"GroundFailure", "RCD tripped"});
  EXPECT_EQ(c.status(), ConnectorStatus::Faulted);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  EXPECT_TRUE(c.transaction().has_value()); // stopping it is the adapter's decision
  ASSERT_TRUE(c.fault().has_value());
  EXPECT_EQ(c.fault()->error_code, "GroundFailure");
}

TEST(ConnectorStatus, clearing_fault_resumes_charging) {
  Connector c = charging_ac();
  c.set_fault(t0 + 5min, Fault{"OverCurrentFailure", ""});
  c.clear_fault(t0 + 10min);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
  c.advance(t0 + 20min);
  // Energy only for the 15 minutes without the fault.
  EXPECT_NEAR(c.meter().energy_wh(), 11'000.0 / 4.0, 1e-6);
}

TEST(ConnectorStatus, fault_beats_unavailable) {
  Connector c{1, ac_22kw};
  c.request_availability(t0, Availability::Inoperative);
  c.set_fault(t0, Fault{"OtherError", ""});
  EXPECT_EQ(c.status(), ConnectorStatus::Faulted);
}

TEST(ConnectorStatus, unavailable_beats_finishing_preparing_and_reserved) {
  Connector c{1, ac_22kw};
  c.set_reserved(true);
  c.plug(t0, ev_11kw_ac);
  EXPECT_EQ(c.request_availability(t0, Availability::Inoperative), AvailabilityChange::Accepted);
  EXPECT_EQ(c.status(), ConnectorStatus::Unavailable);
}

TEST(ConnectorStatus, full_ev_reports_suspended_ev) {
  Connector c = charging_ac(ac_22kw, EvSpec{60'000.0, 11'000.0, 100'000.0, 1.0});
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
  EXPECT_FALSE(c.ev_drawing());
}

TEST(ConnectorStatus, unplugging_during_a_transaction_stops_power) {
  Connector c = charging_ac();
  c.unplug(t0 + 1min);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  EXPECT_FALSE(c.soc_percent().has_value());
}

// --- availability ------------------------------------------------------------------------

TEST(ConnectorAvailability, inoperative_without_transaction_is_accepted_at_once) {
  Connector c{1, ac_22kw};
  EXPECT_EQ(c.request_availability(t0, Availability::Inoperative), AvailabilityChange::Accepted);
  EXPECT_EQ(c.availability(), Availability::Inoperative);
  EXPECT_EQ(c.status(), ConnectorStatus::Unavailable);
  EXPECT_EQ(c.request_availability(t0, Availability::Operative), AvailabilityChange::Accepted);
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

TEST(ConnectorAvailability, inoperative_during_transaction_is_scheduled_and_applied_on_stop) {
  Connector c = charging_ac();
  EXPECT_EQ(c.request_availability(t0 + 1min, Availability::Inoperative), AvailabilityChange::Scheduled);
  EXPECT_EQ(c.availability(), Availability::Operative);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
  c.stop_transaction(t0 + 2min);
  EXPECT_EQ(c.availability(), Availability::Inoperative);
  EXPECT_EQ(c.status(), ConnectorStatus::Unavailable); // beats Finishing
  c.unplug(t0 + 3min);
  EXPECT_EQ(c.status(), ConnectorStatus::Unavailable);
}

TEST(ConnectorAvailability, requesting_the_present_state_is_accepted) {
  Connector c{1, ac_22kw};
  EXPECT_EQ(c.request_availability(t0, Availability::Operative), AvailabilityChange::Accepted);
  c.request_availability(t0, Availability::Inoperative);
  EXPECT_EQ(c.request_availability(t0, Availability::Inoperative), AvailabilityChange::Accepted);
}

TEST(ConnectorAvailability, operative_request_cancels_a_scheduled_inoperative) {
  Connector c = charging_ac();
  c.request_availability(t0, Availability::Inoperative);
  EXPECT_EQ(c.request_availability(t0, Availability::Operative), AvailabilityChange::Accepted);
  c.stop_transaction(t0 + 1min);
  EXPECT_EQ(c.availability(), Availability::Operative);
  EXPECT_EQ(c.status(), ConnectorStatus::Finishing);
}

// --- transactions ------------------------------------------------------------------------

TEST(ConnectorTransaction, start_requires_a_plugged_ev) {
  Connector c{1, ac_22kw};
  EXPECT_FALSE(c.start_transaction(t0, tx()));
  EXPECT_FALSE(c.transaction().has_value());
}

TEST(ConnectorTransaction, start_is_refused_while_faulted) {
  Connector c{1, ac_22kw};
  c.plug(t0, ev_11kw_ac);
  c.set_fault(t0, Fault{"HighTemperature", ""});
  EXPECT_FALSE(c.start_transaction(t0, tx()));
}

TEST(ConnectorTransaction, start_is_refused_while_inoperative) {
  Connector c{1, ac_22kw};
  c.plug(t0, ev_11kw_ac);
  c.request_availability(t0, Availability::Inoperative);
  EXPECT_FALSE(c.start_transaction(t0, tx()));
}

TEST(ConnectorTransaction, start_is_refused_while_one_runs) {
  Connector c = charging_ac();
  EXPECT_FALSE(c.start_transaction(t0 + 1min, tx("CP-1-2")));
  EXPECT_EQ(c.transaction()->local_id, "CP-1-1");
}

TEST(ConnectorTransaction, start_records_meter_start_from_register) {
  Connector c{1, ac_22kw, 1'000.0};
  c.plug(t0, ev_11kw_ac);
  ASSERT_TRUE(c.start_transaction(t0, tx()));
  EXPECT_DOUBLE_EQ(c.transaction()->meter_start_wh, 1'000.0);
  c.stop_transaction(t0 + 1h);
  ASSERT_TRUE(c.start_transaction(t0 + 2h, tx("CP-1-2")));
  EXPECT_NEAR(c.transaction()->meter_start_wh, 12'000.0, 1e-6);
}

TEST(ConnectorTransaction, start_consumes_the_reservation) {
  Connector c{1, ac_22kw};
  c.set_reserved(true);
  c.plug(t0, ev_11kw_ac);
  ASSERT_TRUE(c.start_transaction(t0, tx()));
  c.stop_transaction(t0 + 1min);
  c.unplug(t0 + 2min);
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

TEST(ConnectorTransaction, stop_integrates_to_now_and_returns_the_transaction) {
  Connector c = charging_ac();
  const auto ended = c.stop_transaction(t0 + 30min);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(ended->local_id, "CP-1-1");
  EXPECT_EQ(ended->id_tag, "TAG1");
  EXPECT_NEAR(c.meter().energy_wh(), 5'500.0, 1e-6);
  EXPECT_FALSE(c.transaction().has_value());
  c.advance(t0 + 2h);
  EXPECT_NEAR(c.meter().energy_wh(), 5'500.0, 1e-6);
}

TEST(ConnectorTransaction, stop_without_a_transaction_returns_nothing) {
  Connector c{1, ac_22kw};
  c.plug(t0, ev_11kw_ac);
  EXPECT_FALSE(c.stop_transaction(t0).has_value());
  EXPECT_EQ(c.status(), ConnectorStatus::Preparing);
}

TEST(ConnectorTransaction, stop_after_unplug_does_not_show_finishing) {
  Connector c = charging_ac();
  c.unplug(t0 + 1min);
  c.stop_transaction(t0 + 1min);
  EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

// --- power and energy --------------------------------------------------------------------

TEST(ConnectorPower, ac_power_is_the_ev_limit_and_matches_voltage_times_current_times_phases) {
  Connector c = charging_ac();
  const Meter& m = c.meter();
  EXPECT_DOUBLE_EQ(m.power_w(), 11'000.0);
  EXPECT_DOUBLE_EQ(m.voltage_v(), 230.0);
  EXPECT_NEAR(m.current_a(), 11'000.0 / (3 * 230.0), 1e-9);
  EXPECT_NEAR(m.voltage_v() * m.current_a() * 3, m.power_w(), 1e-6);
}

TEST(ConnectorPower, ac_power_is_limited_by_the_connector_current) {
  const ConnectorSpec spec_16a{CurrentType::AC, 3, 230.0, 16.0, 22'000.0};
  Connector c = charging_ac(spec_16a, EvSpec{60'000.0, 22'000.0, 100'000.0, 0.2});
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 3 * 230.0 * 16.0);
  EXPECT_DOUBLE_EQ(c.meter().current_a(), 16.0);
}

TEST(ConnectorPower, ac_power_is_limited_by_the_connector_power) {
  const ConnectorSpec single_phase{CurrentType::AC, 1, 230.0, 32.0, 3'700.0};
  Connector c = charging_ac(single_phase);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 3'700.0);
  EXPECT_NEAR(c.meter().current_a(), 3'700.0 / 230.0, 1e-9);
}

TEST(ConnectorPower, offered_limit_caps_power) {
  Connector c = charging_ac();
  c.set_offered_limit_w(t0, 4'140.0);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 4'140.0);
  EXPECT_NEAR(c.meter().current_a(), 6.0, 1e-9);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
}

TEST(ConnectorPower, idle_connector_draws_nothing_but_shows_supply_voltage) {
  Connector c{1, dc_150kw};
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  EXPECT_DOUBLE_EQ(c.meter().current_a(), 0.0);
  EXPECT_DOUBLE_EQ(c.meter().voltage_v(), 800.0);
}

TEST(ConnectorPower, dc_current_is_power_over_voltage) {
  Connector c{1, dc_150kw};
  c.plug(t0, ev_11kw_ac); // max DC 100 kW < 150 kW connector
  ASSERT_TRUE(c.start_transaction(t0, tx()));
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 100'000.0);
  EXPECT_DOUBLE_EQ(c.meter().voltage_v(), 800.0);
  EXPECT_DOUBLE_EQ(c.meter().current_a(), 125.0);
}

TEST(ConnectorPower, soc_is_reported_only_while_an_ev_is_plugged) {
  Connector c{1, ac_22kw};
  EXPECT_FALSE(c.soc_percent().has_value());
  c.plug(t0, ev_11kw_ac);
  ASSERT_TRUE(c.soc_percent().has_value());
  EXPECT_DOUBLE_EQ(*c.soc_percent(), 20.0);
  c.unplug(t0 + 1min);
  EXPECT_FALSE(c.soc_percent().has_value());
}

TEST(ConnectorPower, ac_soc_rises_with_energy_and_ev_stops_drawing_when_full) {
  // 6 kWh missing at 11 kW: full after ~33 minutes, long before the 2 h advance.
  Connector c = charging_ac(ac_22kw, EvSpec{60'000.0, 11'000.0, 100'000.0, 0.9});
  c.advance(t0 + 15min);
  EXPECT_NEAR(*c.soc_percent(), 90.0 + 100.0 * (11'000.0 / 4.0) / 60'000.0, 1e-6);
  c.advance(t0 + 2h);
  EXPECT_DOUBLE_EQ(*c.soc_percent(), 100.0);
  EXPECT_NEAR(c.meter().energy_wh(), 6'000.0, 1e-3);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
}

TEST(ConnectorPower, dc_soc_rises_and_power_tapers_above_80_percent) {
  Connector c{1, dc_150kw};
  c.plug(t0, ev_11kw_ac); // 60 kWh, 100 kW DC, 20 % SoC
  ASSERT_TRUE(c.start_transaction(t0, tx()));

  double last_soc = *c.soc_percent();
  double last_power = c.meter().power_w();
  bool saw_taper = false;
  for (auto t = t0 + 1min; t <= t0 + 3h; t += 1min) {
    c.advance(t);
    const double soc = *c.soc_percent();
    const double power = c.meter().power_w();
    EXPECT_GE(soc, last_soc);
    if (soc < 80.0) {
      EXPECT_DOUBLE_EQ(power, 100'000.0) << "at soc " << soc;
    } else if (soc < 100.0) {
      saw_taper = true;
      EXPECT_LT(power, 100'000.0) << "at soc " << soc;
      EXPECT_LE(power, last_power);
      EXPECT_GE(power, 10'000.0 - 1e-6); // never below a tenth of max before full
    }
    last_soc = soc;
    last_power = power;
  }
  EXPECT_TRUE(saw_taper);
  EXPECT_DOUBLE_EQ(*c.soc_percent(), 100.0);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 0.0);
  EXPECT_EQ(c.status(), ConnectorStatus::SuspendedEV);
  // Everything the meter counted went into the battery.
  EXPECT_NEAR(c.meter().energy_wh(), 0.8 * 60'000.0, 1e-3);
}

TEST(ConnectorPower, dc_reaches_the_knee_at_the_expected_time) {
  // 60 % of 60 kWh at 100 kW: the knee is at 21.6 minutes.
  Connector c{1, dc_150kw};
  c.plug(t0, ev_11kw_ac);
  ASSERT_TRUE(c.start_transaction(t0, tx()));
  c.advance(t0 + 21min);
  EXPECT_DOUBLE_EQ(c.meter().power_w(), 100'000.0);
  c.advance(t0 + 22min);
  EXPECT_LT(c.meter().power_w(), 100'000.0);
}

TEST(ConnectorPower, one_long_advance_matches_many_short_ones) {
  std::vector<Connector> cs;
  cs.emplace_back(1, dc_150kw);
  cs.emplace_back(2, dc_150kw);
  for (Connector& c : cs) {
    c.plug(t0, ev_11kw_ac);
    ASSERT_TRUE(c.start_transaction(t0, tx()));
  }
  for (auto t = t0 + 1s; t <= t0 + 35min; t += 1s)
    cs[0].advance(t);
  cs[1].advance(t0 + 35min); // mid-taper
  EXPECT_NEAR(*cs[1].soc_percent(), *cs[0].soc_percent(), 0.2);
  EXPECT_NEAR(cs[1].meter().energy_wh(), cs[0].meter().energy_wh(), 0.002 * 60'000.0);
}

TEST(ConnectorPower, backwards_time_changes_nothing) {
  Connector c = charging_ac();
  c.advance(t0 + 1h);
  const double e = c.meter().energy_wh();
  const double soc = *c.soc_percent();
  c.advance(t0 + 30min);
  EXPECT_DOUBLE_EQ(c.meter().energy_wh(), e);
  EXPECT_DOUBLE_EQ(*c.soc_percent(), soc);
  EXPECT_EQ(c.status(), ConnectorStatus::Charging);
}
