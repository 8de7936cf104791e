// Our own simulated chargers (the fleet engine) against our embedded CSMS, both versions:
// they boot to Accepted, report statuses, run a session, and answer a remote start.
#include "csms_fixture.hpp"
#include "simulator/fleet/engine.hpp"

namespace ocppfleet::testing {
namespace {

class CsmsWithFleet : public CsmsServerTest {
protected:
  void TearDown() override {
    if (engine_) engine_->shutdown();
    engine_.reset();
    CsmsServerTest::TearDown();
  }

  fleet::ChargerId add(const std::string& identity, ocpp::ProtocolVersion version) {
    if (!engine_) engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{2, nullptr});
    auto link = std::make_shared<transport::LinkConfig>();
    std::string error;
    auto url = transport::parse_ws_url(endpoint(), &error);
    EXPECT_TRUE(url) << error;
    link->url = *url;
    link->subprotocol = std::string{ocpp::subprotocol(version)};
    link->backoff.initial = 200ms;
    link->connect_timeout = 5s;
    link->handshake_timeout = 5s;
    fleet::ChargerSpec spec;
    spec.identity.identity = identity;
    spec.identity.serial_number = "SN-" + identity;
    spec.link = link;
    spec.connector_spec = std::make_shared<charger::ConnectorSpec>();
    spec.connectors = 1;
    spec.version = version;
    spec.options.call_timeout = 5s;
    const auto id = engine_->add(std::move(spec));
    engine_->start(id);
    return id;
  }

  void boot_and_charge(const std::string& identity, ocpp::ProtocolVersion version) {
    start_server();
    const auto id = add(identity, version);
    ASSERT_TRUE(eventually([&] {
      const auto s = server_->station("default", identity);
      return s && s->connected && s->boot_status == "Accepted" && !s->connectors.empty();
    })) << "never booted";
    EXPECT_TRUE(eventually([&] { return engine_->counters().booted.load() >= 1; }));
    const auto st = server_->station("default", identity);
    EXPECT_EQ(st->vendor, "ocppfleet");
    EXPECT_EQ(st->serial_number, "SN-" + identity);
    EXPECT_EQ(st->ocpp_version, ocpp::subprotocol(version));

    // A remote start through the CSMS reaches the simulated charger, which starts a transaction.
    std::promise<csms::CallOutcome> answered;
    server_->remote_start("default", identity, 1, "REMOTE-1",
                          [&answered](csms::CallOutcome o) { answered.set_value(std::move(o)); });
    auto future = answered.get_future();
    ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
    const auto outcome = future.get();
    ASSERT_TRUE(std::holds_alternative<json>(outcome)) << std::get<csms::CallFailure>(outcome).description;
    EXPECT_EQ(std::get<json>(outcome)["status"], "Accepted");
    ASSERT_TRUE(eventually([&] {
      const auto txs = server_->list_transactions("default");
      return txs.size() == 1 && txs[0].state == csms::TransactionState::Active;
    })) << "no transaction started";
    EXPECT_EQ(server_->list_transactions("default")[0].id_token, "REMOTE-1");
    engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });
    ASSERT_TRUE(eventually([&] {
      const auto txs = server_->list_transactions("default");
      return txs.size() == 1 && txs[0].state == csms::TransactionState::Ended;
    })) << "the transaction never ended";
    EXPECT_GE(server_->list_transactions("default")[0].energy_wh, 0.0);
  }

  std::unique_ptr<fleet::Engine> engine_;
};

TEST_F(CsmsWithFleet, v16_simulated_charger_boots_and_charges_against_the_embedded_csms) {
  boot_and_charge("SIM-16", ocpp::ProtocolVersion::V16);
}

TEST_F(CsmsWithFleet, v201_simulated_charger_boots_and_charges_against_the_embedded_csms) {
  boot_and_charge("SIM-201", ocpp::ProtocolVersion::V201);
}

TEST_F(CsmsWithFleet, twenty_chargers_of_both_versions_all_reach_accepted) {
  start_server();
  for (int i = 0; i < 20; ++i)
    add("MIX-" + std::to_string(i), i % 2 == 0 ? ocpp::ProtocolVersion::V16 : ocpp::ProtocolVersion::V201);
  ASSERT_TRUE(eventually([&] { return engine_->counters().booted.load() >= 20; }, 20s))
      << "booted " << engine_->counters().booted.load();
  const auto stations = server_->list_stations("default");
  ASSERT_EQ(stations.size(), 20u);
  for (const auto& s : stations)
    EXPECT_EQ(s.boot_status, "Accepted") << s.identity;
}

} // namespace
} // namespace ocppfleet::testing
