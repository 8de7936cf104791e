#pragma once
// Simulated CPOs (docs/cpos.md), exactly as the reference's CPO pages say:
// POST/GET /ocpi/cpos, GET/DELETE /ocpi/cpos/{cpo_id}, /status, /report, /export, the
// template gallery (/ocpi/templates/cpos and /ocpi/cpos/templates), the CPO's locations and
// the single-location presets (/ocpp/templates/locations).
#include <nlohmann/json.hpp>

#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

void add_cpo_routes(ApiRegistry& api, ApiContext& ctx);
// The CPO's own locations (cpo_location_routes.cpp); add_cpo_routes calls it.
void add_cpo_location_routes(ApiRegistry& api, ApiContext& ctx);

// The OpenAPI components of the CPO responses (merged into response_schemas()).
const nlohmann::json& cpo_response_schemas();

} // namespace ocppfleet::api
