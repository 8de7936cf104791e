// A 1.6 charger keeps metering while the CSMS is down and sends the samples after the
// reconnect, in order, with the times they were taken (issue 12, point 2).
#include <ctime>

#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

// "2026-12-04T18:55:01.123Z" -> ms since the epoch (-1 when malformed).
std::int64_t epoch_ms(const std::string& iso) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &ms) != 7)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

TEST_F(V16AgainstStrictCsms, meter_values_due_while_the_csms_is_down_arrive_after_the_reconnect_in_order) {
  start_peer();
  link_->backoff.initial = 3s; // the outage: the reconnect waits 2.1-3.9 s
  link_->backoff.max = 4s;
  const auto id = add_charger("OFF-16");
  ASSERT_TRUE(wait_booted(1));
  for (const auto& [key, value] :
       {std::pair{"MeterValueSampleInterval", "1"}, std::pair{"AuthorizeRemoteTxRequests", "false"}}) {
    const auto r = peer_->call("OFF-16", "ChangeConfiguration", {{"key", key}, {"value", value}});
    ASSERT_EQ(r["result"]["status"], "Accepted") << r.dump();
  }
  ASSERT_EQ(peer_->call("OFF-16", "RemoteStartTransaction", {{"idTag", "T"}})["result"]["status"], "Accepted");
  const auto start = peer_->wait_for_event(call_event("OFF-16", "StartTransaction"), 5s);
  ASSERT_TRUE(start);
  const auto tx_id = (*start)["response"]["transactionId"].get<std::int64_t>();
  ASSERT_TRUE(peer_->wait_for_event(call_event("OFF-16", "MeterValues"), 5s));

  peer_->close("OFF-16");
  const auto down = peer_->wait_for_event(event_is("disconnected", "OFF-16"), 5s);
  ASSERT_TRUE(down);
  const auto up = peer_->wait_for_count(event_is("connected", "OFF-16"), 2, 10s);
  ASSERT_TRUE(up);
  std::int64_t reconnected_at = 0;
  std::size_t connects = 0;
  for (const auto& e : peer_->events())
    if (event_is("connected", "OFF-16")(e) && ++connects == 2) reconnected_at = e["t"].get<std::int64_t>();
  const std::int64_t down_at = (*down)["t"].get<std::int64_t>();

  // Stop the session: the StopTransaction queues behind every sample taken so far.
  engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.stop_session(1); });
  ASSERT_TRUE(peer_->wait_for_event(call_event("OFF-16", "StopTransaction"), 10s));

  std::vector<std::int64_t> taken;
  for (const auto& e : peer_->events()) {
    if (!call_event("OFF-16", "MeterValues")(e)) continue;
    EXPECT_EQ(e["params"]["transactionId"], tx_id);
    taken.push_back(epoch_ms(e["params"]["meterValue"][0]["timestamp"].get<std::string>()));
  }
  std::size_t during_outage = 0;
  for (std::size_t i = 0; i < taken.size(); ++i) {
    if (i > 0) {
      EXPECT_LE(taken[i - 1], taken[i]) << "samples out of order";
    }
    if (taken[i] > down_at && taken[i] < reconnected_at) ++during_outage;
  }
  // Samples were due every second of a >= 2.1 s outage.
  EXPECT_GE(during_outage, 1u) << "no sample taken between " << down_at << " and " << reconnected_at;
}

} // namespace
} // namespace ocppfleet::testing
