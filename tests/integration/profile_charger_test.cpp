// Chargers built from brand/model profiles (brands/) against the strict ocpp-rpc CSMS: boot
// strings, connectors, NotSupported for what the profile leaves out, and meter physics over
// a session on a virtual clock (DC SoC rising with power tapering; AC P = V * I * phases).
#include <cmath>
#include <cstdlib>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/charger_identity.hpp"
#include "simulator/core/clock.hpp"
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

std::filesystem::path brands_dir() {
  const char* src = std::getenv("OCPPFLEET_SOURCE_DIR");
  return std::filesystem::path{src != nullptr ? src : OCPPFLEET_TEST_SOURCE_DIR} / "brands";
}

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
      return e.value("event", "") == "call" && e.value("identity", "") == identity && e.value("action", "") == "MeterValues" &&
             e["params"]["meterValue"][0]["sampledValue"][0].value("context", "") == "Trigger";
    };
    clock_.advance(step);
    const auto before = peer_->count(triggered);
    const auto r = peer_->call(identity, "TriggerMessage", {{"requestedMessage", "MeterValues"}, {"connectorId", connector}});
    EXPECT_EQ(r["result"]["status"], "Accepted") << r.dump();
    if (!peer_->wait_for_count(triggered, before + 1, 5s)) return json::object();
    json last;
    for (const auto& e : peer_->events())
      if (triggered(e)) last = e["params"];
    return last;
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
  // Connector 0 and its two outlets.
  ASSERT_TRUE(peer_->wait_for_count(call_event("ABB-T184-1", "StatusNotification"), 3, 5s));
  std::set<int> connectors;
  for (const auto& e : peer_->events())
    if (e.value("event", "") == "call" && e["action"] == "StatusNotification") connectors.insert(e["params"]["connectorId"].get<int>());
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
  ASSERT_TRUE(peer_->wait_for_event(call_event("ABB-T184-2", "StartTransaction"), 5s));
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
  for (std::size_t i = 1; i < soc.size(); ++i) EXPECT_GE(soc[i], soc[i - 1]) << "SoC went down at sample " << i;
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
                       {{"key", "MeterValuesSampledData"}, {"value", "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage"}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  r = peer_->call("ABB-W22-1", "RemoteStartTransaction", {{"idTag", "AC-TAG"}, {"connectorId", 1}});
  ASSERT_EQ(r["result"]["status"], "Accepted");
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
  EXPECT_NEAR(*p, *v * *i * phases, 0.01 * *p + 1.0) << "P=" << *p << " V=" << *v << " I=" << *i << " phases=" << phases;
}

} // namespace
} // namespace ocppfleet::testing
