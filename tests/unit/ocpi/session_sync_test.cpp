// Sessions and CDRs materialised from the CPO backend's transactions (sessions_module.hpp), on
// a real SQLite file with every migration and the embedded CSMS's transactions table: ids, the
// auth_method rules, the hooks (each creation seen once, also after a hook-less sync), CDRs made
// once with the tariff's cost, and list pages served from the index.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../api/store_test_support.hpp"
#include "control-api/store/migrations.hpp"
#include "ocpi/cdrs_module.hpp"
#include "ocpi/sessions_module.hpp"
#include "ocpi/tariffs_module.hpp"
#include "simulator/core/clock.hpp"

using namespace ocppfleet;
using Json = nlohmann::json;

namespace {

// The embedded CSMS's table (csms/store.cpp, migration 1), as it shares serve's database file.
constexpr const char* k_csms_transactions = R"sql(
CREATE TABLE csms_transactions (
  backend TEXT NOT NULL, identity TEXT NOT NULL, transaction_id TEXT NOT NULL, evse_id INTEGER NOT NULL,
  connector_id INTEGER NOT NULL, id_token TEXT NOT NULL, meter_start_wh REAL, meter_stop_wh REAL, meter_last_wh REAL,
  energy_wh REAL NOT NULL, started_at TEXT NOT NULL, stopped_at TEXT NOT NULL, stop_reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'ended')), updated_at TEXT NOT NULL,
  PRIMARY KEY (backend, identity, transaction_id)))sql";

constexpr const char* k_document =
    R"({"tariffs":[{"currency":"EUR","elements":[{"price_components":[{"price":"0.3900","step_size":1,"type":"ENERGY"},)"
    R"({"price":"1.2000","step_size":60,"type":"PARKING_TIME"}]}],"id":"AC-STANDARD","power_type":"AC"}]})";

Json location_doc(const std::vector<std::string>& identities) {
  Json evses = Json::array();
  int n = 0;
  for (const auto& identity : identities)
    evses.push_back(Json{{"uid", "LOC-0001-0" + std::to_string(++n) + "-1"},
                         {"evse_id", "FR*ABC*E00010" + std::to_string(n) + "*1"},
                         {"charger_identity", identity},
                         {"connector_id", 1},
                         {"connector", Json{{"standard", "IEC_62196_T2"},
                                            {"format", "SOCKET"},
                                            {"power_type", "AC_3_PHASE"},
                                            {"tariff_ids", Json::array({"AC-STANDARD"})}}}});
  return Json{{"address", "1 Rue de Test"},
              {"city", "Paris"},
              {"postal_code", "75001"},
              {"country", "FRA"},
              {"coordinates", Json{{"latitude", "48.856613"}, {"longitude", "2.352222"}}},
              {"time_zone", "Europe/Paris"},
              {"evses", evses}};
}

class SessionSync : public ::testing::Test {
protected:
  void SetUp() override {
    store::migrate(db_);
    db_.exec(k_csms_transactions);
    const auto now = db_.now();
    db_.prepare("INSERT INTO cpos (org_id, template, template_version, seed, country_code, party_id, requested_party, "
                "name_prefix, status, workflow_run_id, document_json, created_at, updated_at) "
                "VALUES ('org', 'small-urban-ac', 1, 1, 'FR', 'ABC', 'ABC', 'alice', 'READY', 'run', ?, ?, ?)")
        .bind_all(k_document, now, now)
        .run();
    cpo_.id = db_.last_insert_rowid();
    add_location({"CP-1", "CP-2"});
  }

  void add_location(const std::vector<std::string>& identities, const std::string& location_id = "LOC-0001") {
    const auto now = db_.now();
    db_.prepare("INSERT INTO cpo_locations (cpo_id, location_id, org_id, seq, name, document_json, created_at, "
                "updated_at) VALUES (?, ?, 'org', 1, 'Depot', ?, ?, ?)")
        .bind_all(cpo_.id, location_id, location_doc(identities).dump(), now, now)
        .run();
    for (const auto& identity : identities)
      db_.prepare("INSERT INTO chargers (id, org_id, identity, ws_url, ocpp_version, status, cpo_id, cpo_location_id) "
                  "VALUES (?, 'org', ?, 'ws://x', 'OCPP1.6', 'READY', ?, ?)")
          .bind_all("chg_" + identity, identity, cpo_.id, location_id)
          .run();
  }

  // The backend's upsert of one transaction, stamped now on the store clock.
  void transaction(const std::string& identity, const std::string& id, const std::string& token, double wh,
                   const std::string& started, const std::string& stopped = "") {
    db_.prepare(
           "INSERT INTO csms_transactions (backend, identity, transaction_id, evse_id, connector_id, id_token, "
           "energy_wh, started_at, stopped_at, stop_reason, state, updated_at) VALUES (?, ?, ?, 1, 1, ?, ?, ?, "
           "?, ?, ?, ?) ON CONFLICT (backend, identity, transaction_id) DO UPDATE SET energy_wh = excluded.energy_wh, "
           "stopped_at = excluded.stopped_at, stop_reason = excluded.stop_reason, state = excluded.state, "
           "updated_at = excluded.updated_at")
        .bind_all(std::to_string(cpo_.id), identity, id, token, wh, started, stopped, stopped.empty() ? "" : "Local",
                  stopped.empty() ? "active" : "ended", db_.now())
        .run();
  }

  struct Seen {
    std::vector<Json> created, updated, cdrs;
  };
  ocpi::RoamingHooks hooks(Seen& seen) {
    return ocpi::RoamingHooks{[&seen](const Json& s) { seen.created.push_back(s); },
                              [&seen](const Json& c) { seen.cdrs.push_back(c); },
                              [&seen](const Json& s) { seen.updated.push_back(s); }};
  }

  void tick() { clock_.advance(std::chrono::seconds{1}); }

  store::testing::TempDir dir_;
  core::VirtualClock clock_;
  store::Database db_ = store::Database::open(dir_.file("ocpi.db"), clock_);
  ocpi::CpoParty cpo_{0, "FR", "ABC", "alice", std::nullopt, "base64"};
};

TEST_F(SessionSync, TariffsComeFromTheNetworkDocumentWithVat) {
  const auto page = ocpi::list_ocpi_tariffs(db_, cpo_, ocpi::PageQuery{});
  ASSERT_EQ(page.total, 1);
  const auto& t = page.items[0];
  EXPECT_EQ(t["id"], "AC-STANDARD");
  EXPECT_EQ(t["currency"], "EUR");
  EXPECT_EQ(t["country_code"], "FR");
  EXPECT_EQ(t["party_id"], "ABC");
  EXPECT_EQ(t["type"], "REGULAR");
  const auto& pc = t["elements"][0]["price_components"][0];
  EXPECT_EQ(pc, (Json{{"type", "ENERGY"}, {"price", 0.39}, {"vat", 20.0}, {"step_size", 1}}));
  // Copied once: a second call finds them in place.
  EXPECT_EQ(ocpi::list_ocpi_tariffs(db_, cpo_, ocpi::PageQuery{}).items, page.items);
}

TEST_F(SessionSync, OneSessionPerTransactionWithTheHooksCalledOnce) {
  transaction("CP-1", "101", "CARD1", 0, "2026-01-01T00:00:00Z");
  Seen seen;
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.created.size(), 1u);
  const auto& s = seen.created[0];
  EXPECT_EQ(s["id"], "1");
  EXPECT_EQ(s["status"], "ACTIVE");
  EXPECT_EQ(s["location_id"], "LOC-0001");
  EXPECT_EQ(s["evse_uid"], "LOC-0001-01-1");
  EXPECT_EQ(s["connector_id"], "1");
  EXPECT_EQ(s["currency"], "EUR");
  EXPECT_EQ(s["auth_method"], "AUTH_REQUEST");
  EXPECT_EQ(
      s["cdr_token"],
      (Json{
          {"country_code", "FR"}, {"party_id", "ABC"}, {"uid", "CARD1"}, {"type", "RFID"}, {"contract_id", "CARD1"}}));
  EXPECT_FALSE(s.contains("end_date_time"));
  EXPECT_EQ(ocpi::find_session_for_transaction(db_, cpo_, "CP-1", "101"), s);

  // Nothing new: the hooks stay quiet.
  tick();
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  EXPECT_EQ(seen.created.size() + seen.updated.size() + seen.cdrs.size(), 1u);

  // Energy grows: the session changes, its last_updated moves, session_updated carries it.
  tick();
  transaction("CP-1", "101", "CARD1", 2500, "2026-01-01T00:00:00Z");
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.updated.size(), 1u);
  EXPECT_EQ(seen.updated[0]["kwh"], 2.5);
  EXPECT_GT(seen.updated[0]["last_updated"].get<std::string>(), s["last_updated"].get<std::string>());
  EXPECT_EQ(seen.updated[0]["total_cost"], (Json{{"excl_vat", 0.975}, {"incl_vat", 1.17}}));

  // A second transaction gets the next id.
  transaction("CP-2", "7", "CARD2", 0, "2026-01-01T00:00:05Z");
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.created.size(), 2u);
  EXPECT_EQ(seen.created[1]["id"], "2");
  EXPECT_EQ(seen.created[1]["evse_uid"], "LOC-0001-02-1");
}

TEST_F(SessionSync, AnEndedTransactionGetsOneCdrThatNeverChanges) {
  transaction("CP-1", "101", "CARD1", 1000, "2026-01-01T00:00:00Z");
  ocpi::sync_sessions_and_cdrs(db_, cpo_);
  tick();
  transaction("CP-1", "101", "CARD1", 12345.6, "2026-01-01T00:00:00Z", "2026-01-01T01:30:00.500Z");
  Seen seen;
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  // The hooks never saw this session: its creation comes first (already COMPLETED), then the CDR.
  ASSERT_EQ(seen.created.size(), 1u);
  EXPECT_EQ(seen.created[0]["status"], "COMPLETED");
  EXPECT_EQ(seen.created[0]["end_date_time"], "2026-01-01T01:30:00.500Z");
  EXPECT_TRUE(seen.updated.empty());
  ASSERT_EQ(seen.cdrs.size(), 1u);
  const auto& cdr = seen.cdrs[0];
  EXPECT_EQ(cdr["id"], "1");
  EXPECT_EQ(cdr["session_id"], "1");
  EXPECT_EQ(cdr["total_energy"], 12.3456);
  EXPECT_EQ(cdr["total_time"], 1.5001); // 1 h 30 min 0.5 s
  // 12,346 Wh billed (step 1) at 0.39/kWh = 4.81494 -> 4.8149, 20% VAT -> 5.77788 -> 5.7779.
  EXPECT_EQ(cdr["total_cost"], (Json{{"excl_vat", 4.8149}, {"incl_vat", 5.7779}}));
  EXPECT_EQ(cdr["total_energy_cost"], cdr["total_cost"]);
  EXPECT_FALSE(cdr.contains("total_fixed_cost"));
  EXPECT_EQ(cdr["tariffs"][0]["id"], "AC-STANDARD");
  EXPECT_EQ(cdr["cdr_location"]["evse_id"], "FR*ABC*E000101*1");
  EXPECT_EQ(cdr["cdr_location"]["connector_standard"], "IEC_62196_T2");
  EXPECT_EQ(cdr["charging_periods"][0]["dimensions"][0], (Json{{"type", "ENERGY"}, {"volume", 12.3456}}));

  // Later syncs change nothing, and the list serves the CDR as made.
  tick();
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  EXPECT_EQ(seen.cdrs.size(), 1u);
  const auto page = ocpi::list_ocpi_cdrs(db_, cpo_, ocpi::PageQuery{});
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.items[0], cdr);
}

TEST_F(SessionSync, StartSessionCommandWithinTenMinutesMakesItCommand) {
  const auto token = Json{{"country_code", "NL"},
                          {"party_id", "EMS"},
                          {"uid", "APP42"},
                          {"type", "APP_USER"},
                          {"contract_id", "NL-EMS-C00042-X"}};
  const auto start = [&](const std::string& created_at, const std::string& ref) {
    db_.prepare("INSERT INTO ocpi_session_starts (cpo_id, identity, evse_id, token_uid, token_json, "
                "authorization_reference, created_at) VALUES (?, 'CP-1', 1, 'APP42', ?, ?, ?)")
        .bind_all(cpo_.id, token.dump(), ref, created_at)
        .run();
  };
  start("2026-01-01T09:40:00.000Z", "too-old"); // 20 minutes before the start
  start("2026-01-01T09:58:00.000Z", "the-one"); // 2 minutes before
  transaction("CP-1", "55", "APP42", 0, "2026-01-01T10:00:00Z");
  transaction("CP-1", "56", "APP42", 0, "2026-01-01T10:05:00Z"); // same token again: no unused start left
  Seen seen;
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.created.size(), 2u);
  EXPECT_EQ(seen.created[0]["auth_method"], "COMMAND");
  EXPECT_EQ(seen.created[0]["authorization_reference"], "the-one");
  EXPECT_EQ(seen.created[0]["cdr_token"]["contract_id"], "NL-EMS-C00042-X");
  EXPECT_EQ(seen.created[0]["cdr_token"]["party_id"], "EMS");
  EXPECT_EQ(seen.created[1]["auth_method"], "AUTH_REQUEST");
  EXPECT_FALSE(seen.created[1].contains("authorization_reference"));
  auto used = db_.prepare("SELECT authorization_reference, session_id FROM ocpi_session_starts ORDER BY id");
  ASSERT_TRUE(used.step());
  EXPECT_TRUE(used.is_null(1)); // the old one stays unused
  ASSERT_TRUE(used.step());
  EXPECT_EQ(used.column_int64(1), 1); // consumed by session 1
}

TEST_F(SessionSync, PushedTokensDecideWhitelistOrAuthRequest) {
  const auto token = [&](const std::string& uid, const std::string& whitelist) {
    const Json t{{"country_code", "DE"},           {"party_id", "XYZ"},     {"uid", uid}, {"type", "RFID"},
                 {"contract_id", "DE-XYZ-" + uid}, {"whitelist", whitelist}};
    db_.prepare("INSERT INTO ocpi_tokens (cpo_id, country_code, party_id, uid, type, valid, whitelist, token_json, "
                "last_updated) VALUES (?, 'DE', 'XYZ', ?, 'RFID', 1, ?, ?, ?)")
        .bind_all(cpo_.id, uid, whitelist, t.dump(), db_.now())
        .run();
  };
  token("AAA", "ALWAYS");
  token("BBB", "ALLOWED");
  transaction("CP-1", "1", "AAA", 0, "2026-01-01T00:00:00Z");
  transaction("CP-2", "2", "BBB", 0, "2026-01-01T00:00:01Z");
  Seen seen;
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.created.size(), 2u);
  EXPECT_EQ(seen.created[0]["auth_method"], "WHITELIST");
  EXPECT_EQ(seen.created[0]["cdr_token"], (Json{{"country_code", "DE"},
                                                {"party_id", "XYZ"},
                                                {"uid", "AAA"},
                                                {"type", "RFID"},
                                                {"contract_id", "DE-XYZ-AAA"}}));
  EXPECT_EQ(seen.created[1]["auth_method"], "AUTH_REQUEST");
  EXPECT_EQ(seen.created[1]["cdr_token"]["party_id"], "XYZ");
}

TEST_F(SessionSync, AHooklessSyncDoesNotSwallowWhatTheHooksMustSee) {
  transaction("CP-1", "1", "T", 0, "2026-01-01T00:00:00Z", "2026-01-01T00:10:00Z");
  ocpi::sync_sessions_and_cdrs(db_, cpo_); // a GET's sync
  Seen seen;
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  EXPECT_EQ(seen.created.size(), 1u);
  EXPECT_EQ(seen.cdrs.size(), 1u);
  // A hook that throws rolls the sync back: the next sync offers the same session again.
  transaction("CP-2", "2", "T", 0, "2026-01-01T00:20:00Z");
  auto failing = hooks(seen);
  failing.session_created = [](const Json&) { throw std::runtime_error("outbox full"); };
  EXPECT_THROW(ocpi::sync_sessions_and_cdrs(db_, cpo_, failing), std::runtime_error);
  EXPECT_FALSE(ocpi::find_session_for_transaction(db_, cpo_, "CP-2", "2"));
  ocpi::sync_sessions_and_cdrs(db_, cpo_, hooks(seen));
  ASSERT_EQ(seen.created.size(), 2u);
  EXPECT_EQ(seen.created[1]["id"], "2");
}

TEST_F(SessionSync, ListPagesOnLastUpdatedWithDatesAndNoSort) {
  for (int i = 1; i <= 5; ++i) {
    transaction("CP-1", std::to_string(i), "T", 0, "2026-01-01T00:00:0" + std::to_string(i) + "Z");
    ocpi::sync_sessions_and_cdrs(db_, cpo_);
    tick();
  }
  ocpi::PageQuery q;
  q.limit = 2;
  q.offset = 2;
  q.date_from = "2026-01-01T00:00:00.000Z";
  auto page = ocpi::list_ocpi_sessions(db_, cpo_, q);
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0]["id"], "3");
  EXPECT_EQ(page.items[1]["id"], "4");
  q.offset = 0;
  q.date_from = page.items[1]["last_updated"].get<std::string>();
  page = ocpi::list_ocpi_sessions(db_, cpo_, q);
  EXPECT_EQ(page.total, 2); // sessions 4 and 5
  EXPECT_EQ(page.items[0]["id"], "4");
  // The page is chosen on the index alone: no sort of the CPO's sessions, no joined row read
  // for what the offset skips.
  auto plan = db_.prepare("EXPLAIN QUERY PLAN SELECT rowid FROM ocpi_sessions WHERE cpo_id = 1 AND last_updated >= "
                          "'x' ORDER BY last_updated, id LIMIT 50 OFFSET 9950");
  std::string steps;
  while (plan.step())
    steps += plan.column_text(3) + "\n";
  EXPECT_EQ(steps.find("TEMP B-TREE"), std::string::npos) << steps;
  EXPECT_NE(steps.find("COVERING INDEX ocpi_sessions_updated"), std::string::npos) << steps;
}

TEST_F(SessionSync, TenThousandSessionsPageQuickly) {
  // Scale check (figures printed for docs; not a timed assertion): a 10,000-charger CPO.
  // 2,000 locations of 5 chargers, one transaction each.
  {
    store::Transaction tx{db_};
    for (int l = 0; l < 2'000; ++l) {
      std::vector<std::string> identities;
      for (int c = 0; c < 5; ++c)
        identities.push_back("BIG-" + std::to_string(l) + "-" + std::to_string(c));
      add_location(identities, "LOC-B" + std::to_string(l));
      for (const auto& identity : identities)
        transaction(identity, "1", "T", 100.0 * l, "2026-01-01T00:00:00Z");
    }
    tx.commit();
  }
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::time_point from) {
    return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
  };
  auto t0 = Clock::now();
  ocpi::sync_sessions_and_cdrs(db_, cpo_);
  const auto first_sync = ms(t0);
  tick();
  t0 = Clock::now();
  ocpi::sync_sessions_and_cdrs(db_, cpo_);
  const auto idle_sync = ms(t0);
  ocpi::PageQuery q;
  q.date_from = "2026-01-01T00:00:00.000Z";
  q.offset = 9'950;
  t0 = Clock::now();
  const auto page = ocpi::list_ocpi_sessions(db_, cpo_, q);
  const auto last_page = ms(t0);
  EXPECT_EQ(page.total, 10'000);
  EXPECT_EQ(page.items.size(), 50u);
  EXPECT_EQ(page.items.back()["id"], "10000");
  std::printf("10,000 sessions: first sync %.1f ms, sync with nothing new %.2f ms, last page %.2f ms\n", first_sync,
              idle_sync, last_page);
}

} // namespace
