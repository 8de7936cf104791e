// The frame dump: one JSON object per frame, secrets redacted, written whole (tmp + rename).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "simulator/fleet/frame_dump.hpp"

namespace {
using namespace ocppfleet;

rpc::FrameRecord record(rpc::Direction d, std::string text, std::size_t size = 0) {
  rpc::FrameRecord r{d, std::chrono::system_clock::time_point{std::chrono::milliseconds{1'700'000'000'123}}, text,
                     size != 0 ? size : text.size()};
  return r;
}

TEST(FrameDump, one_line_per_frame_with_identity_direction_timestamp_and_redacted_text) {
  const auto line = nlohmann::json::parse(fleet::frame_dump_line(
      "CP-1", record(rpc::Direction::CsmsToCharger,
                     R"([2,"9","ChangeConfiguration",{"key":"AuthorizationKey","value":"topsecret"}])")));
  EXPECT_EQ(line["identity"], "CP-1");
  EXPECT_EQ(line["direction"], "csms_to_cp");
  EXPECT_EQ(line["timestamp"], "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(line["text"], R"([2,"9","ChangeConfiguration",{"key":"AuthorizationKey","value":"***"}])");
  EXPECT_FALSE(line.contains("truncated"));
  const auto cut = nlohmann::json::parse(fleet::frame_dump_line(
      "CP-1", record(rpc::Direction::ChargerToCsms, "[2,\"1\",\"Da...[truncated, 9000 bytes]", 9000)));
  EXPECT_EQ(cut["direction"], "cp_to_csms");
  EXPECT_EQ(cut["size"], 9000);
  EXPECT_EQ(cut["truncated"], true);
}

TEST(FrameDump, writes_every_charger_in_order_and_replaces_the_previous_dump) {
  const auto dir = std::filesystem::temp_directory_path() / ("ocppfleet-dump-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "frames.jsonl").string();
  std::vector<fleet::ChargerFrames> chargers{
      {1,
       "A",
       {record(rpc::Direction::ChargerToCsms, "[2,\"1\",\"Heartbeat\",{}]"),
        record(rpc::Direction::CsmsToCharger, "[3,\"1\",{}]")}},
      {2, "B", {record(rpc::Direction::ChargerToCsms, "[2,\"1\",\"Heartbeat\",{}]")}}};
  std::string error;
  std::size_t lines = 0;
  ASSERT_TRUE(fleet::write_frame_dump(path, chargers, &error, &lines)) << error;
  EXPECT_EQ(lines, 3u);
  chargers.pop_back();
  ASSERT_TRUE(fleet::write_frame_dump(path, chargers, &error, &lines)) << error;
  std::ifstream in{path};
  std::vector<std::string> got;
  for (std::string l; std::getline(in, l);)
    got.push_back(nlohmann::json::parse(l)["identity"]);
  EXPECT_EQ(got, (std::vector<std::string>{"A", "A"}));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(fleet::write_frame_dump((dir / "no" / "such" / "dir.jsonl").string(), chargers, &error));
  EXPECT_NE(error.find("cannot write"), std::string::npos);
  std::filesystem::remove_all(dir);
}

} // namespace
