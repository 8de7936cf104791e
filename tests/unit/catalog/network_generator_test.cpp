// Seeded network generation: same request, same bytes; a different seed, a different
// document; more locations keep the earlier ones; chargers per location leave location
// fields alone; caps and request fields give typed errors naming the field; identities,
// evse_ids and connector figures follow the formats and the model profiles.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <set>

#include "simulator/catalog/canonical_json.hpp"
#include "simulator/catalog/network_generator.hpp"
#include "tests/unit/catalog/template_test_support.hpp"

using namespace ocppfleet::catalog;
using namespace ocppfleet::catalog::test;

namespace {

NetworkRequest request(const std::string& slug, std::uint64_t seed = 42) {
  NetworkRequest r;
  r.template_slug = slug;
  r.seed = seed;
  r.country_code = "FR";
  r.party_id = "ABC";
  r.name_prefix = "alice";
  return r;
}

Network generate(const NetworkRequest& r) {
  GenerationResult result = generate_network(shipped_templates(), r);
  for (const auto& e : result.errors)
    ADD_FAILURE() << e.field << ": " << e.message;
  if (!result.network) return Network{};
  return std::move(*result.network);
}

// One location (with its EVSEs) as canonical bytes, to compare locations across documents.
std::string location_bytes(const NetworkLocation& l, bool with_evses) {
  Network one;
  one.locations.push_back(l);
  if (!with_evses) one.locations.back().evses.clear();
  return canonical_json(one);
}

std::string charger_key(const NetworkCharger& c) {
  return c.identity + '|' + c.brand + '/' + c.model + '|' + c.serial_number + '|' + c.ocpp_version + '|' + c.group;
}

GenerationError only_error(const NetworkRequest& r) {
  GenerationResult result = generate_network(shipped_templates(), r);
  EXPECT_EQ(result.errors.size(), 1u);
  EXPECT_FALSE(result.network.has_value());
  return result.errors.empty() ? GenerationError{} : result.errors.front();
}

} // namespace

TEST(NetworkGenerator, same_request_gives_the_same_bytes) {
  for (const char* slug : {"small-urban-ac", "highway-dc", "mixed-depot", "city-network"}) {
    const std::string a = canonical_json(generate(request(slug)));
    const std::string b = canonical_json(generate(request(slug)));
    EXPECT_EQ(a, b) << slug;
    EXPECT_EQ(sha256_hex(a), sha256_hex(b));
    EXPECT_EQ(sha256_hex(a).size(), 64u);
  }
}

TEST(NetworkGenerator, a_different_seed_gives_a_different_document) {
  const std::string a = canonical_json(generate(request("small-urban-ac", 42)));
  const std::string b = canonical_json(generate(request("small-urban-ac", 43)));
  EXPECT_NE(a, b);
  EXPECT_NE(sha256_hex(a), sha256_hex(b));
}

TEST(NetworkGenerator, canonical_document_is_sorted_and_has_no_runtime_fields) {
  const std::string doc = canonical_json(generate(request("small-urban-ac")));
  EXPECT_EQ(doc.rfind("{\"chargers\":[", 0), 0u) << doc.substr(0, 80);
  EXPECT_NE(doc.find("\"seed\":\"42\""), std::string::npos);
  EXPECT_NE(doc.find("\"template\":\"small-urban-ac\",\"template_version\":1"), std::string::npos);
  for (const char* runtime : {"cpo_id", "token", "timestamp", "last_updated", "created"})
    EXPECT_EQ(doc.find(runtime), std::string::npos) << runtime;
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(NetworkGenerator, canonical_document_is_its_own_sorted_re_serialisation) {
  // Parse and dump with nlohmann (objects sorted by key, compact): the same bytes mean the
  // hand-written writer sorted every key, escaped every string and wrote no float.
  for (const char* slug : {"mixed-depot", "city-network"}) {
    // Names from a template may hold anything UTF-8; write awkward ones straight in.
    Network n = generate(request(slug, 3));
    n.locations.front().name = "tab\there \"quoted\" back\\slash \x01 Köln";
    const std::string doc = canonical_json(n);
    const auto parsed = nlohmann::json::parse(doc);
    EXPECT_EQ(parsed.dump(), doc) << slug;
    EXPECT_EQ(parsed["locations"][0]["name"], "tab\there \"quoted\" back\\slash \x01 Köln");
    EXPECT_EQ(parsed["chargers"].size(), n.chargers.size());
  }
}

TEST(NetworkGenerator, more_locations_keep_the_earlier_ones_byte_identical) {
  NetworkRequest r = request("small-urban-ac", 7);
  r.overrides.locations = 2;
  const Network two = generate(r);
  r.overrides.locations = 3;
  const Network three = generate(r);
  ASSERT_EQ(two.locations.size(), 2u);
  ASSERT_EQ(three.locations.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i)
    EXPECT_EQ(location_bytes(two.locations[i], true), location_bytes(three.locations[i], true)) << i;
  ASSERT_EQ(three.chargers.size(), 9u);
  for (std::size_t i = 0; i < two.chargers.size(); ++i)
    EXPECT_EQ(charger_key(two.chargers[i]), charger_key(three.chargers[i]));
}

TEST(NetworkGenerator, chargers_per_location_does_not_change_location_fields) {
  for (const char* slug : {"small-urban-ac", "city-network"}) {
    NetworkRequest r = request(slug, 99);
    r.overrides.chargers_per_location = 1;
    const Network few = generate(r);
    r.overrides.chargers_per_location = 4;
    const Network many = generate(r);
    ASSERT_EQ(few.locations.size(), many.locations.size());
    for (std::size_t i = 0; i < few.locations.size(); ++i)
      EXPECT_EQ(location_bytes(few.locations[i], false), location_bytes(many.locations[i], false)) << slug << i;
    // In share mode the first charger of a location is drawn from its own stream either way.
    if (std::string{slug} == "city-network") {
      for (std::size_t i = 0; i < few.locations.size(); ++i)
        EXPECT_EQ(charger_key(few.chargers[i]), charger_key(many.chargers[i * 4]));
    }
  }
}

TEST(NetworkGenerator, caps_and_request_fields_give_typed_errors_naming_the_field) {
  NetworkRequest r = request("small-urban-ac");
  r.overrides.locations = 11;
  GenerationError e = only_error(r);
  EXPECT_EQ(e.code, GenerationErrorCode::OverrideOutOfRange);
  EXPECT_EQ(e.field, "overrides.locations");
  EXPECT_NE(e.message.find("between 1 and 10"), std::string::npos) << e.message;
  r.overrides.locations = 0;
  EXPECT_EQ(only_error(r).field, "overrides.locations");
  r = request("small-urban-ac");
  r.overrides.chargers_per_location = 7;
  EXPECT_EQ(only_error(r).field, "overrides.chargers_per_location");

  r = request("small-urban-ac");
  r.country_code = "US";
  e = only_error(r);
  EXPECT_EQ(e.code, GenerationErrorCode::UnknownCountry);
  EXPECT_EQ(e.field, "country_code");
  EXPECT_NE(e.message.find("BE, DE, FR, GB, NL"), std::string::npos) << e.message;
  r.country_code = "fr";
  EXPECT_EQ(only_error(r).field, "country_code");
  r = request("small-urban-ac");
  r.party_id = "AB";
  EXPECT_EQ(only_error(r).code, GenerationErrorCode::InvalidPartyId);
  r = request("small-urban-ac");
  r.name_prefix = "has space";
  EXPECT_EQ(only_error(r).field, "name_prefix");
  r.name_prefix = std::string(33, 'a');
  EXPECT_EQ(only_error(r).field, "name_prefix");
  r = request("no-such-template");
  EXPECT_EQ(only_error(r).code, GenerationErrorCode::UnknownTemplate);
  r = request("small-urban-ac");
  r.template_version = 2;
  EXPECT_EQ(only_error(r).field, "template_version");

  NetworkOverrides o;
  EXPECT_FALSE(set_override(o, "locations", 3).has_value());
  EXPECT_EQ(o.locations, 3);
  const auto unknown = set_override(o, "evses", 3);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->code, GenerationErrorCode::UnknownOverride);
  EXPECT_EQ(unknown->field, "overrides.evses");
}

TEST(NetworkGenerator, identities_evse_ids_and_coordinates_follow_the_formats) {
  const Network n = generate(request("small-urban-ac"));
  ASSERT_EQ(n.chargers.size(), 6u);
  EXPECT_EQ(n.chargers.front().identity, "alice-ABC-01-01"); // max_locations 10: two digits
  EXPECT_EQ(n.chargers.back().identity, "alice-ABC-02-03");
  EXPECT_EQ(n.locations.front().id, "LOC-0001");
  EXPECT_EQ(n.locations.front().evses.front().evse_id, "FR*ABC*E000101*1");
  EXPECT_EQ(n.locations.front().evses.front().uid, "LOC-0001-01-1");
  const std::regex identity{"^[A-Za-z0-9._:*-]{1,48}$"};
  const std::regex evse_id{"^FR\\*ABC\\*E[0-9]{6}\\*[0-9]+$"};
  const std::regex coordinate{"^-?[0-9]{1,3}\\.[0-9]{6}$"};
  for (const auto& c : n.chargers) {
    EXPECT_TRUE(std::regex_match(c.identity, identity)) << c.identity;
    EXPECT_TRUE(is_valid_charger_identity(c.identity));
    EXPECT_EQ(c.ocpp_version, "OCPP1.6");
    EXPECT_FALSE(c.serial_number.empty());
  }
  for (const auto& l : n.locations) {
    EXPECT_EQ(l.country, "FRA");
    EXPECT_TRUE(std::regex_match(l.latitude, coordinate)) << l.latitude;
    EXPECT_TRUE(std::regex_match(l.longitude, coordinate)) << l.longitude;
    EXPECT_EQ(l.time_zone, "Europe/Paris");
    for (const auto& e : l.evses)
      EXPECT_TRUE(std::regex_match(e.evse_id, evse_id)) << e.evse_id;
  }
  // The longest prefix still gives a valid identity.
  EXPECT_TRUE(is_valid_charger_identity(cpo_charger_identity(std::string(32, 'x'), "ABC", 2000, 2000, 5)));
  EXPECT_EQ(cpo_charger_identity("p", "XYZ", 7, 2000, 5), "p-XYZ-0007-05");
  EXPECT_FALSE(is_valid_charger_identity("a b"));
  EXPECT_FALSE(is_valid_charger_identity(std::string(49, 'a')));
}

TEST(NetworkGenerator, connector_figures_come_from_the_model_profile) {
  for (const char* slug : {"mixed-depot", "national-network"}) {
    const Network n = generate(request(slug, 5));
    std::map<std::string, const NetworkCharger*> by_identity;
    for (const auto& c : n.chargers)
      by_identity[c.identity] = &c;
    std::size_t checked = 0;
    for (const auto& l : n.locations) {
      for (const auto& e : l.evses) {
        const NetworkCharger& c = *by_identity.at(e.charger_identity);
        const auto profile = shipped_brands().resolve(c.brand, c.model).profile;
        ASSERT_NE(profile, nullptr) << c.brand << "/" << c.model;
        const ConnectorProfile& cp = *profile->hardware.connector(e.connector_id);
        const bool dc = cp.spec.current_type == ocppfleet::charger::CurrentType::DC;
        EXPECT_EQ(e.connector.max_voltage, std::llround(cp.spec.voltage_v));
        EXPECT_EQ(e.connector.max_amperage, std::llround(cp.spec.max_current_a));
        EXPECT_EQ(e.connector.max_electric_power, std::llround(cp.spec.max_power_w));
        EXPECT_EQ(e.connector.power_type, dc ? "DC" : "AC_3_PHASE");
        EXPECT_EQ(e.connector.format, cp.cable ? "CABLE" : "SOCKET");
        EXPECT_EQ(e.connector.tariff_ids.size(), 1u);
        ++checked;
      }
    }
    std::size_t connectors = 0;
    for (const auto& c : n.chargers)
      connectors += static_cast<std::size_t>(c.connector_count);
    EXPECT_EQ(checked, connectors) << slug;
  }
}

TEST(NetworkGenerator, count_groups_fill_each_location_by_largest_remainder) {
  const Network n = generate(request("mixed-depot"));
  std::map<std::string, int> groups;
  std::set<std::string> versions;
  for (const auto& c : n.chargers) {
    ++groups[c.group];
    versions.insert(c.ocpp_version);
  }
  EXPECT_EQ(groups, (std::map<std::string, int>{{"ac-depot", 4}, {"dc-depot", 1}, {"dc-satellite", 1}}));
  EXPECT_TRUE(versions.count("OCPP2.0.1"));
  NetworkRequest r = request("mixed-depot");
  r.overrides.chargers_per_location = 3;
  groups.clear();
  for (const auto& c : generate(r).chargers)
    ++groups[c.group];
  EXPECT_EQ(groups, (std::map<std::string, int>{{"ac-depot", 2}, {"dc-depot", 1}}));
}

TEST(NetworkGenerator, tariffs_take_the_country_currency) {
  NetworkRequest r = request("highway-dc");
  r.country_code = "GB";
  const Network gb = generate(r);
  ASSERT_EQ(gb.tariffs.size(), 1u);
  EXPECT_EQ(gb.tariffs.front().currency, "GBP");
  EXPECT_EQ(gb.tariffs.front().elements.front().front().price, "0.5900");
  EXPECT_EQ(gb.locations.front().country, "GBR");
  EXPECT_EQ(gb.locations.front().parking_type, "ALONG_MOTORWAY");
  EXPECT_EQ(generate(request("highway-dc")).tariffs.front().currency, "EUR");
}

TEST(NetworkGenerator, national_network_at_caps_has_ten_thousand_chargers) {
  NetworkRequest r = request("national-network", 2026);
  r.overrides.locations = 2000;
  r.overrides.chargers_per_location = 5;
  const Network n = generate(r);
  EXPECT_EQ(n.locations.size(), 2000u);
  EXPECT_EQ(n.chargers.size(), 10'000u);
  std::set<std::string> identities;
  std::set<std::string> evse_ids;
  std::size_t connectors = 0;
  for (const auto& c : n.chargers) {
    identities.insert(c.identity);
    connectors += static_cast<std::size_t>(c.connector_count);
  }
  for (const auto& l : n.locations)
    for (const auto& e : l.evses)
      evse_ids.insert(e.evse_id);
  EXPECT_EQ(identities.size(), 10'000u);
  EXPECT_EQ(n.evse_count(), connectors);
  EXPECT_EQ(evse_ids.size(), connectors);
  EXPECT_EQ(n.chargers.back().identity, "alice-ABC-2000-05");
  EXPECT_EQ(n.locations.back().id, "LOC-2000");
}

TEST(NetworkGenerator, random_seeds_differ) {
  // 2^-64 chance of a false failure: the draw is std::random_device, by design.
  EXPECT_NE(draw_random_seed(), draw_random_seed());
}
