// What a CSMS sends cannot inflate a charger's memory or CPU without bound (issue 12,
// point 4): huge frames are logged cut, oversized GetVariables are refused whole, and an
// over-long message id is never echoed.
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

TEST_F(V16AgainstStrictCsms, huge_data_transfers_are_logged_cut_with_their_size_kept) {
  start_peer();
  frame_log_frame_bytes_ = rpc::FrameLog::kDefaultMaxFrameBytes; // the production default
  const auto id = add_charger("BIG-16");
  ASSERT_TRUE(wait_booted(1));
  const std::string data(900'000, 'd'); // under the 1 MiB inbound frame limit
  for (int i = 0; i < 3; ++i) {
    const auto r = peer_->call("BIG-16", "DataTransfer", {{"vendorId", "nobody"}, {"data", data}});
    ASSERT_TRUE(r["ok"]) << r.dump().substr(0, 300);
    EXPECT_EQ(r["result"]["status"], "UnknownVendorId");
  }
  const auto frames = engine_->frames(id);
  ASSERT_TRUE(frames);
  std::size_t huge = 0;
  for (const auto& f : *frames) {
    EXPECT_LE(f.text.size(), rpc::FrameLog::kDefaultMaxFrameBytes + 64);
    if (f.size > 900'000) {
      ++huge;
      EXPECT_TRUE(f.truncated());
      EXPECT_EQ(f.direction, rpc::Direction::CsmsToCharger);
    }
  }
  EXPECT_EQ(huge, 3u); // counted, not dropped
}

json get_variables(std::size_t n) {
  json items = json::array();
  for (std::size_t i = 0; i < n; ++i)
    items.push_back({{"component", {{"name", "OCPPCommCtrlr"}}}, {"variable", {{"name", "HeartbeatInterval"}}}});
  return {{"getVariableData", std::move(items)}};
}

TEST_F(V201AgainstStrictCsms, get_variables_with_ten_thousand_items_is_refused_whole) {
  start_peer();
  add_charger("BIG-V2");
  ASSERT_TRUE(wait_booted(1));
  // ~750 kB: over BytesPerMessage[GetVariables] (65000) as well as ItemsPerMessage (50).
  auto r = peer_->call("BIG-V2", "GetVariables", get_variables(10'000));
  ASSERT_FALSE(r["ok"]) << r.dump().substr(0, 300);
  EXPECT_EQ(r["error"]["code"], "FormatViolation") << r.dump().substr(0, 300);
  // Within the bytes but past the items: OccurrenceConstraintViolation.
  r = peer_->call("BIG-V2", "GetVariables", get_variables(51));
  ASSERT_FALSE(r["ok"]) << r.dump().substr(0, 300);
  EXPECT_EQ(r["error"]["code"], "OccurrenceConstraintViolation");
  // At the limit it is answered item by item.
  r = peer_->call("BIG-V2", "GetVariables", get_variables(50));
  ASSERT_TRUE(r["ok"]) << r.dump().substr(0, 300);
  EXPECT_EQ(r["result"]["getVariableResult"].size(), 50u);
}

TEST_F(V201AgainstStrictCsms, call_with_an_over_long_message_id_is_answered_with_id_minus_one) {
  start_peer();
  const auto id = add_charger("LONG-ID");
  ASSERT_TRUE(wait_booted(1));
  const std::string long_id(100'000, 'i');
  ASSERT_TRUE(peer_->send_raw("LONG-ID", R"([2,")" + long_id + R"(","Heartbeat",{}])")["ok"]);
  std::optional<std::string> answer;
  ASSERT_TRUE(eventually([&] {
    const auto frames = engine_->frames(id);
    if (!frames) return false;
    for (const auto& f : *frames)
      if (f.direction == rpc::Direction::ChargerToCsms && f.text.rfind("[4,", 0) == 0) answer = f.text;
    return answer.has_value();
  }));
  const auto j = json::parse(*answer);
  EXPECT_EQ(j[1], "-1");
  EXPECT_EQ(j[2], "FormatViolation");
  EXPECT_LT(answer->size(), 1000u);
}

} // namespace
} // namespace ocppfleet::testing
