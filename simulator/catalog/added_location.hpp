#pragma once
// A location added to a generated CPO network after the fact (POST /ocpi/cpos/{id}/locations):
// its site is location n of the CPO's template (the same seeded draw the template would have
// made for a network of n locations), then any field the request gives replaces the drawn one;
// its chargers come from the request's groups (or a location preset's), built from their
// brand/model profiles exactly as template chargers are. Deterministic: the same CPO, number
// and spec give the same location.
#include <optional>
#include <string>
#include <vector>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/network.hpp"
#include "simulator/catalog/network_generator.hpp"

namespace ocppfleet::catalog {

struct AddedChargerGroup {
  std::string brand;
  std::string model;
  std::string ocpp_version = "1.6"; // any form normalize_ocpp_version accepts
  int count = 1;
};

struct AddedLocationSpec {
  std::optional<std::string> name, address, city, postal_code, time_zone, parking_type;
  std::optional<std::string> latitude, longitude; // decimal degrees as text (OCPI)
  std::optional<std::vector<std::string>> facilities;
  std::vector<AddedChargerGroup> chargers; // in order: charger numbers 1, 2, ...
};

// The spec a location preset gives: its name, parking type, facilities and charger groups.
AddedLocationSpec spec_of_preset(const LocationPreset& preset);

struct AddedLocation {
  NetworkLocation location;
  std::vector<NetworkCharger> chargers;
};

struct AddedLocationResult {
  std::optional<AddedLocation> value;
  std::optional<GenerationError> error; // field relative to the location item: "chargers.0.model"
};

// Location number `n` (1-based, at most the template's max_locations) of the network `req`
// describes. Chargers: at most the template's max_chargers_per_location in all.
AddedLocationResult generate_added_location(const CpoTemplate& t, const NetworkRequest& req, int n,
                                            const AddedLocationSpec& spec, Catalog& brands);

} // namespace ocppfleet::catalog
