// CPO templates and location presets: every shipped file loads against the shipped brands,
// the gallery summary and preset filters answer what the files say, and broken files are
// reported with file, line and field path.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "simulator/catalog/cpo_template_loader.hpp"
#include "tests/unit/catalog/template_test_support.hpp"

using namespace ocppfleet::catalog;
using namespace ocppfleet::catalog::test;

namespace {

// A valid template to break one field at a time; pools are inline (no extends).
const std::string good_template = R"(slug: t
version: 1
description: test
caps: {max_locations: 10, max_chargers_per_location: 4}
defaults: {locations: 2, chargers_per_location: 3}
pools:
  countries:
    FR:
      alpha3: FRA
      currency: EUR
      cities:
        - {name: Paris, latitude: 48.856613, longitude: 2.352222, time_zone: Europe/Paris, postal_code: "750{digits:2}"}
      streets: [Rue de Rivoli]
  parking_types: [ON_STREET]
  opening_hours:
    - {twentyfourseven: true}
charger_groups:
  - {name: ac, brand: abb, model: terra-ac-w22, ocpp_versions: "1.6", connector_types: [Type2], count: 3}
tariffs:
  - id: AC
    power_type: AC
    elements:
      - price_components: [{type: ENERGY, price: 0.39}]
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The one error of loading `text` as t.yaml: it must name `line` and `path` and say `words`.
void expect_error(const std::string& text, int line, const std::string& path, const std::string& words) {
  TempDir dir;
  const auto file = dir.write("t.yaml", text);
  const TemplateLoad load = load_cpo_template(file, &shipped_brands());
  ASSERT_FALSE(load.errors.empty()) << "no error for " << path;
  EXPECT_EQ(load.tmpl, nullptr);
  const LoadError& e = load.errors.front();
  EXPECT_EQ(e.file, file.string());
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.path, path) << e.to_string();
  EXPECT_NE(e.message.find(words), std::string::npos) << e.to_string();
}

} // namespace

TEST(ShippedTemplates, every_template_and_preset_loads_against_the_brands) {
  const TemplateCatalog& cat = shipped_templates();
  for (const auto& e : cat.errors())
    ADD_FAILURE() << e.to_string();
  std::vector<std::string> slugs;
  for (const auto& t : cat.templates())
    slugs.push_back(t->slug);
  EXPECT_EQ(slugs, (std::vector<std::string>{"city-network", "highway-dc", "mixed-depot", "national-network",
                                             "small-urban-ac"}));
  for (const auto& t : cat.templates()) {
    for (const auto& g : t->groups)
      ASSERT_NE(g.profile, nullptr) << t->slug << " " << g.name;
    for (const char* cc : {"FR", "DE", "NL", "BE", "GB"})
      EXPECT_NE(t->pools.country(cc), nullptr) << t->slug << " " << cc;
  }
  EXPECT_GE(cat.presets().size(), 6u);
}

TEST(ShippedTemplates, gallery_summary_has_defaults_and_caps) {
  const auto list = shipped_templates().list();
  const auto find = [&](const std::string& slug) {
    return *std::find_if(list.begin(), list.end(), [&](const TemplateSummary& s) { return s.slug == slug; });
  };
  const TemplateSummary small = find("small-urban-ac");
  EXPECT_EQ(small.version, 1);
  EXPECT_EQ(small.locations, 2);
  EXPECT_EQ(small.chargers_per_location, 3);
  EXPECT_EQ(small.chargers, 6);
  const TemplateSummary highway = find("highway-dc");
  EXPECT_EQ(highway.locations * highway.chargers_per_location, 6);
  EXPECT_EQ(highway.chargers, 6);
  const TemplateSummary depot = find("mixed-depot");
  EXPECT_EQ(depot.locations, 1);
  EXPECT_EQ(depot.chargers, 6);
  const TemplateSummary city = find("city-network");
  EXPECT_EQ(city.locations, 40);
  EXPECT_EQ(city.max_locations, 80);
  const TemplateSummary national = find("national-network");
  EXPECT_EQ(national.max_locations, 2000);
  EXPECT_EQ(national.max_chargers_per_location, 5);
  EXPECT_LT(national.chargers, 10'000);
  EXPECT_EQ(national.countries, (std::vector<std::string>{"BE", "DE", "FR", "GB", "NL"}));
}

TEST(ShippedTemplates, mixed_depot_mixes_versions_and_small_urban_is_ac_16) {
  const auto depot = shipped_templates().find("mixed-depot");
  ASSERT_NE(depot, nullptr);
  std::set<std::string> versions;
  for (const auto& g : depot->groups)
    for (const auto& v : g.ocpp_versions)
      versions.insert(v.version);
  EXPECT_EQ(versions, (std::set<std::string>{"1.6", "2.0.1"}));
  const auto small = shipped_templates().find("small-urban-ac");
  ASSERT_NE(small, nullptr);
  for (const auto& g : small->groups) {
    EXPECT_EQ(g.ocpp_versions.size(), 1u);
    EXPECT_EQ(g.ocpp_versions.front().version, "1.6");
    EXPECT_EQ(g.profile->hardware.evses.front().connectors.front().spec.current_type,
              ocppfleet::charger::CurrentType::AC);
  }
  EXPECT_EQ(shipped_templates().find("no-such"), nullptr);
}

TEST(LocationPresets, filter_by_type_and_version) {
  const TemplateCatalog& cat = shipped_templates();
  for (const char* type : {"AC", "DC", "AC-DC"}) {
    const auto found = cat.presets(type);
    EXPECT_FALSE(found.empty()) << type;
    for (const auto& p : found)
      EXPECT_EQ(p->type, type);
  }
  const auto dc201 = cat.presets("DC", "OCPP2.0.1");
  ASSERT_EQ(dc201.size(), 1u);
  EXPECT_EQ(dc201.front()->slug, "dc-hub-201");
  EXPECT_EQ(cat.presets("DC", "2.0.1").size(), 1u);
  for (const auto& p : cat.presets({}, "1.6"))
    for (const auto& g : p->groups)
      EXPECT_EQ(g.ocpp_version, "1.6") << p->slug;
  // The mixed-version preset is listed without a version filter only.
  EXPECT_NE(cat.find_preset("ac-dc-mixed-versions"), nullptr);
  const auto mixed16 = cat.presets("AC-DC", "1.6");
  EXPECT_TRUE(std::none_of(mixed16.begin(), mixed16.end(), [](auto& p) { return p->slug == "ac-dc-mixed-versions"; }));
  EXPECT_TRUE(cat.presets("XX").empty());
  EXPECT_TRUE(cat.presets({}, "1.5").empty());
  const auto kerb = cat.find_preset("ac-kerbside");
  ASSERT_NE(kerb, nullptr);
  EXPECT_EQ(kerb->groups.front().power_w, 22'000);
  EXPECT_EQ(kerb->parking_type, "ON_STREET");
}

TEST(TemplateLoader, the_good_fixture_loads) {
  TempDir dir;
  const TemplateLoad load = load_cpo_template(dir.write("t.yaml", good_template), &shipped_brands());
  for (const auto& e : load.errors)
    ADD_FAILURE() << e.to_string();
  ASSERT_NE(load.tmpl, nullptr);
  EXPECT_EQ(load.tmpl->pools.countries.front().cities.front().latitude_e6, 48'856'613);
  EXPECT_EQ(load.tmpl->tariffs.front().elements.front().front().price_e4, 3'900);
}

TEST(TemplateLoader, errors_name_file_line_and_field) {
  expect_error(replace(good_template, "description: test", "description: test\ncolour: red"), 4, "colour",
               "unknown key");
  expect_error(replace(good_template, "version: 1", "version: one"), 2, "version", "expected an integer");
  expect_error(replace(good_template, "model: terra-ac-w22", "model: terra-ac-w99"), 18, "charger_groups[0].model",
               "no model 'abb/terra-ac-w99'");
  expect_error(replace(good_template, "ocpp_versions: \"1.6\"", "ocpp_versions: \"2.0.1\""), 18,
               "charger_groups[0].model", "does not speak OCPP 2.0.1");
  expect_error(replace(good_template, "connector_types: [Type2]", "connector_types: [CCS2]"), 18,
               "charger_groups[0].connector_types", "has connector types [Type2]");
  expect_error(replace(good_template, "    FR:", "    FRA:"), 8, "pools.countries.FRA", "not an ISO 3166-1 alpha-2");
  expect_error(replace(good_template, "time_zone: Europe/Paris", "time_zone: CET"), 12,
               "pools.countries.FR.cities[0].time_zone", "IANA");
  expect_error(replace(good_template, "latitude: 48.856613", "latitude: 48.8566131"), 12,
               "pools.countries.FR.cities[0].latitude", "at most 6 decimals");
  expect_error(replace(good_template, "{locations: 2,", "{locations: 20,"), 5, "defaults.locations",
               "more than caps.max_locations");
  expect_error(replace(good_template, "count: 3}", "count: 3, share: 2}"), 18, "charger_groups[0].share", "not both");
  expect_error(replace(good_template, "slug: t", "slug: other"), 1, "slug", "must be the file name");
  expect_error(replace(good_template, "type: ENERGY", "type: KWH"), 23,
               "tariffs[0].elements[0].price_components[0].type", "unknown value 'KWH'");
  expect_error(replace(good_template, "parking_types: [ON_STREET]", "parking_types: [KERB]"), 14,
               "pools.parking_types[0]", "unknown value 'KERB'");
  // More facilities than choices would draw past the list.
  expect_error(replace(good_template, "parking_types: [ON_STREET]",
                       "parking_types: [ON_STREET]\n  facilities: {choices: [CAFE], min: 2}"),
               15, "pools.facilities.min", "more than the number of choices");
}

TEST(TemplateLoader, extends_merges_a_base_and_reports_a_missing_one) {
  TempDir dir;
  const auto pools_at = good_template.find("pools:");
  const auto groups_at = good_template.find("charger_groups:");
  const std::string pools = good_template.substr(pools_at, groups_at - pools_at);
  dir.write("_base.yaml", pools);
  const std::string child = "extends: _base.yaml\n" + good_template.substr(0, pools_at) +
                            "pools:\n  parking_types: [PARKING_LOT]\n" + good_template.substr(groups_at);
  const TemplateLoad load = load_cpo_template(dir.write("t.yaml", child), &shipped_brands());
  for (const auto& e : load.errors)
    ADD_FAILURE() << e.to_string();
  ASSERT_NE(load.tmpl, nullptr);
  EXPECT_EQ(load.tmpl->pools.parking_types, (std::vector<std::string>{"PARKING_LOT"}));
  EXPECT_EQ(load.tmpl->pools.countries.size(), 1u);

  const TemplateLoad missing =
      load_cpo_template(dir.write("t.yaml", replace(child, "_base.yaml", "_gone.yaml")), &shipped_brands());
  ASSERT_FALSE(missing.errors.empty());
  EXPECT_EQ(missing.errors.front().line, 1);
  EXPECT_EQ(missing.errors.front().path, "extends");
  EXPECT_NE(missing.errors.front().message.find("no such file"), std::string::npos);
}

TEST(TemplateLoader, malformed_yaml_is_one_error_not_a_crash) {
  TempDir dir;
  const TemplateLoad load = load_cpo_template(dir.write("t.yaml", "slug: [unclosed\n"), &shipped_brands());
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_NE(load.errors.front().message.find("malformed YAML"), std::string::npos);
}

TEST(PresetLoader, type_and_power_are_checked_against_the_model) {
  TempDir dir;
  const std::string preset = R"(slug: p
name: P
type: DC
site: {parking_type: ON_STREET}
groups:
  - {brand: abb, model: terra-ac-w22, connector: Type2, ocpp_version: "1.6", count: 2, power_kw: 22}
)";
  PresetLoad load = load_location_preset(dir.write("p.yaml", preset), &shipped_brands());
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors.front().line, 3);
  EXPECT_EQ(load.errors.front().path, "type");
  EXPECT_NE(load.errors.front().message.find("AC, not DC"), std::string::npos);

  load = load_location_preset(
      dir.write("p.yaml", replace(replace(preset, "type: DC", "type: AC"), "power_kw: 22", "power_kw: 50")),
      &shipped_brands());
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors.front().line, 6);
  EXPECT_EQ(load.errors.front().path, "groups[0].power_kw");

  load = load_location_preset(dir.write("p.yaml", replace(preset, "type: DC", "type: AC")), &shipped_brands());
  EXPECT_TRUE(load.ok());
  ASSERT_NE(load.preset, nullptr);
  EXPECT_EQ(load.preset->groups.front().count, 2);
}
