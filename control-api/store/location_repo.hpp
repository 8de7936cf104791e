#pragma once
// Locations (sites) of an organisation; every call is scoped by org.
#include "control-api/store/database.hpp"
#include "control-api/store/page.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::store {

struct LocationRow {
  std::string id; // empty on insert: a "loc_..." id is generated
  std::string org_id;
  std::string name;
  OptText address;
  OptText city;
  OptText country;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string created_at;
  std::string updated_at;
};

LocationRow insert_location(Database& db, LocationRow row);
// Location ids are unique across organisations (a client may choose one on create).
bool location_id_taken(Database& db, std::string_view id);
std::optional<LocationRow> get_location(Database& db, std::string_view org_id, std::string_view id);
// In creation order.
Page<LocationRow> list_locations(Database& db, std::string_view org_id, PageRequest page);

// An unset member is left as is; for nullable columns the inner optional is the new value.
struct LocationUpdate {
  std::optional<std::string> name;
  std::optional<OptText> address;
  std::optional<OptText> city;
  std::optional<OptText> country;
  std::optional<std::optional<double>> latitude;
  std::optional<std::optional<double>> longitude;
};
std::optional<LocationRow> update_location(Database& db, std::string_view org_id, std::string_view id,
                                           const LocationUpdate& update);
// Hard delete (locations have no deleted_at); chargers keep their location_id/location_name
// copies. True when a location of the org was deleted.
bool delete_location(Database& db, std::string_view org_id, std::string_view id);

} // namespace ocppfleet::store
