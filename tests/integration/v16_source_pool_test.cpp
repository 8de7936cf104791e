// Chargers spread over a source address pool, seen from the strict CSMS: each connects from
// the address its global charger index selects, also after reconnecting.
#include <map>
#include <set>

#include "simulator/fleet/fleet_plan.hpp"
#include "simulator/transport/source_address_pool.hpp"
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

class V16SourcePool : public V16AgainstStrictCsms {
protected:
  // Pool set before the peer and before any charger: engine threads read the config unlocked.
  void use_pool(const std::string& text) {
    std::string error;
    auto pool = transport::parse_source_address_pool(text, &error);
    ASSERT_TRUE(pool) << error;
    pool_size_ = pool->size();
    link_->source_addresses = std::make_shared<const transport::SourceAddressPool>(std::move(*pool));
  }

  // Adds the planned chargers, each bound by its source index (set before its first connect).
  void add_planned(const std::vector<fleet::PlannedCharger>& plan) {
    for (const auto& p : plan) {
      const auto id = add_charger(p.identity, 1, false);
      engine_->post(id, [index = p.source_index](ocpp::ChargePointBase& cp) { cp.link().set_source_index(index); });
      engine_->start(id);
    }
  }

  // identity -> every remote address the peer saw it connect from
  std::map<std::string, std::set<std::string>> remote_addresses() const {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& e : peer_->events()) {
      if (e.value("event", "") == "connected")
        out[e.value("identity", "")].insert(e.value("remote_address", std::string{"?"}));
    }
    return out;
  }

  std::size_t pool_size_ = 0;
};

TEST_F(V16SourcePool, chargers_spread_over_two_loopback_addresses_by_index) {
  use_pool("127.0.0.1-127.0.0.2");
  start_peer();
  const auto plan = fleet::plan_fleet(fleet::FleetPlanOptions{7, "POOL", 6, {}, pool_size_});
  add_planned(plan);
  ASSERT_TRUE(wait_booted(6)) << "booted " << engine_->counters().booted.load();
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 6, 5s));
  const auto seen = remote_addresses();
  std::set<std::string> all;
  for (const auto& p : plan) {
    const std::string expected = p.index % 2 == 0 ? "127.0.0.1" : "127.0.0.2";
    ASSERT_EQ(seen.count(p.identity), 1u) << p.identity << " never connected";
    EXPECT_EQ(seen.at(p.identity), std::set<std::string>{expected}) << p.identity;
    all.insert(seen.at(p.identity).begin(), seen.at(p.identity).end());
  }
  EXPECT_EQ(all, (std::set<std::string>{"127.0.0.1", "127.0.0.2"}));
}

TEST_F(V16SourcePool, a_shard_keeps_the_source_addresses_of_the_unsharded_fleet) {
  use_pool("127.0.0.1-127.0.0.3");
  start_peer();
  // Shard 1 of 2 holds indices 1, 3, 5, 7: addresses 127.0.0.2, .1, .3, .2 (index % 3).
  const auto plan = fleet::plan_fleet(fleet::FleetPlanOptions{7, "SHARD", 8, fleet::FleetShard{1, 2}, pool_size_});
  ASSERT_EQ(plan.size(), 4u);
  add_planned(plan);
  ASSERT_TRUE(wait_booted(4));
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 4, 5s));
  const auto seen = remote_addresses();
  const std::map<std::string, std::string> expected{{"SHARD-00002", "127.0.0.2"},
                                                    {"SHARD-00004", "127.0.0.1"},
                                                    {"SHARD-00006", "127.0.0.3"},
                                                    {"SHARD-00008", "127.0.0.2"}};
  for (const auto& [identity, address] : expected) {
    ASSERT_EQ(seen.count(identity), 1u) << identity << " never connected";
    EXPECT_EQ(seen.at(identity), std::set<std::string>{address}) << identity;
  }
}

TEST_F(V16SourcePool, reconnects_come_from_the_same_address) {
  use_pool("127.0.0.1-127.0.0.2");
  start_peer();
  add_planned(fleet::plan_fleet(fleet::FleetPlanOptions{3, "AGAIN", 4, {}, pool_size_}));
  ASSERT_TRUE(wait_booted(4));
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 4, 5s));
  engine_->drop_all_links();
  ASSERT_TRUE(peer_->wait_for_count(event_is("connected"), 8, 15s)) << "not every charger reconnected";
  for (const auto& [identity, addresses] : remote_addresses())
    EXPECT_EQ(addresses.size(), 1u) << identity << " connected from several addresses";
}

} // namespace
} // namespace ocppfleet::testing
