#pragma once
// A CPO template (templates/<slug>.yaml): what a seeded network of locations, chargers and
// tariffs is drawn from. The loader (cpo_template_loader.hpp) builds one per file; it is
// immutable afterwards and shared through std::shared_ptr<const CpoTemplate>. The
// generator (network_generator.hpp) expands it with a seed. docs/templates.md describes
// every field.
//
// Numbers that end up in the canonical document (coordinates, prices) are kept as scaled
// integers parsed from the YAML text, never as doubles: no float formatting can make two
// platforms print them differently.
#include <cstdint>
#include <string>
#include <vector>

#include <memory>
#include <string_view>

#include "simulator/catalog/profile.hpp"
#include "simulator/catalog/serial_pattern.hpp"

namespace ocppfleet::catalog {

struct TemplateCity {
  std::string name;
  std::int64_t latitude_e6 = 0;  // micro-degrees
  std::int64_t longitude_e6 = 0; // micro-degrees
  std::int64_t radius_e6 = 0;    // locations scatter up to this many micro-degrees around the centre
  std::string time_zone;         // IANA, e.g. Europe/Paris
  SerialPattern postal_code;     // e.g. "750{digits:2}"
};

struct TemplateCountry {
  std::string code;     // ISO 3166-1 alpha-2: FR
  std::string alpha3;   // ISO 3166-1 alpha-3: FRA (OCPI locations use it)
  std::string currency; // ISO 4217: EUR
  std::vector<TemplateCity> cities;
  std::vector<std::string> streets;
};

struct RegularHours {
  int weekday = 1;          // 1 = Monday ... 7 = Sunday (OCPI)
  std::string period_begin; // "HH:MM"
  std::string period_end;   // "HH:MM"
};

struct OpeningHoursOption {
  int weight = 1;
  bool twentyfourseven = false;
  std::vector<RegularHours> regular_hours; // empty when twentyfourseven
};

struct TemplatePools {
  std::vector<TemplateCountry> countries; // sorted by code
  std::vector<std::string> parking_types; // OCPI ParkingType, drawn uniformly
  std::vector<std::string> facilities;    // OCPI Facility; each location draws a subset
  int facilities_min = 0;
  int facilities_max = 0;
  std::vector<OpeningHoursOption> opening_hours; // drawn by weight

  [[nodiscard]] const TemplateCountry* country(std::string_view code) const {
    for (const auto& c : countries)
      if (c.code == code) return &c;
    return nullptr;
  }
};

struct VersionShare {
  std::string version; // "1.6" or "2.0.1"
  int weight = 1;
};

struct ChargerGroup {
  std::string name;                         // unique within the template
  std::string brand;                        // brands/<brand>/
  std::string model;                        // brands/<brand>/<model>.yaml
  std::vector<VersionShare> ocpp_versions;  // drawn by weight per charger
  std::vector<std::string> connector_types; // must be the model's connector types (checked)
  int count = 0;                            // chargers per location at the default size (count mode)
  int share = 0;                            // weight of the group per charger (share mode)
  // The model's profile, resolved in brands/ when the template was loaded with a brand
  // catalogue (TemplateCatalog always does); the generator takes connector figures from it.
  std::shared_ptr<const ModelProfile> profile;
};

// How chargers are split between groups: Count = each location gets the groups' counts
// (scaled by largest remainder when chargers_per_location differs from the sum of counts);
// Share = each charger draws its group by weight from its own stream.
enum class GroupAllocation { Count, Share };

struct PriceComponent {
  std::string type;          // ENERGY, TIME, FLAT, PARKING_TIME
  std::int64_t price_e4 = 0; // excl. VAT, ten-thousandths of the currency unit
  int step_size = 1;         // OCPI step_size (Wh for ENERGY, seconds for TIME)
};

struct TariffTemplate {
  std::string id;                                    // e.g. AC-STANDARD
  std::string power_type;                            // AC, DC or ANY: which connectors list it
  std::vector<std::vector<PriceComponent>> elements; // each element's price components
};

struct CpoTemplate {
  std::string slug; // the file name without .yaml
  int version = 1;
  std::string description;
  int max_locations = 1;
  int max_chargers_per_location = 1;
  int default_locations = 1;
  int default_chargers_per_location = 1;
  TemplatePools pools;
  GroupAllocation allocation = GroupAllocation::Count;
  std::vector<ChargerGroup> groups;
  std::vector<TariffTemplate> tariffs;
  std::string source_file;

  [[nodiscard]] int default_chargers() const { return default_locations * default_chargers_per_location; }
  [[nodiscard]] std::vector<std::string> country_codes() const {
    std::vector<std::string> out;
    for (const auto& c : pools.countries)
      out.push_back(c.code);
    return out;
  }
};

// A single-location preset (templates/locations/<slug>.yaml) for GET /ocpp/templates/locations.
struct PresetGroup {
  std::string brand;
  std::string model;
  std::string connector;    // connector type: Type2, CCS2, ...
  std::string ocpp_version; // "1.6" or "2.0.1"
  int count = 1;
  std::int64_t power_w = 0; // nominal power per connector
};

struct LocationPreset {
  std::string slug;
  std::string name;
  std::string type; // AC, DC or AC-DC (checked against the groups' connectors)
  std::string description;
  std::string parking_type;
  std::vector<std::string> facilities;
  std::vector<PresetGroup> groups;
  std::string source_file;

  // Every group speaks `version` (a mixed preset matches no version filter).
  [[nodiscard]] bool all_groups_speak(std::string_view version) const {
    for (const auto& g : groups)
      if (g.ocpp_version != version) return false;
    return !groups.empty();
  }
};

} // namespace ocppfleet::catalog
