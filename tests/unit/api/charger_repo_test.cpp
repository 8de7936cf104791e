// Chargers and locations: org scoping, identity uniqueness, paging, persistence across reopen.
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/store/migrations.hpp"
#include "control-api/store/org_repo.hpp"
#include "control-api/store/store.hpp"
#include "store_test_support.hpp"

#include <chrono>
#include <tuple>

using namespace ocppfleet::store;
using ocppfleet::store::testing::TempDir;

namespace {

ChargerRow charger(const std::string& org, const std::string& identity) {
  ChargerRow r;
  r.org_id = org;
  r.identity = identity;
  r.brand_slug = "abb";
  r.model_slug = "terra-184";
  r.connector_type = "CCS2";
  r.ws_url = "ws://csms.test/ocpp";
  r.ocpp_version = "OCPP1.6";
  return r;
}

class ChargerRepo : public ::testing::Test {
protected:
  void SetUp() override {
    migrate(db_);
    acme_ = create_org(db_, "acme");
    beta_ = create_org(db_, "beta");
  }
  TempDir dir_;
  ocppfleet::core::VirtualClock clock_;
  Database db_ = Database::open(dir_.file("a.db"), clock_);
  std::string acme_, beta_;
};

} // namespace

TEST_F(ChargerRepo, insert_then_get_returns_every_column_and_another_org_reads_nothing) {
  auto in = charger(acme_, "CP-1");
  in.location_id = "loc_1";
  in.location_name = "Hub";
  in.basic_auth_password = "s3cret";
  const auto stored = insert_charger(db_, in);
  EXPECT_EQ(stored.id.rfind("chg_", 0), 0u);
  EXPECT_FALSE(stored.basic_auth_password) << "insert must not hand the password back";
  EXPECT_EQ(stored.created_at, "2026-01-01T00:00:00.000Z");

  const auto got = get_charger(db_, acme_, stored.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->identity, "CP-1");
  EXPECT_EQ(got->brand_slug, "abb");
  EXPECT_EQ(got->location_name, "Hub");
  EXPECT_EQ(got->status, "PENDING");
  EXPECT_EQ(got->runtime_state, "stopped");
  EXPECT_FALSE(got->basic_auth_password) << "password omitted by default";
  EXPECT_EQ(get_charger(db_, acme_, stored.id, Secrets::include)->basic_auth_password, "s3cret");

  EXPECT_EQ(get_charger(db_, beta_, stored.id), std::nullopt);
  EXPECT_EQ(get_charger(db_, acme_, "chg_unknown"), std::nullopt);
}

TEST_F(ChargerRepo, duplicate_identity_refused_per_org_allowed_across_orgs_and_after_soft_delete) {
  const auto first = insert_charger(db_, charger(acme_, "CP-1"));
  EXPECT_THROW(insert_charger(db_, charger(acme_, "CP-1")), DuplicateIdentity);
  EXPECT_NO_THROW(insert_charger(db_, charger(beta_, "CP-1")));

  EXPECT_FALSE(soft_delete_charger(db_, beta_, first.id)) << "another org cannot delete it";
  EXPECT_TRUE(soft_delete_charger(db_, acme_, first.id));
  EXPECT_FALSE(soft_delete_charger(db_, acme_, first.id)) << "idempotent";
  EXPECT_EQ(get_charger(db_, acme_, first.id), std::nullopt);
  EXPECT_TRUE(find_charger(db_, first.id)->deleted_at) << "the runner still sees the deleted row";

  EXPECT_NO_THROW(insert_charger(db_, charger(acme_, "CP-1")));
  EXPECT_THROW(insert_charger(db_, charger(acme_, "CP-1")), DuplicateIdentity);
}

TEST_F(ChargerRepo, update_changes_only_given_fields_and_refuses_a_taken_identity) {
  const auto a = insert_charger(db_, charger(acme_, "CP-1"));
  insert_charger(db_, charger(acme_, "CP-2"));
  clock_.advance(std::chrono::seconds{5});
  ChargerUpdate u;
  u.charge_point_name = OptText{"Bay 1"};
  u.brand_slug = OptText{}; // set NULL
  const auto updated = update_charger(db_, acme_, a.id, u);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->charge_point_name, "Bay 1");
  EXPECT_EQ(updated->brand_slug, std::nullopt);
  EXPECT_EQ(updated->model_slug, "terra-184");
  EXPECT_EQ(updated->updated_at, "2026-01-01T00:00:05.000Z");
  EXPECT_EQ(updated->created_at, "2026-01-01T00:00:00.000Z");

  EXPECT_EQ(update_charger(db_, beta_, a.id, u), std::nullopt);
  ChargerUpdate rename;
  rename.identity = "CP-2";
  EXPECT_THROW(update_charger(db_, acme_, a.id, rename), DuplicateIdentity);
}

TEST_F(ChargerRepo, list_pages_with_totals_and_location_filter_per_org) {
  for (int i = 0; i < 7; ++i) {
    auto c = charger(acme_, "CP-" + std::to_string(i));
    c.location_id = i % 2 == 0 ? "loc_even" : "loc_odd";
    insert_charger(db_, c);
  }
  insert_charger(db_, charger(beta_, "CP-B"));
  const auto deleted = insert_charger(db_, charger(acme_, "CP-gone"));
  soft_delete_charger(db_, acme_, deleted.id);

  const auto p1 = list_chargers(db_, acme_, {1, 3});
  EXPECT_EQ(p1.total, 7);
  ASSERT_EQ(p1.rows.size(), 3u);
  EXPECT_EQ(p1.rows[0].identity, "CP-0");
  const auto p3 = list_chargers(db_, acme_, {3, 3});
  ASSERT_EQ(p3.rows.size(), 1u);
  EXPECT_EQ(p3.rows[0].identity, "CP-6");
  EXPECT_TRUE(list_chargers(db_, acme_, {4, 3}).rows.empty());

  const auto even = list_chargers(db_, acme_, {1, 50}, "loc_even");
  EXPECT_EQ(even.total, 4);
  EXPECT_EQ(even.rows.size(), 4u);
  EXPECT_EQ(list_chargers(db_, beta_, {1, 50}).total, 1);
}

TEST(ChargerPersistence, status_and_runtime_transitions_survive_a_reopen) {
  TempDir dir;
  const auto path = dir.file("a.db");
  std::string id, org;
  {
    auto store = Store::open(path);
    std::tie(org, id) = store
                            ->submit([](Database& db) {
                              const auto o = create_org(db, "acme");
                              auto c = charger(o, "CP-1");
                              c.basic_auth_password = "pw";
                              return std::pair{o, insert_charger(db, c).id};
                            })
                            .get();
    store
        ->submit([id](Database& db) {
          EXPECT_TRUE(set_charger_status(db, id, charger_status::provisioning, std::nullopt, std::nullopt));
          EXPECT_TRUE(set_charger_workflow_run(db, id, "wfr_1"));
          EXPECT_TRUE(set_charger_status(db, id, charger_status::ready, std::nullopt, db.now()));
          EXPECT_TRUE(set_runtime_state(db, id, runtime_state::running));
          EXPECT_FALSE(set_runtime_state(db, "chg_unknown", runtime_state::running));
        })
        .get();
  } // "restart"
  auto store = Store::open(path);
  const auto row = store->submit([&](Database& db) { return get_charger(db, org, id); }).get();
  ASSERT_TRUE(row);
  EXPECT_EQ(row->status, "READY");
  EXPECT_TRUE(row->provisioned_at);
  EXPECT_EQ(row->workflow_run_id, "wfr_1");
  const auto running = store->submit([](Database& db) { return list_running_chargers(db); }).get();
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].id, id);
  EXPECT_EQ(running[0].basic_auth_password, "pw") << "resume needs the password";
}

TEST_F(ChargerRepo, failed_status_keeps_the_error_and_deleted_chargers_are_not_resumed) {
  const auto a = insert_charger(db_, charger(acme_, "CP-1"));
  const auto b = insert_charger(db_, charger(beta_, "CP-2"));
  EXPECT_TRUE(set_charger_status(db_, a.id, charger_status::failed, R"({"code":"X"})", std::nullopt));
  EXPECT_EQ(get_charger(db_, acme_, a.id)->error_json, R"({"code":"X"})");
  EXPECT_THROW(set_charger_status(db_, a.id, "DONE", std::nullopt, std::nullopt), StoreError);
  set_runtime_state(db_, a.id, runtime_state::running);
  set_runtime_state(db_, b.id, runtime_state::running);
  soft_delete_charger(db_, acme_, a.id);
  const auto running = list_running_chargers(db_);
  ASSERT_EQ(running.size(), 1u);
  EXPECT_EQ(running[0].id, b.id);
}

TEST_F(ChargerRepo, locations_are_scoped_paged_updated_and_deleted_per_org) {
  LocationRow l;
  l.org_id = acme_;
  l.name = "La Defense Hub";
  l.city = "Paris";
  l.latitude = 48.89;
  l.longitude = 2.24;
  const auto hub = insert_location(db_, l);
  EXPECT_EQ(hub.id.rfind("loc_", 0), 0u);
  for (int i = 0; i < 4; ++i)
    insert_location(db_, LocationRow{"", acme_, "L" + std::to_string(i), {}, {}, {}, {}, {}, {}, {}});
  insert_location(db_, LocationRow{"", beta_, "B", {}, {}, {}, {}, {}, {}, {}});

  const auto got = get_location(db_, acme_, hub.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->city, "Paris");
  EXPECT_DOUBLE_EQ(got->latitude.value_or(0), 48.89);
  EXPECT_EQ(get_location(db_, beta_, hub.id), std::nullopt);

  const auto page = list_locations(db_, acme_, {2, 2});
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.rows.size(), 2u);
  EXPECT_EQ(page.rows[0].name, "L1");

  LocationUpdate u;
  u.name = "Hub";
  u.latitude = std::optional<double>{};
  const auto updated = update_location(db_, acme_, hub.id, u);
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->name, "Hub");
  EXPECT_EQ(updated->latitude, std::nullopt);
  EXPECT_EQ(updated->city, "Paris");
  EXPECT_EQ(update_location(db_, beta_, hub.id, u), std::nullopt);

  EXPECT_FALSE(delete_location(db_, beta_, hub.id));
  EXPECT_TRUE(delete_location(db_, acme_, hub.id));
  EXPECT_EQ(get_location(db_, acme_, hub.id), std::nullopt);
}
