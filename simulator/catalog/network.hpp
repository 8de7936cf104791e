#pragma once
// A generated CPO network: what network_generator.hpp draws from a template and a seed, and
// what canonical_json.hpp serialises byte for byte. Every value is a string or an integer
// (coordinates and prices are fixed-decimal strings), so the document has one spelling.
// OCPI shapes: one OCPP connector = one OCPI EVSE with one Connector.
#include <cstdint>
#include <string>
#include <vector>

namespace ocppfleet::catalog {

struct NetworkConnector {
  std::string id = "1";
  std::string standard;                // OCPI ConnectorType: IEC_62196_T2, IEC_62196_T2_COMBO, CHADEMO, ...
  std::string format;                  // SOCKET or CABLE
  std::string power_type;              // AC_1_PHASE, AC_3_PHASE or DC
  std::int64_t max_voltage = 0;        // V (AC: line to neutral)
  std::int64_t max_amperage = 0;       // A (AC: per phase)
  std::int64_t max_electric_power = 0; // W
  std::vector<std::string> tariff_ids;
};

struct NetworkEvse {
  std::string uid;              // LOC-0001-01-1: location, charger, OCPP connector
  std::string evse_id;          // eMI3: FR*ABC*E000101*1
  std::string charger_identity; // the OCPP charger it belongs to
  int connector_id = 1;         // the OCPP connector number on that charger (1-based)
  NetworkConnector connector;
};

struct NetworkRegularHours {
  int weekday = 1;
  std::string period_begin;
  std::string period_end;
};

struct NetworkLocation {
  std::string id; // LOC-0001
  int number = 1; // 1-based
  std::string name;
  std::string address;
  std::string city;
  std::string postal_code;
  std::string country;   // alpha-3
  std::string latitude;  // 6 decimals
  std::string longitude; // 6 decimals
  std::string time_zone;
  std::string parking_type;
  std::vector<std::string> facilities;
  bool twentyfourseven = false;
  std::vector<NetworkRegularHours> regular_hours;
  std::vector<NetworkEvse> evses;
};

struct NetworkCharger {
  std::string identity; // <name_prefix>-<party_id>-<location no>-<charger no>
  std::string location_id;
  int location_number = 1;
  int charger_number = 1; // within the location, 1-based
  std::string group;      // the template's charger group
  std::string brand;      // abb
  std::string model;      // terra-184 (the profile file name, as the charger API takes it)
  std::string vendor;     // BootNotification strings from the profile
  std::string model_name;
  std::string serial_number;
  std::string ocpp_version; // OCPP1.6 or OCPP2.0.1
  int connector_count = 1;
};

struct NetworkPriceComponent {
  std::string type;
  std::string price; // 4 decimals, excl. VAT
  int step_size = 1;
};

struct NetworkTariff {
  std::string id;
  std::string currency;
  std::string power_type; // AC, DC or ANY
  std::vector<std::vector<NetworkPriceComponent>> elements;
};

struct Network {
  std::string template_slug;
  int template_version = 1;
  std::uint64_t seed = 0;
  std::string country_code; // alpha-2
  std::string party_id;
  std::string name_prefix;
  int locations_requested = 0;
  int chargers_per_location = 0;
  std::vector<NetworkLocation> locations;
  std::vector<NetworkCharger> chargers; // location by location, charger by charger
  std::vector<NetworkTariff> tariffs;

  [[nodiscard]] std::size_t evse_count() const {
    std::size_t n = 0;
    for (const auto& l : locations)
      n += l.evses.size();
    return n;
  }
};

} // namespace ocppfleet::catalog
