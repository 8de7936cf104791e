#pragma once
// /ocpp/locations: create, list (paged), get, partial update and delete the sites of the
// caller's organisation. Another organisation's location is a 404, never a 403, so ids
// cannot be probed across organisations (DESIGN.md §6).
#include "control-api/http/router.hpp"
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

#include <nlohmann/json.hpp>

#include "control-api/store/location_repo.hpp"

namespace ocppfleet::api {

// The API's location object: {id, name, address, city, country, latitude, longitude,
// created_at, updated_at}; unset optional fields are null. org_id is not exposed.
nlohmann::json location_json(const store::LocationRow& row);

// Registers the five /ocpp/locations routes. ctx must outlive the router.
void add_location_routes(ApiRegistry& api, ApiContext& ctx);

} // namespace ocppfleet::api
