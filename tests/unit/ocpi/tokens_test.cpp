// OCPI Tokens (our CPO as RECEIVER): the Token object checked at the edge, and the decisions
// the CPO's backend takes from the table of the eMSP's tokens.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ocpi/token_object.hpp"
#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;
using Status = TokenDecision::Status;

Json token(const std::string& uid, bool valid = true, const std::string& whitelist = "ALWAYS") {
  return Json{{"country_code", "NL"},
              {"party_id", "EMS"},
              {"uid", uid},
              {"type", "RFID"},
              {"contract_id", "NL-EMS-C" + uid},
              {"issuer", "Test eMSP"},
              {"valid", valid},
              {"whitelist", whitelist},
              {"last_updated", "2026-12-01T10:00:00Z"}};
}

TEST(OcpiTokenObject, a_complete_token_passes_and_each_required_field_is_named_when_missing) {
  EXPECT_EQ(check_token_object(token("0102030405")), "");
  for (const char* field :
       {"country_code", "party_id", "uid", "type", "contract_id", "issuer", "valid", "whitelist", "last_updated"}) {
    auto t = token("A1");
    t.erase(field);
    EXPECT_EQ(check_token_object(t), std::string{field} + " is required");
  }
}

TEST(OcpiTokenObject, bad_values_are_refused_with_the_field_named) {
  const auto bad = [](const char* field, Json value) {
    auto t = token("A1");
    t[field] = std::move(value);
    return check_token_object(t);
  };
  EXPECT_NE(bad("country_code", "NLD").find("country_code"), std::string::npos);
  EXPECT_NE(bad("party_id", "EM").find("party_id"), std::string::npos);
  EXPECT_NE(bad("uid", std::string(37, 'x')).find("uid"), std::string::npos);
  EXPECT_NE(bad("type", "CARD").find("type: one of AD_HOC_USER"), std::string::npos);
  EXPECT_NE(bad("whitelist", "SOMETIMES").find("whitelist"), std::string::npos);
  EXPECT_NE(bad("valid", "yes").find("valid"), std::string::npos);
  EXPECT_NE(bad("last_updated", "yesterday").find("last_updated"), std::string::npos);
  EXPECT_NE(bad("last_updated", "2026-12-01T10:00:00.000000+00:00").find("25 characters"), std::string::npos);
  EXPECT_NE(bad("energy_contract", Json{{"contract_id", "X"}}).find("supplier_name"), std::string::npos);
  EXPECT_NE(bad("default_profile_type", "SLOW").find("default_profile_type"), std::string::npos);
  EXPECT_EQ(bad("energy_contract", Json{{"supplier_name", "Green Power"}}), "");
  EXPECT_EQ(check_token_object(Json::array()), "the Token must be a JSON object");
}

TEST(OcpiTokenObject, a_patch_needs_last_updated_and_never_renames_the_token) {
  EXPECT_EQ(check_token_patch(Json{{"valid", false}, {"last_updated", "2026-12-02T00:00:00Z"}}), "");
  EXPECT_EQ(check_token_patch(Json{{"valid", false}}), "last_updated is required in a PATCH");
  EXPECT_NE(check_token_patch(Json{{"uid", "B"}, {"last_updated", "2026-12-02T00:00:00Z"}}).find("uid cannot"),
            std::string::npos);
  EXPECT_NE(check_token_patch(Json{{"whitelist", nullptr}, {"last_updated", "2026-12-02T00:00:00Z"}})
                .find("cannot be removed"),
            std::string::npos);
  EXPECT_EQ(check_token_patch(Json{{"group_id", nullptr}, {"last_updated", "2026-12-02T00:00:00Z"}}), "");
  EXPECT_NE(check_token_patch(Json{{"whitelist", "X"}, {"last_updated", "2026-12-02T00:00:00Z"}}).find("whitelist"),
            std::string::npos);
}

TEST(OcpiTokenTable, unknown_is_invalid_not_valid_is_blocked_whitelisted_and_valid_is_accepted) {
  CpoTokens t;
  EXPECT_EQ(t.decide("AA").status, Status::invalid);
  auto with_group = token("AA");
  with_group["group_id"] = "FAMILY-1";
  t.put(token_entry(with_group));
  const auto d = t.decide("AA");
  EXPECT_EQ(d.status, Status::accepted);
  EXPECT_EQ(d.group_id, "FAMILY-1");
  t.put(token_entry(token("AA", false))); // same (country, party, uid, type): replaced
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.decide("AA").status, Status::blocked);
  for (const char* w : {"ALWAYS", "ALLOWED", "ALLOWED_OFFLINE"}) {
    t.put(token_entry(token("W", true, w)));
    EXPECT_EQ(t.decide("W").status, Status::accepted) << w;
  }
}

TEST(OcpiTokenTable, a_never_whitelisted_token_charges_only_when_a_command_granted_it) {
  CpoTokens t;
  t.put(token_entry(token("APP-1", true, "NEVER")));
  const auto now = CpoTokens::Clock::now();
  EXPECT_EQ(t.decide("APP-1", now).status, Status::invalid);
  t.grant("APP-1", now + 10min);
  EXPECT_EQ(t.decide("APP-1", now + 9min).status, Status::accepted);
  EXPECT_EQ(t.decide("APP-1", now + 11min).status, Status::invalid);
  // A grant also covers a token the eMSP never pushed (its command carried it) and a blocked one.
  t.grant("ONLY-IN-COMMAND", now + 1min);
  EXPECT_EQ(t.decide("ONLY-IN-COMMAND", now).status, Status::accepted);
  t.put(token_entry(token("BLOCKED", false)));
  t.grant("BLOCKED", now + 1min);
  EXPECT_EQ(t.decide("BLOCKED", now).status, Status::accepted);
  EXPECT_EQ(t.decide("BLOCKED", now + 2min).status, Status::blocked);
}

TEST(OcpiTokenTable, a_uid_under_two_parties_charges_when_either_lets_it) {
  CpoTokens t;
  auto other = token("SHARED", false);
  other["party_id"] = "OTH";
  t.put(token_entry(other));
  EXPECT_EQ(t.decide("SHARED").status, Status::blocked);
  t.put(token_entry(token("SHARED", true)));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.decide("SHARED").status, Status::accepted);
  t.clear();
  EXPECT_EQ(t.decide("SHARED").status, Status::invalid);
}

TEST(OcpiTokenTable, tables_are_per_cpo) {
  TokenTable table;
  table.of(1)->put(token_entry(token("X")));
  EXPECT_EQ(table.of(1)->decide("X").status, Status::accepted);
  EXPECT_EQ(table.of(2)->decide("X").status, Status::invalid);
  EXPECT_EQ(table.find(3), nullptr);
  EXPECT_EQ(table.find(1), table.of(1));
}

} // namespace
} // namespace ocppfleet::ocpi
