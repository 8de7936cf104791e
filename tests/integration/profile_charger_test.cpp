// Chargers built from brand/model profiles (brands/) against the strict ocpp-rpc CSMS: boot
// strings, connectors, NotSupported for what the profile leaves out, and meter physics over
// a session on a virtual clock (DC SoC rising with power tapering; AC P = V * I * phases).
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <unistd.h>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/charger_identity.hpp"
#include "simulator/core/clock.hpp"
#include "strict_csms_fixture.hpp"
#include "tests/support/source_tree.hpp"

namespace ocppfleet::testing {
namespace {

using ocppfleet::testing::brands_dir;

std::optional<double> sample(const json& meter_values, const std::string& measurand) {
  if (!meter_values.contains("meterValue")) return std::nullopt;
  for (const auto& mv : meter_values["meterValue"])
    for (const auto& sv : mv["sampledValue"])
      if (sv.value("measurand", "") == measurand) return std::stod(sv["value"].get<std::string>());
  return std::nullopt;
}

class ProfileChargers : public V16AgainstStrictCsms {
protected:
  void SetUp() override {
    V16AgainstStrictCsms::SetUp();
    // The same engine, on a clock the test moves: an hour of charging takes a second.
    engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{2, &clock_});
    catalog_ = std::make_unique<catalog::Catalog>(brands_dir());
    auto evs = catalog_->evs();
    ASSERT_TRUE(evs.catalog) << (evs.errors.empty() ? "no evs.yaml" : evs.errors.front().to_string());
    evs_ = evs.catalog;
  }

  std::shared_ptr<const catalog::ModelProfile> profile(const std::string& slug) {
    auto lookup = catalog_->get(slug);
    EXPECT_TRUE(lookup.profile) << slug << ": " << (lookup.errors.empty() ? "" : lookup.errors.front().to_string());
    return lookup.profile;
  }

  fleet::ChargerId add_model(const std::string& identity, const std::string& slug, std::uint64_t index) {
    fleet::ChargerSpec spec;
    spec.identity.identity = identity;
    spec.profile = profile(slug);
    spec.evs = evs_;
    catalog::apply_profile_identity(*spec.profile, kSeed, index, spec.identity);
    spec.link = link_;
    spec.options.seed = kSeed;
    spec.options.fleet_index = index;
    spec.options.frame_log_capacity = 4096;
    spec.options.frame_log_frame_bytes = 1 << 20;
    spec.options.call_timeout = 5s;
    const auto id = engine_->add(std::move(spec));
    ids_.push_back(id);
    engine_->start(id);
    return id;
  }

  // Moves the clock, asks for a MeterValues sample and returns it (periodic samples the
  // jump makes due may arrive too; the triggered one is told apart by its context).
  json sample_after(const std::string& identity, std::chrono::seconds step, int connector) {
    const auto triggered = [identity](const json& e) {
      return e.value("event", "") == "call" && e.value("identity", "") == identity &&
             e.value("action", "") == "MeterValues" &&
             e["params"]["meterValue"][0]["sampledValue"][0].value("context", "") == "Trigger";
    };
    clock_.advance(step);
    const auto before = peer_->count(triggered);
    const auto r =
        peer_->call(identity, "TriggerMessage", {{"requestedMessage", "MeterValues"}, {"connectorId", connector}});
    EXPECT_EQ(r["result"]["status"], "Accepted") << r.dump();
    if (!peer_->wait_for_count(triggered, before + 1, 5s)) return json::object();
    json last;
    for (const auto& e : peer_->events())
      if (triggered(e)) last = e["params"];
    return last;
  }

  // Moves the clock and sends the charger a call, so it catches up with the hardware work
  // now due (a virtual jump does not fire the real timer early).
  void advance_and_kick(const std::string& identity, std::chrono::milliseconds step) {
    clock_.advance(step);
    const auto r = peer_->call(identity, "TriggerMessage", {{"requestedMessage", "Heartbeat"}});
    EXPECT_TRUE(r["ok"]) << r.dump();
  }

  bool status_seen(const std::string& identity, int connector, const std::string& status) {
    return peer_->count([&](const json& e) {
      return e.value("event", "") == "call" && e.value("identity", "") == identity &&
             e.value("action", "") == "StatusNotification" && e["params"]["connectorId"] == connector &&
             e["params"]["status"] == status;
    }) > 0;
  }

  static constexpr std::uint64_t kSeed = 11;
  core::VirtualClock clock_;
  std::unique_ptr<catalog::Catalog> catalog_;
  std::shared_ptr<const catalog::EvCatalog> evs_;
};

TEST_F(ProfileChargers, terra_184_boots_with_its_identity_reports_both_outlets_and_refuses_what_it_lacks) {
  start_peer();
  const auto id = add_model("ABB-T184-1", "abb/terra-184", 0);
  ASSERT_TRUE(wait_booted(1));
  const auto boot = peer_->wait_for_event(call_event("ABB-T184-1", "BootNotification"), 5s);
  ASSERT_TRUE(boot);
  EXPECT_EQ((*boot)["params"]["chargePointVendor"], "ABB");
  EXPECT_EQ((*boot)["params"]["chargePointModel"], "Terra 184");
  EXPECT_EQ((*boot)["params"]["firmwareVersion"], "1.8.26");
  EXPECT_EQ((*boot)["params"]["meterType"], "DC meter");
  const std::string serial = (*boot)["params"]["chargePointSerialNumber"];
  EXPECT_EQ(serial.rfind("TA184-", 0), 0u) << serial;
  EXPECT_EQ(serial.size(), 13u) << serial;
  // The Terra reports its connectors 2 s after the boot is accepted (profile delay).
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(peer_->count(call_event("ABB-T184-1", "StatusNotification")), 0u);
  advance_and_kick("ABB-T184-1", 2500ms);
  // Connector 0 and its two outlets.
  ASSERT_TRUE(peer_->wait_for_count(call_event("ABB-T184-1", "StatusNotification"), 3, 5s));
  std::set<int> connectors;
  for (const auto& e : peer_->events())
    if (e.value("event", "") == "call" && e["action"] == "StatusNotification")
      connectors.insert(e["params"]["connectorId"].get<int>());
  EXPECT_EQ(connectors, (std::set<int>{0, 1, 2}));
  auto r = peer_->call("ABB-T184-1", "GetConfiguration", {{"key", {"NumberOfConnectors", "MeterValueSampleInterval"}}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  for (const auto& kv : r["result"]["configurationKey"]) {
    if (kv["key"] == "NumberOfConnectors") {
      EXPECT_EQ(kv["value"], "2");
    } else if (kv["key"] == "MeterValueSampleInterval") {
      EXPECT_EQ(kv["value"], "30"); // the profile's, not our 60
    }
  }
  // SetChargingProfile is a 1.6 action the Terra 184 profile leaves out; an unknown one stays
  // NotImplemented.
  peer_->send_raw("ABB-T184-1", R"([2,"np-1","SetChargingProfile",{}])");
  peer_->send_raw("ABB-T184-1", R"([2,"np-2","FlyToTheMoon",{}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "np-2").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "np-1"))[2], "NotSupported");
  EXPECT_EQ((*sent_frame_with_id(id, "np-2"))[2], "NotImplemented");
  r = peer_->call("ABB-T184-1", "DataTransfer", {{"vendorId", "com.abb"}});
  EXPECT_EQ(r["result"]["status"], "Accepted"); // the profile's vendor id
}

TEST_F(ProfileChargers, terra_184_session_reports_soc_rising_and_power_tapering) {
  start_peer();
  add_model("ABB-T184-2", "abb/terra-184", 1);
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("ABB-T184-2", "RemoteStartTransaction", {{"idTag", "DC-TAG"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  // Nothing goes out before the delayed first status report (issue 12): the start waits for it.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(peer_->count(call_event("ABB-T184-2", "StartTransaction")), 0u);
  advance_and_kick("ABB-T184-2", 2500ms); // the delayed first status report
  ASSERT_TRUE(peer_->wait_for_event(call_event("ABB-T184-2", "StartTransaction"), 5s));
  // Cable check and precharge: the outlet holds power back for 15 s (SuspendedEVSE), then charges.
  ASSERT_TRUE(eventually([&] { return status_seen("ABB-T184-2", 1, "SuspendedEVSE"); }, 5s));
  EXPECT_FALSE(status_seen("ABB-T184-2", 1, "Charging"));
  advance_and_kick("ABB-T184-2", 13s);
  ASSERT_TRUE(eventually([&] { return status_seen("ABB-T184-2", 1, "Charging"); }, 5s));
  std::vector<double> soc;
  std::vector<double> power;
  for (int i = 0; i < 12; ++i) {
    const auto mv = sample_after("ABB-T184-2", 4min, 1);
    const auto s = sample(mv, "SoC");
    const auto p = sample(mv, "Power.Active.Import");
    ASSERT_TRUE(s && p) << mv.dump();
    soc.push_back(*s);
    power.push_back(*p);
  }
  for (std::size_t i = 1; i < soc.size(); ++i)
    EXPECT_GE(soc[i], soc[i - 1]) << "SoC went down at sample " << i;
  EXPECT_GT(soc.back(), soc.front() + 20) << "48 minutes of DC charging";
  const double peak = *std::max_element(power.begin(), power.end());
  EXPECT_GT(peak, 40'000.0) << "a DC session draws tens of kW";
  EXPECT_LE(peak, 180'000.0 + 1.0) << "never above the outlet's rating";
  EXPECT_LT(power.back(), 0.8 * peak) << "power tapers as the battery fills (SoC " << soc.back() << " %)";
}

TEST_F(ProfileChargers, ac_model_power_is_voltage_times_current_times_phases) {
  start_peer();
  const auto prof = profile("abb/terra-ac-w22");
  add_model("ABB-W22-1", "abb/terra-ac-w22", 3);
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("ABB-W22-1", "ChangeConfiguration",
                       {{"key", "MeterValuesSampledData"},
                        {"value", "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage"}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  r = peer_->call("ABB-W22-1", "RemoteStartTransaction", {{"idTag", "AC-TAG"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
  // Any authorize -> start delay of the profile passes on the virtual clock.
  for (int i = 0; i < 5 && peer_->count(call_event("ABB-W22-1", "StartTransaction")) == 0; ++i)
    advance_and_kick("ABB-W22-1", 1s);
  ASSERT_TRUE(peer_->wait_for_event(call_event("ABB-W22-1", "StartTransaction"), 5s));
  const auto mv = sample_after("ABB-W22-1", 2min, 1);
  const auto p = sample(mv, "Power.Active.Import");
  const auto v = sample(mv, "Voltage");
  const auto i = sample(mv, "Current.Import");
  ASSERT_TRUE(p && v && i) << mv.dump();
  // The EV of this session is the catalogue's seeded pick: its on-board charger decides how
  // many of the connector's phases it draws on.
  const auto* connector = prof->hardware.connector(1);
  const auto session = evs_->session(catalog::ev_seed(kSeed, 3, 1, 0), connector->type);
  ASSERT_TRUE(session);
  const int phases = std::min(connector->spec.phases, session->ev->ac_phases);
  EXPECT_GT(*p, 1000.0);
  EXPECT_NEAR(*p, *v * *i * phases, 0.01 * *p + 1.0)
      << "P=" << *p << " V=" << *v << " I=" << *i << " phases=" << phases;
}

// The profile's fault model: a seeded Poisson process of faults. A test model with a high
// rate shows the first fault (connector, code, time and duration all from the seed) and its end.
TEST_F(ProfileChargers, authorization_key_is_write_only_get_configuration_lists_it_without_its_value) {
  start_peer();
  add_model("ABB-W22-AK", "abb/terra-ac-w22", 0); // its profile declares AuthorizationKey
  ASSERT_TRUE(wait_booted(1));
  const std::string secret = "0123456789abcdef0123";
  auto r = peer_->call("ABB-W22-AK", "ChangeConfiguration", {{"key", "AuthorizationKey"}, {"value", secret}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  EXPECT_EQ(r["result"]["status"], "Accepted");
  const auto authorization_key = [](const json& result) -> std::optional<json> {
    for (const auto& kv : result.value("configurationKey", json::array()))
      if (kv["key"] == "AuthorizationKey") return kv;
    return std::nullopt;
  };
  // Asked for by name and in the full listing: known and writable, never its value (the strict
  // peer checks the answer against the GetConfiguration.conf schema, where value is optional).
  for (const json& request : {json{{"key", {"AuthorizationKey"}}}, json::object()}) {
    r = peer_->call("ABB-W22-AK", "GetConfiguration", request);
    ASSERT_TRUE(r["ok"]) << r.dump();
    const auto kv = authorization_key(r["result"]);
    ASSERT_TRUE(kv) << r.dump();
    EXPECT_EQ((*kv)["readonly"], false);
    EXPECT_FALSE(kv->contains("value")) << kv->dump();
    EXPECT_FALSE(r["result"].contains("unknownKey")) << r.dump();
    EXPECT_EQ(r.dump().find(secret), std::string::npos) << "the secret left the charger";
  }
}

TEST_F(ProfileChargers, seeded_faults_of_the_profile_come_and_go_on_schedule) {
  const auto dir = std::filesystem::temp_directory_path() / ("ocppfleet-faulty-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "testbrand");
  {
    std::ofstream yaml{dir / "testbrand" / "faulty-w22.yaml"};
    yaml << "extends: " << (brands_dir() / "abb" / "terra-ac-w22.yaml").string() << "\n"
         << "personality:\n  faults:\n    error_codes: [GroundFailure, HighTemperature]\n    rate_per_hour: 60\n";
  }
  catalog::Catalog test_catalog{dir};
  auto lookup = test_catalog.get("testbrand/faulty-w22");
  ASSERT_TRUE(lookup.profile) << (lookup.errors.empty() ? "" : lookup.errors.front().to_string());
  start_peer();
  fleet::ChargerSpec spec;
  spec.identity.identity = "FAULTY-1";
  spec.profile = lookup.profile;
  spec.link = link_;
  spec.options.seed = kSeed;
  spec.options.frame_log_capacity = 4096;
  spec.options.frame_log_frame_bytes = 1 << 20;
  const auto id = engine_->add(spec);
  ids_.push_back(id);
  engine_->start(id);
  ASSERT_TRUE(wait_booted(1));
  advance_and_kick("FAULTY-1", 2s); // the delayed first status report
  ASSERT_TRUE(eventually([&] { return status_seen("FAULTY-1", 1, "Available"); }, 5s));

  ocpp::ChargePointOptions options;
  options.seed = kSeed;
  options.profile = lookup.profile.get();
  const auto fault = ocpp::next_fault(options, "FAULTY-1", 1, 0);
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->connector_id, 1);
  EXPECT_GE(fault->lasts, 30s);
  const auto again = ocpp::next_fault(options, "FAULTY-1", 1, 0);
  EXPECT_EQ(again->after, fault->after); // seeded: the same schedule every run
  EXPECT_EQ(again->error_code, fault->error_code);
  // The schedule started at the accepted boot; 2 s have passed since.
  if (fault->after > 3s) {
    advance_and_kick("FAULTY-1", std::chrono::duration_cast<std::chrono::milliseconds>(fault->after) - 3s);
    std::this_thread::sleep_for(200ms);
    EXPECT_FALSE(status_seen("FAULTY-1", 1, "Faulted")) << "a fault before its time";
  }
  advance_and_kick("FAULTY-1",
                   fault->after > 3s ? 2s : std::chrono::duration_cast<std::chrono::milliseconds>(fault->after));
  ASSERT_TRUE(eventually([&] { return status_seen("FAULTY-1", 1, "Faulted"); }, 5s));
  const auto faulted = peer_->wait_for_event(
      [](const json& e) { return e.value("event", "") == "call" && e["params"].value("status", "") == "Faulted"; }, 1s);
  ASSERT_TRUE(faulted);
  EXPECT_EQ((*faulted)["params"]["errorCode"], fault->error_code);
  advance_and_kick("FAULTY-1", fault->lasts + 1s);
  const auto available_again = [&] {
    return peer_->count([](const json& e) {
      return e.value("event", "") == "call" && e.value("action", "") == "StatusNotification" &&
             e["params"]["connectorId"] == 1 && e["params"]["status"] == "Available";
    }) >= 2;
  };
  EXPECT_TRUE(eventually(available_again, 5s)) << "the fault clears after its duration";
  std::filesystem::remove_all(dir);
}

// The reference create example's model and version (abb / terra-184 / CCS2 / OCPP2.0.1): the
// same profile over 2.0.1 against the strict peer, both EVSEs and the profile's device model.
class ProfileChargersV201 : public V201AgainstStrictCsms {
protected:
  void SetUp() override {
    V201AgainstStrictCsms::SetUp();
    engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{2, &clock_});
    catalog_ = std::make_unique<catalog::Catalog>(brands_dir());
  }

  fleet::ChargerId add_model(const std::string& identity, const std::string& slug) {
    auto lookup = catalog_->get(slug);
    EXPECT_TRUE(lookup.profile) << slug;
    fleet::ChargerSpec spec;
    spec.identity.identity = identity;
    spec.version = ocpp::ProtocolVersion::V201;
    spec.profile = lookup.profile;
    spec.evs = catalog_->evs().catalog;
    catalog::apply_profile_identity(*spec.profile, 11, 0, spec.identity);
    spec.link = link_;
    spec.options.seed = 11;
    spec.options.frame_log_capacity = 4096;
    spec.options.call_timeout = 5s;
    const auto id = engine_->add(std::move(spec));
    ids_.push_back(id);
    engine_->start(id);
    return id;
  }

  core::VirtualClock clock_;
  std::unique_ptr<catalog::Catalog> catalog_;
};

TEST_F(ProfileChargersV201, terra_184_boots_over_2_0_1_with_both_evses_and_its_device_model) {
  start_peer();
  // The catalogue's brand-prefixed slug names the same profile as the reference's "terra-184".
  const auto id = add_model("ABB-T184-201", "abb/abb-terra-184");
  ASSERT_TRUE(wait_booted(1));
  const auto boot = peer_->wait_for_event(call_event("ABB-T184-201", "BootNotification"), 5s);
  ASSERT_TRUE(boot);
  EXPECT_EQ((*boot)["response"]["status"], "Accepted");
  const auto& station = (*boot)["params"]["chargingStation"];
  EXPECT_EQ(station["vendorName"], "ABB");
  EXPECT_EQ(station["model"], "Terra 184");
  EXPECT_EQ(station["firmwareVersion"], "1.8.26");
  EXPECT_EQ(station["serialNumber"].get<std::string>().rfind("TA184-", 0), 0u) << station.dump();
  // The status report waits for the profile's 2 s boot delay (virtual time), then one per EVSE.
  clock_.advance(2500ms);
  const auto r = peer_->call("ABB-T184-201", "TriggerMessage", {{"requestedMessage", "Heartbeat"}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  ASSERT_TRUE(peer_->wait_for_count(call_event("ABB-T184-201", "StatusNotification"), 2, 5s));
  std::set<int> evses;
  for (const auto& e : peer_->events())
    if (e.value("event", "") == "call" && e["action"] == "StatusNotification") {
      evses.insert(e["params"]["evseId"].get<int>());
      EXPECT_EQ(e["params"]["connectorStatus"], "Available");
    }
  EXPECT_EQ(evses, (std::set<int>{1, 2}));
  const auto get = peer_->call(
      "ABB-T184-201", "GetVariables",
      {{"getVariableData",
        json::array(
            {{{"component", {{"name", "EVSE"}, {"evse", {{"id", 2}}}}}, {"variable", {{"name", "Power"}}}},
             {{"component", {{"name", "SampledDataCtrlr"}}}, {"variable", {{"name", "TxUpdatedInterval"}}}}})}});
  ASSERT_TRUE(get["ok"]) << get.dump();
  EXPECT_EQ(get["result"]["getVariableResult"][0]["attributeValue"], "180000");
  EXPECT_EQ(get["result"]["getVariableResult"][1]["attributeValue"], "30");
  // SetChargingProfile stays out of the Terra's 2.0.1 action list, as on 1.6.
  peer_->send_raw("ABB-T184-201", R"([2,"np-1","SetChargingProfile",{}])");
  ASSERT_TRUE(eventually([&] { return sent_frame_with_id(id, "np-1").has_value(); }, 5s));
  EXPECT_EQ((*sent_frame_with_id(id, "np-1"))[2], "NotSupported");
}

} // namespace
} // namespace ocppfleet::testing
