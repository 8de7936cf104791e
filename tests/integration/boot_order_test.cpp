// Order at boot (issue 12): after an accepted boot, nothing but the boot-time
// StatusNotifications (every connector / EVSE, Available when idle) goes out before any
// session message (Authorize, StartTransaction, TransactionEvent), for every profile in
// brands/ over every OCPP version it speaks, against the strict ocpp-rpc CSMS on the real
// clock (the profiles' boot_to_status delays run for real: at most 5 s). Sessions are asked
// for both before the boot is answered and the moment it is accepted (what `ocppfleet run
// --sessions` does); they must still start, after the report.
#include <cstdio>
#include <cstdlib>
#include <set>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/charger_identity.hpp"
#include "strict_csms_fixture.hpp"
#include "tests/support/source_tree.hpp"

namespace ocppfleet::testing {
namespace {

using ocppfleet::testing::brands_dir;

bool is_session_message(const json& call) {
  const auto& action = call[2];
  return action == "Authorize" || action == "StartTransaction" || action == "TransactionEvent";
}

template <ocpp::ProtocolVersion V> class BootOrder : public AgainstStrictCsms {
protected:
  BootOrder() : AgainstStrictCsms(V) {}

  struct Charger {
    std::string slug;
    std::string identity;
    fleet::ChargerId id;
    int connectors; // 1.6 connectors / 2.0.1 EVSEs (one connector each)
    bool early;     // session asked for before the boot was answered
    std::string tag;
  };

  // The CALLs this charger sent, in order.
  std::vector<json> sent(fleet::ChargerId id) {
    std::vector<json> out;
    const auto frames = engine_->frames(id);
    if (!frames) return out;
    for (const auto& f : *frames) {
      if (f.direction != rpc::Direction::ChargerToCsms) continue;
      auto j = json::parse(f.text, nullptr, false);
      if (j.is_array() && j.size() == 4 && j[0] == 2) out.push_back(std::move(j));
    }
    return out;
  }

  bool session_started(const Charger& c) {
    const bool v16 = V == ocpp::ProtocolVersion::V16;
    return peer_->count([&](const json& e) {
      if (e.value("event", "") != "call" || e.value("identity", "") != c.identity || e.value("ok", json{}) != true)
        return false;
      if (v16) return e["action"] == "StartTransaction";
      return e["action"] == "TransactionEvent" && e["params"].value("eventType", "") == "Started";
    }) > 0;
  }

  void every_profile_reports_its_connectors_before_any_session_message() {
    start_peer();
    catalog::Catalog catalog{brands_dir()};
    const auto evs = catalog.evs().catalog;
    const std::string version{ocpp::to_string(V)};
    std::vector<Charger> chargers;
    std::set<std::string> models;
    for (const auto& slug : catalog.model_slugs()) {
      const auto lookup = catalog.get(slug);
      ASSERT_TRUE(lookup.profile) << slug;
      if (!lookup.profile->hardware.supports(version)) continue;
      models.insert(slug);
      for (const bool early : {true, false}) {
        const auto index = static_cast<std::uint64_t>(chargers.size());
        fleet::ChargerSpec spec;
        spec.identity.identity = "BO-" + std::to_string(index + 1);
        spec.profile = lookup.profile;
        spec.evs = evs;
        catalog::apply_profile_identity(*spec.profile, 5, index, spec.identity);
        spec.link = link_;
        spec.version = V;
        spec.options.seed = 5;
        spec.options.fleet_index = index;
        spec.options.frame_log_capacity = 4096;
        spec.options.frame_log_frame_bytes = 1 << 20;
        spec.options.call_timeout = 10s;
        const auto id = engine_->add(std::move(spec));
        ids_.push_back(id);
        char tag[16];
        std::snprintf(tag, sizeof tag, "B0A1%04X", static_cast<unsigned>(index + 1)); // an ISO14443 UID
        // 2.0.1: the model's connector n is EVSE n (one connector each), as in 1.6 numbering.
        chargers.push_back(Charger{slug, "BO-" + std::to_string(index + 1), id,
                                   lookup.profile->hardware.connector_count(), early, tag});
        engine_->start(id);
        if (early) engine_->post(id, [t = std::string{tag}](ocpp::ChargePointBase& cp) { cp.start_session(1, t); });
      }
    }
    ASSERT_GE(models.size(), V == ocpp::ProtocolVersion::V16 ? 13u : 2u) << "brands/ lost models?";

    // The others: the moment the charger is accepted, as `ocppfleet run --sessions` does.
    std::vector<bool> asked(chargers.size(), false);
    const bool all_started = eventually(
        [&] {
          bool all = true;
          for (std::size_t i = 0; i < chargers.size(); ++i) {
            const auto& c = chargers[i];
            if (!c.early && !asked[i]) {
              const auto snap = engine_->snapshot(c.id);
              if (snap && snap->registration == ocpp::RegistrationState::Accepted) {
                engine_->post(c.id, [t = c.tag](ocpp::ChargePointBase& cp) { cp.start_session(1, t); });
                asked[i] = true;
              }
            }
            all = all && session_started(c);
          }
          return all;
        },
        60s);

    // One lambda per charger: a fatal assertion ends that charger's check, not the others'.
    const auto check = [&](const Charger& c) {
      EXPECT_TRUE(session_started(c)) << "the session never started";
      const auto calls = sent(c.id);
      ASSERT_FALSE(calls.empty());
      EXPECT_EQ(calls.front()[2], "BootNotification");
      std::size_t i = 0;
      while (i < calls.size() && calls[i][2] == "BootNotification")
        ++i;
      // Right after the accepted boot: one StatusNotification per connector (1.6: 0..n) /
      // EVSE (2.0.1), each Available, and nothing else in between.
      std::set<int> reported;
      const int first = V == ocpp::ProtocolVersion::V16 ? 0 : 1;
      const std::size_t expected = static_cast<std::size_t>(c.connectors - first + 1);
      for (std::size_t k = 0; k < expected; ++k, ++i) {
        ASSERT_LT(i, calls.size()) << "the boot-time report is missing";
        ASSERT_EQ(calls[i][2], "StatusNotification") << "call " << i << " after the boot: " << calls[i].dump();
        const json& p = calls[i][3];
        if (V == ocpp::ProtocolVersion::V16) {
          reported.insert(p["connectorId"].get<int>());
          EXPECT_EQ(p["status"], "Available") << p.dump();
        } else {
          reported.insert(p["evseId"].get<int>());
          EXPECT_EQ(p["connectorStatus"], "Available") << p.dump();
        }
      }
      std::set<int> all;
      for (int id = first; id <= c.connectors; ++id)
        all.insert(id);
      EXPECT_EQ(reported, all);
      // Every session message comes after that report.
      bool session_seen = false;
      for (std::size_t k = 0; k < calls.size(); ++k) {
        if (!is_session_message(calls[k])) continue;
        session_seen = true;
        EXPECT_GE(k, i) << "session message before the boot-time status report: " << calls[k].dump();
      }
      EXPECT_TRUE(session_seen);
    };
    for (const auto& c : chargers) {
      SCOPED_TRACE(c.slug + " over " + version + (c.early ? ", session asked before boot" : ", asked on accept") +
                   " (" + c.identity + ")");
      check(c);
    }
    EXPECT_TRUE(all_started);
  }
};

using V16BootOrder = BootOrder<ocpp::ProtocolVersion::V16>;
using V201BootOrder = BootOrder<ocpp::ProtocolVersion::V201>;

TEST_F(V16BootOrder, every_profile_reports_its_connectors_available_before_any_session_message) {
  every_profile_reports_its_connectors_before_any_session_message();
}

TEST_F(V201BootOrder, every_profile_reports_its_evses_available_before_any_session_message) {
  every_profile_reports_its_connectors_before_any_session_message();
}

// A 1.6 charger that reconnects with a StopTransaction queued offline (no profile, so no
// boot delay): the boot-time report still goes first, the queued transaction message after it.
TEST_F(V16AgainstStrictCsms, statuses_go_before_transaction_messages_queued_while_offline) {
  start_peer();
  link_->backoff.initial = 2s; // the outage: the reconnect waits 1.4-2.6 s
  link_->backoff.max = 3s;
  const auto id = add_charger("BO-OFF");
  ASSERT_TRUE(wait_booted(1));
  auto r = peer_->call("BO-OFF", "ChangeConfiguration", {{"key", "AuthorizeRemoteTxRequests"}, {"value", "false"}});
  ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  ASSERT_EQ(peer_->call("BO-OFF", "RemoteStartTransaction", {{"idTag", "T"}})["result"]["status"], "Accepted");
  ASSERT_TRUE(peer_->wait_for_event(call_event("BO-OFF", "StartTransaction"), 5s));
  peer_->close("BO-OFF");
  ASSERT_TRUE(peer_->wait_for_event(event_is("disconnected", "BO-OFF"), 5s));
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); }); // queued offline
  ASSERT_TRUE(peer_->wait_for_event(call_event("BO-OFF", "StopTransaction"), 10s));
  std::vector<std::string> after_reboot;
  std::size_t boots = 0;
  for (const auto& e : peer_->events()) {
    if (e.value("event", "") != "call" || e.value("identity", "") != "BO-OFF") continue;
    if (e["action"] == "BootNotification") ++boots;
    if (boots == 2) after_reboot.push_back(e["action"].get<std::string>());
  }
  ASSERT_GE(after_reboot.size(), 4u);
  EXPECT_EQ(after_reboot[0], "BootNotification");
  EXPECT_EQ(after_reboot[1], "StatusNotification");
  EXPECT_EQ(after_reboot[2], "StatusNotification");
  EXPECT_EQ(after_reboot[3], "StopTransaction");
}

} // namespace
} // namespace ocppfleet::testing
