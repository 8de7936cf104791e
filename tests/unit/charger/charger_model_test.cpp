#include <gtest/gtest.h>

#include <set>
#include <string>

#include "simulator/charger/charger_model.hpp"
#include "tests/unit/charger/charger_fixtures.hpp"

using namespace ocppfleet::charger;
using namespace ocppfleet::charger::testing;
using namespace std::chrono_literals;

namespace {

const ConnectorSpec default_spec{};
const EvSpec ev{};

ChargerModel make_charger(int connectors = 2) {
  ChargerIdentity id;
  id.identity = "CP-0001";
  return ChargerModel{std::move(id), default_spec, connectors};
}

void start_charging(Connector& c, SteadyTime at) {
  c.plug(at, ev);
  Transaction tx;
  tx.local_id = "t" + std::to_string(c.id());
  ASSERT_TRUE(c.start_transaction(at, tx));
}

} // namespace

TEST(ChargerModel, connectors_are_numbered_from_one) {
  ChargerModel m = make_charger(3);
  EXPECT_EQ(m.connector_count(), 3);
  for (int id = 1; id <= 3; ++id) {
    ASSERT_NE(m.connector(id), nullptr);
    EXPECT_EQ(m.connector(id)->id(), id);
  }
  EXPECT_EQ(m.connector(0), nullptr);
  EXPECT_EQ(m.connector(4), nullptr);
  const ChargerModel& cm = m;
  EXPECT_EQ(cm.connector(-1), nullptr);
  EXPECT_EQ(cm.connector(2), m.connector(2));
}

TEST(ChargerModel, transaction_ids_are_unique_and_carry_the_identity) {
  ChargerModel m = make_charger();
  std::set<std::string> ids;
  for (int i = 0; i < 10'000; ++i) {
    const std::string id = m.next_transaction_id();
    EXPECT_EQ(id.rfind("CP-0001-", 0), 0U) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10'000U);
}

TEST(ChargerModel, idle_charger_is_available) {
  ChargerModel m = make_charger();
  EXPECT_EQ(m.availability(), Availability::Operative);
  EXPECT_EQ(m.status(), ConnectorStatus::Available);
}

TEST(ChargerModel, inoperative_without_transactions_applies_to_every_connector) {
  ChargerModel m = make_charger();
  EXPECT_EQ(m.request_availability(t0, Availability::Inoperative), AvailabilityChange::Accepted);
  EXPECT_EQ(m.status(), ConnectorStatus::Unavailable);
  for (const Connector& c : m.connectors())
    EXPECT_EQ(c.status(), ConnectorStatus::Unavailable);
  EXPECT_EQ(m.request_availability(t0, Availability::Operative), AvailabilityChange::Accepted);
  EXPECT_EQ(m.status(), ConnectorStatus::Available);
  for (const Connector& c : m.connectors())
    EXPECT_EQ(c.status(), ConnectorStatus::Available);
}

TEST(ChargerModel, inoperative_is_scheduled_while_any_transaction_runs) {
  ChargerModel m = make_charger();
  start_charging(*m.connector(1), t0);
  EXPECT_EQ(m.request_availability(t0 + 1min, Availability::Inoperative), AvailabilityChange::Scheduled);
  EXPECT_EQ(m.status(), ConnectorStatus::Available);
  EXPECT_EQ(m.connector(1)->status(), ConnectorStatus::Charging);
  EXPECT_EQ(m.connector(2)->status(), ConnectorStatus::Unavailable);

  m.connector(1)->stop_transaction(t0 + 2min);
  EXPECT_EQ(m.connector(1)->status(), ConnectorStatus::Unavailable);
  EXPECT_EQ(m.status(), ConnectorStatus::Unavailable);
}

TEST(ChargerModel, advance_moves_every_connector) {
  ChargerModel m = make_charger();
  start_charging(*m.connector(1), t0);
  start_charging(*m.connector(2), t0);
  m.advance(t0 + 30min);
  for (const Connector& c : m.connectors())
    EXPECT_NEAR(c.meter().energy_wh(), 5'500.0, 1e-6);
}

TEST(ChargerModel, stop_reasons_use_ocpp16_spellings) {
  EXPECT_EQ(to_string(StopReason::Local), "Local");
  EXPECT_EQ(to_string(StopReason::Remote), "Remote");
  EXPECT_EQ(to_string(StopReason::EVDisconnected), "EVDisconnected");
  EXPECT_EQ(to_string(StopReason::HardReset), "HardReset");
  EXPECT_EQ(to_string(StopReason::SoftReset), "SoftReset");
  EXPECT_EQ(to_string(StopReason::PowerLoss), "PowerLoss");
  EXPECT_EQ(to_string(StopReason::Reboot), "Reboot");
  EXPECT_EQ(to_string(StopReason::UnlockCommand), "UnlockCommand");
  EXPECT_EQ(to_string(StopReason::DeAuthorized), "DeAuthorized");
  EXPECT_EQ(to_string(StopReason::EmergencyStop), "EmergencyStop");
  EXPECT_EQ(to_string(StopReason::Other), "Other");
}

TEST(ChargerModel, connector_statuses_use_ocpp16_spellings) {
  EXPECT_EQ(to_string(ConnectorStatus::Available), "Available");
  EXPECT_EQ(to_string(ConnectorStatus::Preparing), "Preparing");
  EXPECT_EQ(to_string(ConnectorStatus::Charging), "Charging");
  EXPECT_EQ(to_string(ConnectorStatus::SuspendedEV), "SuspendedEV");
  EXPECT_EQ(to_string(ConnectorStatus::SuspendedEVSE), "SuspendedEVSE");
  EXPECT_EQ(to_string(ConnectorStatus::Finishing), "Finishing");
  EXPECT_EQ(to_string(ConnectorStatus::Reserved), "Reserved");
  EXPECT_EQ(to_string(ConnectorStatus::Unavailable), "Unavailable");
  EXPECT_EQ(to_string(ConnectorStatus::Faulted), "Faulted");
}
