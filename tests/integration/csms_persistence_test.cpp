// The CSMS's state survives a restart on the same database file.
#include "csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

TEST_F(CsmsServerTest, state_survives_a_restart_and_transaction_ids_keep_counting) {
  start_server();
  server_->register_cpo("acme", {"CP-P1"});
  const json calls = json::array({
      {{"action", "BootNotification"}, {"params", {{"chargePointVendor", "V"}, {"chargePointModel", "M"}}}},
      {{"action", "StatusNotification"},
       {"params", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Charging"}}}},
      {{"action", "StartTransaction"},
       {"params",
        {{"connectorId", 1}, {"idTag", "TAG-P"}, {"meterStart", 100}, {"timestamp", "2026-01-01T00:00:00Z"}}}},
      {{"action", "StartTransaction"},
       {"params",
        {{"connectorId", 1}, {"idTag", "TAG-P"}, {"meterStart", 200}, {"timestamp", "2026-01-01T00:01:00Z"}}}},
      {{"action", "StopTransaction"},
       {"params", {{"transactionId", 1}, {"meterStop", 900}, {"timestamp", "2026-01-01T00:02:00Z"}}}},
  });
  expect_all_ok(client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-P1"}, {"calls", calls}}));
  server_.reset(); // flushes the store

  start_server();
  // The registry is not persisted (its owner registers CPOs at start-up); the state is.
  EXPECT_FALSE(server_->cpo_registered("acme"));
  const auto st = server_->station("acme", "CP-P1");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->connected);
  EXPECT_EQ(st->vendor, "V");
  ASSERT_EQ(st->connectors.size(), 1u);
  EXPECT_EQ(st->connectors[0].status, "Charging");
  const auto txs = server_->list_transactions("acme");
  ASSERT_EQ(txs.size(), 2u);
  EXPECT_EQ(txs[0].transaction_id, "1");
  EXPECT_EQ(txs[0].state, csms::TransactionState::Ended);
  EXPECT_DOUBLE_EQ(txs[0].energy_wh, 800);
  EXPECT_EQ(txs[1].transaction_id, "2");
  EXPECT_EQ(txs[1].state, csms::TransactionState::Active);
  EXPECT_EQ(server_->list_id_tokens("acme").size(), 1u);

  // The still-active transaction can be stopped after the restart; new ids do not reuse 1 or 2.
  server_->register_cpo("acme", {"CP-P1"});
  const json later = json::array({
      {{"action", "StopTransaction"},
       {"params", {{"transactionId", 2}, {"meterStop", 700}, {"timestamp", "2026-01-01T00:03:00Z"}}}},
      {{"action", "StartTransaction"},
       {"params", {{"connectorId", 1}, {"idTag", "TAG-P"}, {"meterStart", 0}, {"timestamp", "2026-01-01T00:04:00Z"}}}},
  });
  const auto r = client({{"url", endpoint("/cpos/acme")}, {"identity", "CP-P1"}, {"calls", later}});
  expect_all_ok(r);
  EXPECT_EQ(result_of(r, "StartTransaction")["transactionId"], 3);
  const auto after = server_->list_transactions("acme");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[1].state, csms::TransactionState::Ended);
  EXPECT_DOUBLE_EQ(after[1].energy_wh, 500);
}

} // namespace
} // namespace ocppfleet::testing
