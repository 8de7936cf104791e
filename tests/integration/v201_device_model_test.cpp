// The 2.0.1 device model over the wire: GetVariables / SetVariables results and
// GetBaseReport -> NotifyReport paging, checked by the strict ocpp-rpc CSMS.
#include <set>
#include <tuple>

#include "simulator/ocpp/v201/device_model.hpp"
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

json var(const std::string& component, const std::string& variable) {
  return {{"component", {{"name", component}}}, {"variable", {{"name", variable}}}};
}

TEST_F(V201AgainstStrictCsms, get_base_report_pages_cover_every_variable) {
  start_peer();
  add_charger("V2-REPORT", 2);
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("V2-REPORT", "GetBaseReport", {{"requestId", 31}, {"reportBase", "FullInventory"}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();

  const auto& schema = v201::standard_device_model(2);
  const std::size_t pages_expected = (schema.variables().size() + 19) / 20;
  ASSERT_TRUE(peer_->wait_for_count(call_event("V2-REPORT", "NotifyReport"), pages_expected, 10s));
  using Key = std::tuple<std::string, int, std::string, std::string>; // component, evse, variable, instance
  std::set<Key> reported;
  int expected_seq = 0;
  bool saw_last = false;
  for (const auto& e : peer_->events()) {
    if (e.value("event", "") != "call" || e["action"] != "NotifyReport") continue;
    const auto& p = e["params"];
    EXPECT_EQ(p["requestId"], 31);
    EXPECT_EQ(p["seqNo"], expected_seq++);
    const bool tbc = p.value("tbc", false);
    EXPECT_FALSE(saw_last) << "a page after the last one";
    saw_last = !tbc;
    for (const auto& item : p["reportData"]) {
      const auto& c = item["component"];
      const auto& v = item["variable"];
      const int evse = c.contains("evse") ? c["evse"]["id"].get<int>() : 0;
      EXPECT_TRUE(reported.emplace(c["name"], evse, v["name"], v.value("instance", "")).second)
          << "reported twice: " << item.dump();
    }
  }
  EXPECT_TRUE(saw_last);
  EXPECT_EQ(static_cast<std::size_t>(expected_seq), pages_expected);
  for (const auto& def : schema.variables()) {
    const Key key{def.component, def.evse_id.value_or(0), def.variable, def.instance.value_or("")};
    EXPECT_TRUE(reported.count(key)) << "missing from the report: " << def.component << "." << def.variable;
  }
  EXPECT_EQ(reported.size(), schema.variables().size());
}

TEST_F(V201AgainstStrictCsms, set_and_get_variables_report_precise_results) {
  start_peer();
  add_charger("V2-VARS");
  ASSERT_TRUE(wait_booted(1));
  json set_data = json::array();
  auto hb = var("OCPPCommCtrlr", "HeartbeatInterval");
  hb["attributeValue"] = "45";
  auto ro = var("SecurityCtrlr", "SecurityProfile");
  ro["attributeValue"] = "3";
  auto unknown_component = var("FluxCapacitorCtrlr", "Enabled");
  unknown_component["attributeValue"] = "true";
  auto unknown_variable = var("OCPPCommCtrlr", "WarpFactor");
  unknown_variable["attributeValue"] = "9";
  auto bad_value = var("SampledDataCtrlr", "TxUpdatedInterval");
  bad_value["attributeValue"] = "soon";
  auto target = var("OCPPCommCtrlr", "HeartbeatInterval");
  target["attributeValue"] = "60";
  target["attributeType"] = "Target";
  for (const auto& d : {hb, ro, unknown_component, unknown_variable, bad_value, target})
    set_data.push_back(d);
  auto r = peer_->call("V2-VARS", "SetVariables", {{"setVariableData", set_data}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  const auto& results = r["result"]["setVariableResult"];
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0]["attributeStatus"], "Accepted");
  EXPECT_EQ(results[1]["attributeStatus"], "Rejected");
  EXPECT_EQ(results[2]["attributeStatus"], "UnknownComponent");
  EXPECT_EQ(results[3]["attributeStatus"], "UnknownVariable");
  EXPECT_EQ(results[4]["attributeStatus"], "Rejected");
  EXPECT_EQ(results[5]["attributeStatus"], "NotSupportedAttributeType");
  EXPECT_EQ(results[2]["component"]["name"], "FluxCapacitorCtrlr"); // echoed as asked

  r = peer_->call("V2-VARS", "GetVariables",
                  {{"getVariableData",
                    json::array({var("OCPPCommCtrlr", "HeartbeatInterval"), var("SecurityCtrlr", "BasicAuthPassword"),
                                 var("AuthCtrlr", "AuthorizeRemoteStart"), var("Nope", "Nothing")})}});
  ASSERT_TRUE(r["ok"]) << r.dump();
  const auto& got = r["result"]["getVariableResult"];
  EXPECT_EQ(got[0]["attributeValue"], "45");
  EXPECT_EQ(got[1]["attributeStatus"], "Rejected"); // write-only
  EXPECT_FALSE(got[1].contains("attributeValue"));
  EXPECT_EQ(got[2]["attributeValue"], "true");
  EXPECT_EQ(got[3]["attributeStatus"], "UnknownComponent");

  // The new heartbeat interval is used at once: at 45 s nothing comes in a second, so
  // check the charger's own schedule through a 1 s interval instead.
  hb["attributeValue"] = "1";
  r = peer_->call("V2-VARS", "SetVariables", {{"setVariableData", json::array({hb})}});
  ASSERT_EQ(r["result"]["setVariableResult"][0]["attributeStatus"], "Accepted");
  EXPECT_TRUE(peer_->wait_for_count(call_event("V2-VARS", "Heartbeat"), 2, 5s));
}

} // namespace
} // namespace ocppfleet::testing
