// Loading single profile files: extends resolution and merging, and every kind of bad
// profile reported with file, line and field path (never a crash).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "simulator/catalog/profile_loader.hpp"
#include "simulator/catalog/yaml_tree.hpp"
#include "tests/unit/catalog/test_paths.hpp"

using namespace ocppfleet::catalog;
using ocppfleet::catalog::test::fixture;

namespace {

// The one error expected from a bad fixture, with its line and field path.
void expect_single_error(const ProfileLoad& load, int line, const std::string& path, const std::string& text) {
  ASSERT_EQ(load.errors.size(), 1u) << (load.errors.empty() ? "" : load.errors[0].to_string());
  const LoadError& e = load.errors[0];
  EXPECT_EQ(e.line, line) << e.to_string();
  EXPECT_EQ(e.path, path) << e.to_string();
  EXPECT_NE(e.message.find(text), std::string::npos) << e.to_string();
  EXPECT_EQ(load.profile, nullptr);
}

} // namespace

TEST(ProfileLoader, good_profile_merges_its_base_field_by_field) {
  const ProfileLoad load = load_profile(fixture("good.yaml"));
  ASSERT_TRUE(load.ok()) << load.errors[0].to_string();
  ASSERT_NE(load.profile, nullptr);
  const ModelProfile& p = *load.profile;
  EXPECT_EQ(p.identity.brand_slug, "acme");
  EXPECT_EQ(p.identity.model_slug, "good");
  EXPECT_EQ(p.identity.brand_name, "ACME"); // from the base
  EXPECT_EQ(p.identity.model, "GOOD-1");    // from the file
  EXPECT_EQ(p.identity.serial_pattern.text(), "ACME-{digits:6}");
  const ConfigKey16* hb = p.personality.config_key("HeartbeatInterval");
  ASSERT_NE(hb, nullptr);
  EXPECT_EQ(hb->default_value, "300");     // overridden
  EXPECT_EQ(hb->type, ValueType::Integer); // inherited from the base's item
  const ConfigKey16* sampled = p.personality.config_key("MeterValuesSampledData");
  ASSERT_NE(sampled, nullptr);
  EXPECT_EQ(sampled->type, ValueType::Csl);
  EXPECT_EQ(sampled->default_value, "Energy.Active.Import.Register");
  EXPECT_EQ(sampled->allowed.size(), 2u);
  EXPECT_NE(p.personality.config_key("WebSocketPingInterval"), nullptr); // appended
  EXPECT_TRUE(p.personality.config_key("NumberOfConnectors")->readonly);
  EXPECT_TRUE(p.personality.supports_16("RemoteStartTransaction"));
  EXPECT_FALSE(p.personality.supports_16("ReserveNow"));
}

TEST(ProfileLoader, connectors_become_charger_specs_in_watts) {
  const ProfileLoad load = load_profile(fixture("good.yaml"));
  ASSERT_TRUE(load.ok());
  const Hardware& hw = load.profile->hardware;
  ASSERT_EQ(hw.evses.size(), 2u);
  EXPECT_EQ(hw.connector_count(), 2);
  const auto& ac = to_connector_spec(*hw.connector(1));
  EXPECT_EQ(ac.current_type, ocppfleet::charger::CurrentType::AC);
  EXPECT_EQ(ac.phases, 3);
  EXPECT_DOUBLE_EQ(ac.max_current_a, 16.0);
  EXPECT_DOUBLE_EQ(ac.max_power_w, 11'000.0);
  const ConnectorProfile& dc = *hw.connector(2);
  EXPECT_EQ(dc.spec.current_type, ocppfleet::charger::CurrentType::DC);
  EXPECT_TRUE(dc.cable);
  EXPECT_EQ(dc.ocpp201_connector_type(), "cCCS2");
  EXPECT_EQ(hw.connector(1)->ocpp201_connector_type(), "sType2");
  EXPECT_EQ(hw.connector(3), nullptr);
  EXPECT_DOUBLE_EQ(hw.max_power_w(), 150'000.0);
}

TEST(ProfileLoader, abstract_base_loads_without_a_profile) {
  const ProfileLoad load = load_profile(fixture("_base.yaml"));
  EXPECT_TRUE(load.ok()) << load.errors[0].to_string();
  EXPECT_TRUE(load.abstract);
  EXPECT_EQ(load.profile, nullptr);
}

TEST(ProfileLoader, unknown_key_names_the_field_and_line) {
  expect_single_error(load_profile(fixture("unknown-key.yaml")), 5, "identity.colour", "unknown key 'colour'");
}

TEST(ProfileLoader, wrong_types_are_each_reported) {
  const ProfileLoad load = load_profile(fixture("wrong-type.yaml"));
  ASSERT_EQ(load.errors.size(), 2u);
  EXPECT_EQ(load.errors[0].line, 7);
  EXPECT_EQ(load.errors[0].path, "hardware.ocpp_versions[0]");
  EXPECT_NE(load.errors[0].message.find("expected a string"), std::string::npos);
  EXPECT_EQ(load.errors[1].line, 14);
  EXPECT_EQ(load.errors[1].path, "personality.metering.sample_interval_s");
  EXPECT_NE(load.errors[1].message.find("expected an integer"), std::string::npos);
  EXPECT_NE(load.errors[0].file.find("wrong-type.yaml"), std::string::npos);
}

TEST(ProfileLoader, extends_cycle_is_reported_at_the_extends_line) {
  const ProfileLoad load = load_profile(fixture("cycle-a.yaml"));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].line, 2);
  EXPECT_EQ(load.errors[0].path, "extends");
  EXPECT_NE(load.errors[0].message.find("extends cycle: cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml"),
            std::string::npos)
      << load.errors[0].to_string();
  EXPECT_NE(load.errors[0].file.find("cycle-b.yaml"), std::string::npos); // the file that closes the loop
}

TEST(ProfileLoader, missing_extends_file_is_reported_at_the_extends_line) {
  expect_single_error(load_profile(fixture("missing-extends.yaml")), 3, "extends", "_no-such-base.yaml");
}

TEST(ProfileLoader, negative_power_names_the_connector_field) {
  expect_single_error(load_profile(fixture("negative-power.yaml")), 8, "hardware.evses[0].connectors[0].max_power_kw",
                      "must be > 0");
}

TEST(ProfileLoader, malformed_yaml_is_one_error_not_a_crash) {
  const ProfileLoad load = load_profile(fixture("malformed.yaml"));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_GT(load.errors[0].line, 0);
  EXPECT_NE(load.errors[0].message.find("malformed YAML"), std::string::npos);
}

TEST(ProfileLoader, missing_file_is_an_error) {
  const ProfileLoad load = load_profile(fixture("no-such-profile.yaml"));
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_NE(load.errors[0].message.find("no such file"), std::string::npos);
}

TEST(ProfileLoader, error_text_is_file_line_column_path_message) {
  const ProfileLoad load = load_profile(fixture("unknown-key.yaml"));
  ASSERT_FALSE(load.errors.empty());
  const std::string text = load.errors[0].to_string();
  EXPECT_NE(text.find("unknown-key.yaml:5:3: identity.colour: unknown key"), std::string::npos) << text;
}

// Field checks that need no fixture file: the loader's parser and decoder on inline text.
TEST(YamlTree, duplicate_keys_are_reported) {
  const ParsedYaml parsed = parse_yaml_text("a: 1\nb: 2\na: 3\n", "inline.yaml");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].line, 3);
  EXPECT_EQ(parsed.errors[0].path, "a");
}

TEST(YamlTree, quoted_scalars_are_strings_and_plain_ones_are_typed) {
  const ParsedYaml parsed = parse_yaml_text("a: \"1.6\"\nb: 1.6\nc: 42\nd: true\ne: 6.4.14\n", "inline.yaml");
  ASSERT_TRUE(parsed.root.has_value());
  using ST = YamlNode::ScalarType;
  EXPECT_EQ(parsed.root->find("a")->value.scalar_type(), ST::String);
  EXPECT_EQ(parsed.root->find("b")->value.scalar_type(), ST::Decimal);
  EXPECT_EQ(parsed.root->find("c")->value.scalar_type(), ST::Integer);
  EXPECT_EQ(parsed.root->find("d")->value.scalar_type(), ST::Boolean);
  EXPECT_EQ(parsed.root->find("e")->value.scalar_type(), ST::String);
}

TEST(YamlTree, keyed_lists_merge_by_key_and_other_lists_replace) {
  const auto base = parse_yaml_text("k: [{name: A, v: 1}, {name: B, v: 2}]\nl: [1, 2]\n", "base.yaml");
  const auto over = parse_yaml_text("k: [{name: B, v: 5}, {name: C, v: 6}]\nl: [3]\n", "over.yaml");
  ASSERT_TRUE(base.root && over.root);
  const YamlNode merged = merge_yaml(*base.root, *over.root, KeyedLists{{"k", {"name"}}});
  const YamlNode& k = merged.find("k")->value;
  ASSERT_EQ(k.items.size(), 3u);
  EXPECT_EQ(k.items[1].find("v")->value.scalar, "5");
  EXPECT_EQ(*k.items[1].find("v")->value.mark.file, "over.yaml"); // errors would name the overriding file
  EXPECT_EQ(*k.items[0].find("v")->value.mark.file, "base.yaml");
  EXPECT_EQ(merged.find("l")->value.items.size(), 1u);
}
