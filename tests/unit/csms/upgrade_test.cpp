#include <gtest/gtest.h>

#include "csms/meter.hpp"
#include "csms/upgrade.hpp"

namespace ocppfleet::csms::detail {
namespace {

TEST(CsmsUpgrade, default_and_cpo_paths_are_parsed_and_decoded) {
  auto r = parse_target("/ocpp/CP-1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->backend, "default");
  EXPECT_EQ(r->identity, "CP-1");
  EXPECT_FALSE(r->cpo);
  r = parse_target("/cpos/acme/CP%20two");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->backend, "acme");
  EXPECT_EQ(r->identity, "CP two");
  EXPECT_TRUE(r->cpo);
}

TEST(CsmsUpgrade, other_targets_are_refused) {
  for (const char* t : {"/", "/ocpp", "/ocpp/", "/ocpp/a/b", "/cpos/acme", "/cpos//CP", "/cpos/acme/", "/other/CP",
                        "/ocpp/CP?x=1", "/ocpp/%2", "/ocpp/%zz", "/ocpp/a%2Fb", "/ocpp/a%0Ab", "ocpp/CP"})
    EXPECT_FALSE(parse_target(t)) << t;
  EXPECT_FALSE(parse_target("/ocpp/" + std::string(49, 'x')));
  EXPECT_TRUE(parse_target("/ocpp/" + std::string(48, 'x')));
}

TEST(CsmsUpgrade, subprotocol_follows_the_clients_preference) {
  EXPECT_EQ(pick_subprotocol("ocpp2.0.1, ocpp1.6"), "ocpp2.0.1");
  EXPECT_EQ(pick_subprotocol("ocpp1.5,ocpp1.6"), "ocpp1.6");
  EXPECT_FALSE(pick_subprotocol("ocpp1.5, ocpp2.1"));
  EXPECT_FALSE(pick_subprotocol(""));
}

TEST(CsmsUpgrade, basic_auth_checks_identity_and_password) {
  // base64("CP-1:s3cret") = Q1AtMTpzM2NyZXQ=
  EXPECT_TRUE(basic_auth_matches("Basic Q1AtMTpzM2NyZXQ=", "CP-1", "s3cret"));
  EXPECT_TRUE(basic_auth_matches("basic  Q1AtMTpzM2NyZXQ=", "CP-1", "s3cret"));
  EXPECT_FALSE(basic_auth_matches("Basic Q1AtMTpzM2NyZXQ=", "CP-2", "s3cret"));
  EXPECT_FALSE(basic_auth_matches("Basic Q1AtMTpzM2NyZXQ=", "CP-1", "s3cre"));
  EXPECT_FALSE(basic_auth_matches("Bearer Q1AtMTpzM2NyZXQ=", "CP-1", "s3cret"));
  EXPECT_FALSE(basic_auth_matches("Basic !!!", "CP-1", "s3cret"));
  EXPECT_FALSE(basic_auth_matches("", "CP-1", "s3cret"));
}

TEST(CsmsMeter, energy_register_is_read_in_wh_for_both_versions) {
  using nlohmann::json;
  const json v16 = json::array(
      {{{"timestamp", "t"},
        {"sampledValue", json::array({{{"value", "1.5"}, {"unit", "kWh"}},
                                      {{"value", "7"}, {"measurand", "Energy.Active.Import.Register"}, {"phase", "L1"}},
                                      {{"value", "9"}, {"measurand", "Power.Active.Import"}}})}}});
  EXPECT_DOUBLE_EQ(energy_register_wh_v16(v16).value_or(-1), 1500);
  EXPECT_FALSE(energy_register_wh_v16(json::array({{{"sampledValue", json::array({{{"value", "x"}}})}}})));
  const json v201 = json::array(
      {{{"timestamp", "t"},
        {"sampledValue", json::array({{{"value", 12}, {"unitOfMeasure", {{"unit", "Wh"}, {"multiplier", 3}}}}})}}});
  EXPECT_DOUBLE_EQ(energy_register_wh_v201(v201).value_or(-1), 12000);
  EXPECT_FALSE(energy_register_wh_v201(json::object()));
}

} // namespace
} // namespace ocppfleet::csms::detail
