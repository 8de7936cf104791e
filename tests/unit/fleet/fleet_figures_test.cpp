// The fleet's transaction figures (issue 12, "counts that agree"): a refused start is counted
// as rejected by its status and never as started, a charger offline leaves the in-transaction
// gauge, and the progress line and the summary read the same counters.
#include <gtest/gtest.h>

#include "simulator/fleet/fleet_figures.hpp"
#include "simulator/ocpp/common/start_rejection.hpp"
#include "simulator/ocpp/common/transaction_tally.hpp"

namespace {
using namespace ocppfleet;

charger::ChargerModel one_connector_model() {
  static const charger::ConnectorSpec spec{};
  return charger::ChargerModel{charger::ChargerIdentity{}, {&spec}};
}

void start(charger::ChargerModel& m, bool confirmed) {
  charger::Transaction tx;
  tx.local_id = "1";
  tx.confirmed = confirmed;
  auto* c = m.connector(1);
  c->plug(std::chrono::steady_clock::now(), charger::EvSpec{});
  ASSERT_TRUE(c->start_transaction(std::chrono::steady_clock::now(), std::move(tx)));
}

TEST(StartRejection, maps_both_versions_statuses_and_accepted_is_no_rejection) {
  EXPECT_FALSE(ocpp::start_rejection("Accepted"));
  EXPECT_EQ(ocpp::start_rejection("ConcurrentTx"), ocpp::StartRejection::ConcurrentTx);
  EXPECT_EQ(ocpp::start_rejection("Invalid"), ocpp::StartRejection::Invalid);
  EXPECT_EQ(ocpp::start_rejection("NotAtThisTime"), ocpp::StartRejection::NotAtThisTime);
  EXPECT_EQ(ocpp::start_rejection(""), ocpp::StartRejection::Other);
  EXPECT_EQ(ocpp::start_rejection("Other"), ocpp::StartRejection::Other);
  EXPECT_EQ(ocpp::name(ocpp::StartRejection::Blocked), "Blocked");
}

TEST(TransactionTally, a_rejected_start_counts_as_rejected_not_started_and_never_enters_the_gauge) {
  core::FleetCounters counters;
  auto model = one_connector_model();
  {
    ocpp::TransactionTally tally{counters};
    EXPECT_FALSE(tally.on_start_answer("ConcurrentTx"));
    start(model, false);
    tally.sync(model, true);
    EXPECT_EQ(counters.in_transaction.load(), 0);
    EXPECT_EQ(counters.transactions_started_total.load(), 0u);
    EXPECT_EQ(counters.starts_rejected_total[static_cast<int>(ocpp::StartRejection::ConcurrentTx)].load(), 1u);
    auto tx = model.connector(1)->stop_transaction(std::chrono::steady_clock::now());
    tally.on_ended(*tx);
    EXPECT_EQ(counters.transactions_stopped_total.load(), 0u) << "a rejected start never stops";
  }
  EXPECT_EQ(counters.in_transaction.load(), 0);
}

TEST(TransactionTally, the_gauge_follows_the_charger_offline_and_back_and_is_left_when_it_goes) {
  core::FleetCounters counters;
  auto model = one_connector_model();
  {
    ocpp::TransactionTally tally{counters};
    EXPECT_TRUE(tally.on_start_answer("Accepted"));
    start(model, true);
    tally.sync(model, true);
    EXPECT_EQ(counters.in_transaction.load(), 1);
    EXPECT_EQ(counters.transactions_started_total.load(), 1u);
    tally.sync(model, false); // disconnected
    EXPECT_EQ(counters.in_transaction.load(), 0);
    tally.sync(model, false);
    EXPECT_EQ(counters.in_transaction.load(), 0);
    tally.sync(model, true); // resumed after the next accepted boot
    EXPECT_EQ(counters.in_transaction.load(), 1);
  }
  EXPECT_EQ(counters.in_transaction.load(), 0) << "a destroyed charger leaves the gauge";
}

TEST(FleetFigures, progress_line_and_summary_show_the_same_rejections_by_status) {
  core::FleetCounters counters;
  counters.booted = 10;
  counters.connected = 10;
  counters.in_transaction = 3;
  counters.transactions_started_total = 3;
  counters.starts_rejected_total[static_cast<int>(ocpp::StartRejection::ConcurrentTx)] = 6;
  counters.starts_rejected_total[static_cast<int>(ocpp::StartRejection::Invalid)] = 1;
  counters.link_failures_total[static_cast<int>(transport::LinkError::PongTimeout)] = 2;
  const auto f = fleet::read_figures(counters);
  EXPECT_EQ(f.starts_rejected_total(), 7u);
  const auto line = fleet::progress_line(f, 10, 1.0, 0);
  EXPECT_NE(line.find("in-transaction 3"), std::string::npos) << line;
  EXPECT_NE(line.find("rejected starts: ConcurrentTx 6, Invalid 1"), std::string::npos) << line;
  EXPECT_NE(line.find("disconnects: pong_timeout 2"), std::string::npos) << line;
  const auto summary = fleet::transactions_summary(f);
  EXPECT_EQ(summary,
            "transactions: started 3, stopped 0, in transaction 3; rejected starts 7 (ConcurrentTx 6, Invalid 1)");
  EXPECT_EQ(fleet::rejected_starts_json(f), (nlohmann::json{{"ConcurrentTx", 6}, {"Invalid", 1}}));
  EXPECT_EQ(fleet::progress_line(fleet::read_figures(core::FleetCounters{}), 1, 0, 0).find("rejected"),
            std::string::npos);
}

} // namespace

namespace {
TEST(TransactionTally, an_authorize_refusal_is_a_rejected_start_and_an_acceptance_counts_nothing_yet) {
  core::FleetCounters counters;
  ocpp::TransactionTally tally{counters};
  EXPECT_TRUE(tally.on_authorize_answer("Accepted"));
  EXPECT_FALSE(tally.on_authorize_answer("Invalid"));
  EXPECT_EQ(counters.transactions_started_total.load(), 0u);
  EXPECT_EQ(counters.starts_rejected_total[static_cast<int>(ocpp::StartRejection::Invalid)].load(), 1u);
}
} // namespace
