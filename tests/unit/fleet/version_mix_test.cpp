#include "simulator/fleet/version_mix.hpp"

#include <gtest/gtest.h>

namespace ocppfleet::fleet {
namespace {

using ocpp::ProtocolVersion;

TEST(VersionMix, parses_versions_and_weights) {
  std::string error;
  const auto mix = parse_version_mix("1.6=70, 2.0.1=30", &error);
  ASSERT_TRUE(mix) << error;
  ASSERT_EQ(mix->size(), 2u);
  EXPECT_EQ((*mix)[0].version, ProtocolVersion::V16);
  EXPECT_EQ((*mix)[0].weight, 70u);
  EXPECT_EQ((*mix)[1].version, ProtocolVersion::V201);
  EXPECT_EQ((*mix)[1].weight, 30u);
}

TEST(VersionMix, rejects_bad_input_with_a_message_naming_the_problem) {
  const std::pair<const char*, const char*> cases[] = {
      {"1.5=10", "unknown OCPP version '1.5'"},
      {"1.6=10,1.6=5", "given twice"},
      {"1.6=-1", "not a non-negative integer"},
      {"1.6=x", "not a non-negative integer"},
      {"1.6", "expected VERSION=WEIGHT"},
      {"1.6=0,2.0.1=0", "every weight is 0"},
      {"", "empty mix"},
  };
  for (const auto& [text, expected] : cases) {
    std::string error;
    EXPECT_FALSE(parse_version_mix(text, &error)) << text;
    EXPECT_NE(error.find(expected), std::string::npos) << text << " -> " << error;
  }
}

TEST(VersionMix, same_seed_gives_the_same_assignment_and_weights_are_honoured) {
  const auto mix = *parse_version_mix("1.6=70,2.0.1=30");
  int v201 = 0;
  for (std::uint32_t i = 0; i < 10'000; ++i) {
    const auto v = pick_version(mix, 42, i);
    EXPECT_EQ(v, pick_version(mix, 42, i));
    if (v == ProtocolVersion::V201) ++v201;
  }
  // 30 % of 10,000 with a binomial sd of ~46: a wide band still catches a broken pick.
  EXPECT_GT(v201, 2'700);
  EXPECT_LT(v201, 3'300);
  int differs = 0;
  for (std::uint32_t i = 0; i < 1'000; ++i)
    differs += pick_version(mix, 42, i) != pick_version(mix, 43, i);
  EXPECT_GT(differs, 100); // another seed is another assignment
}

TEST(VersionMix, a_zero_weight_version_is_never_picked) {
  const auto mix = *parse_version_mix("1.6=0,2.0.1=1");
  for (std::uint32_t i = 0; i < 1'000; ++i)
    EXPECT_EQ(pick_version(mix, 7, i), ProtocolVersion::V201);
}

} // namespace
} // namespace ocppfleet::fleet

#include "simulator/fleet/model_mix.hpp"

namespace ocppfleet::fleet {
namespace {

TEST(ModelMix, parses_slugs_and_weights_and_rejects_bad_ones) {
  std::string error;
  const auto mix = parse_model_mix("abb/terra-184=2, wallbox/pulsar-plus=5", &error);
  ASSERT_TRUE(mix) << error;
  ASSERT_EQ(mix->size(), 2u);
  EXPECT_EQ((*mix)[1].slug, "wallbox/pulsar-plus");
  EXPECT_EQ((*mix)[1].weight, 5u);
  const std::pair<const char*, const char*> bad[] = {
      {"terra=1", "not a brand/model slug"},         {"abb/terra=1,abb/terra=2", "given twice"},
      {"abb/terra=x", "not a non-negative integer"}, {"abb/terra", "expected BRAND/MODEL=WEIGHT"},
      {"abb/terra=0", "every weight is 0"},          {"ABB/Terra=1", "not a brand/model slug"}};
  for (const auto& [text, says] : bad) {
    EXPECT_FALSE(parse_model_mix(text, &error)) << text;
    EXPECT_NE(error.find(says), std::string::npos) << text << " -> " << error;
  }
}

TEST(ModelMix, picks_are_seeded_and_follow_the_weights) {
  const auto mix = *parse_model_mix("a/x=2,b/y=5");
  int y = 0;
  int differs = 0;
  for (std::uint32_t i = 0; i < 7'000; ++i) {
    EXPECT_EQ(pick_model(mix, 9, i), pick_model(mix, 9, i));
    if (pick_model(mix, 9, i) == "b/y") ++y;
    differs += pick_model(mix, 9, i) != pick_model(mix, 10, i);
  }
  EXPECT_GT(y, 4'700); // 5/7 of 7,000 = 5,000, sd ~38
  EXPECT_LT(y, 5'300);
  EXPECT_GT(differs, 500);
}

} // namespace
} // namespace ocppfleet::fleet
