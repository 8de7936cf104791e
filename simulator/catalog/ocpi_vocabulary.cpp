#include "simulator/catalog/ocpi_vocabulary.hpp"

#include <array>

namespace ocppfleet::catalog {
namespace {

// OCPI 2.2.1 section 8.4.16 ParkingType.
constexpr std::array<std::string_view, 6> parking_types{"ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT",
                                                        "ON_DRIVEWAY",    "ON_STREET",      "UNDERGROUND_GARAGE"};
// OCPI 2.2.1 section 8.4.12 Facility.
constexpr std::array<std::string_view, 22> facilities{
    "HOTEL",           "RESTAURANT",    "CAFE",          "MALL",          "SUPERMARKET", "SPORT",
    "RECREATION_AREA", "NATURE",        "MUSEUM",        "BIKE_SHARING",  "BUS_STOP",    "TAXI_STAND",
    "TRAM_STOP",       "METRO_STATION", "TRAIN_STATION", "AIRPORT",       "PARKING_LOT", "CARPOOL_PARKING",
    "FUEL_STATION",    "WIFI",          "CAR_DEALER",    "PARKING_GARAGE"};
// OCPI 2.2.1 section 11.4.7 TariffDimensionType.
constexpr std::array<std::string_view, 4> price_component_types{"ENERGY", "FLAT", "PARKING_TIME", "TIME"};

} // namespace

std::span<const std::string_view> ocpi_parking_types() { return parking_types; }
std::span<const std::string_view> ocpi_facilities() { return facilities; }
std::span<const std::string_view> ocpi_price_component_types() { return price_component_types; }

std::string ocpi_connector_standard(std::string_view type, bool dc) {
  if (type == "Type1") return "IEC_62196_T1";
  if (type == "Type2") return "IEC_62196_T2";
  if (type == "CCS1") return "IEC_62196_T1_COMBO";
  if (type == "CCS2") return "IEC_62196_T2_COMBO";
  if (type == "CHAdeMO") return "CHADEMO";
  if (type == "GBT") return dc ? "GBT_DC" : "GBT_AC";
  return std::string{type};
}

} // namespace ocppfleet::catalog
