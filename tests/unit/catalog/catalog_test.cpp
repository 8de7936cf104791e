// The shipped catalogue (brands/): every profile loads, the required models and brands are
// there, identity strings fit OCPP's field sizes, and a model's profile is one shared copy.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "simulator/catalog/catalog.hpp"
#include "tests/unit/catalog/test_paths.hpp"

using namespace ocppfleet::catalog;
using ocppfleet::catalog::test::brands_dir;
using ocppfleet::catalog::test::fixtures_dir;

TEST(ShippedCatalog, every_profile_loads_without_errors) {
  Catalog catalog{brands_dir()};
  const Catalog::All all = catalog.load_all();
  for (const auto& e : all.errors)
    ADD_FAILURE() << e.to_string();
  EXPECT_EQ(all.profiles.size(), catalog.model_slugs().size());
}

TEST(ShippedCatalog, has_at_least_twelve_models_from_eight_brands_including_the_named_ones) {
  Catalog catalog{brands_dir()};
  const auto slugs = catalog.model_slugs();
  std::set<std::string> brands;
  for (const auto& s : slugs)
    brands.insert(s.substr(0, s.find('/')));
  EXPECT_GE(slugs.size(), 12u);
  EXPECT_GE(brands.size(), 8u);
  const std::set<std::string> have(slugs.begin(), slugs.end());
  for (const char* required : {"abb/terra-184", "abb/terra-ac-w22", "wallbox/pulsar-plus", "schneider/evlink-pro-ac",
                               "alfen/eve-single-pro-line", "keba/kecontact-p30"})
    EXPECT_TRUE(have.count(required)) << required;
}

TEST(ShippedCatalog, includes_dc_fast_chargers_from_other_makers) {
  Catalog catalog{brands_dir()};
  std::set<std::string> dc_brands;
  for (const auto& p : catalog.load_all().profiles) {
    for (const auto& evse : p->hardware.evses)
      for (const auto& c : evse.connectors)
        if (c.spec.current_type == ocppfleet::charger::CurrentType::DC && c.spec.max_power_w >= 50'000.0)
          dc_brands.insert(p->identity.brand_slug);
  }
  dc_brands.erase("abb");
  EXPECT_GE(dc_brands.size(), 2u);
}

TEST(ShippedCatalog, identity_strings_fit_ocpp_field_sizes_and_serials_are_generated) {
  Catalog catalog{brands_dir()};
  for (const auto& p : catalog.load_all().profiles) {
    const Identity& id = p->identity;
    EXPECT_LE(id.vendor.size(), 20u) << id.slug();
    EXPECT_LE(id.model.size(), 20u) << id.slug();
    EXPECT_LE(id.firmware_version.size(), 50u) << id.slug();
    const std::string serial = id.serial_pattern.generate(serial_seed(1, id.slug(), 0), 0);
    EXPECT_FALSE(serial.empty()) << id.slug();
    EXPECT_LE(serial.size(), 25u) << id.slug();
    EXPECT_FALSE(p->hardware.evses.empty()) << id.slug();
    EXPECT_FALSE(p->personality.supported_actions_16.empty()) << id.slug();
  }
}

TEST(ShippedCatalog, ev_profiles_load) {
  Catalog catalog{brands_dir()};
  const EvCatalogLoad evs = catalog.evs();
  for (const auto& e : evs.errors)
    ADD_FAILURE() << e.to_string();
  ASSERT_NE(evs.catalog, nullptr);
  EXPECT_GE(evs.catalog->evs().size(), 8u);
  EXPECT_EQ(catalog.evs().catalog, evs.catalog); // loaded once
}

TEST(CatalogCache, a_thousand_chargers_of_one_model_share_one_profile) {
  Catalog catalog{brands_dir()};
  const auto first = catalog.get("abb/terra-ac-w22").profile;
  ASSERT_NE(first, nullptr);
  std::vector<std::shared_ptr<const ModelProfile>> chargers;
  for (int i = 0; i < 1000; ++i)
    chargers.push_back(catalog.get("abb/terra-ac-w22").profile);
  EXPECT_EQ(catalog.profiles_loaded(), 1u);
  for (const auto& p : chargers)
    ASSERT_EQ(p.get(), first.get());
  EXPECT_EQ(first.use_count(), 1002); // the cache, `first` and the 1,000 chargers: one object
  // The connector spec a charger keeps by address is the profile's own.
  EXPECT_EQ(&to_connector_spec(*chargers[999]->hardware.connector(1)), &first->hardware.connector(1)->spec);
  catalog.get("abb/terra-184");
  EXPECT_EQ(catalog.profiles_loaded(), 2u);
}

TEST(CatalogCache, unknown_and_malformed_slugs_are_errors) {
  Catalog catalog{brands_dir()};
  EXPECT_EQ(catalog.get("abb/no-such-model").profile, nullptr);
  EXPECT_FALSE(catalog.get("abb/no-such-model").errors.empty());
  EXPECT_FALSE(catalog.get("../etc/passwd").errors.empty());
  EXPECT_FALSE(catalog.get("abb/_terra-ac-base").errors.empty()); // bases are not models
  EXPECT_FALSE(catalog.get("terra-184").errors.empty());
}

TEST(CatalogCache, profiles_that_fail_are_reported_and_not_cached) {
  Catalog catalog{fixtures_dir()};
  const auto bad = catalog.get("acme/negative-power");
  EXPECT_EQ(bad.profile, nullptr);
  ASSERT_FALSE(bad.errors.empty());
  catalog.get("acme/negative-power");
  EXPECT_EQ(catalog.profiles_loaded(), 2u);
  EXPECT_NE(catalog.get("acme/good").profile, nullptr);
}

TEST(CatalogSlugs, file_name_and_brand_prefixed_model_slugs_resolve_to_the_same_shared_profile) {
  Catalog catalog{brands_dir()};
  const auto bare = catalog.get("abb/terra-184").profile;
  const auto prefixed = catalog.get("abb/abb-terra-184").profile;
  const auto split = catalog.resolve("abb", "abb-terra-184").profile;
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(prefixed.get(), bare.get());
  EXPECT_EQ(split.get(), bare.get());
  EXPECT_EQ(catalog.profiles_loaded(), 1u); // one cache entry for both spellings
  EXPECT_EQ(bare->identity.model_slug, "terra-184");
  EXPECT_EQ(bare->identity.canonical_model_slug(), "abb-terra-184");
  EXPECT_EQ(catalog.resolve("wallbox", "wallbox-pulsar-plus").profile->identity.canonical_model_slug(),
            "wallbox-pulsar-plus");
}

TEST(CatalogSlugs, the_prefix_is_only_the_models_own_brand_and_never_unlocks_bases_or_paths) {
  Catalog catalog{brands_dir()};
  EXPECT_EQ(catalog.get("abb/wallbox-pulsar-plus").profile, nullptr); // another brand's prefix
  EXPECT_EQ(catalog.get("wallbox/abb-terra-184").profile, nullptr);
  EXPECT_FALSE(catalog.get("abb/abb-_terra-ac-base").errors.empty()); // bases stay hidden
  EXPECT_FALSE(catalog.get("abb/abb-..").errors.empty());
  EXPECT_EQ(catalog.get("abb/abb-").profile, nullptr);
  EXPECT_EQ(catalog.get("abb/abb-abb-terra-184").profile, nullptr); // stripped once, not repeatedly
}
