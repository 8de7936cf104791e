#pragma once
// Every route of the control API, registered in one place: `ocppfleet serve` and the test
// that compares the router with the OpenAPI document both call this, so they see the same set.
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

class BulkJobRunner;

// ctx and runner must outlive the router.
void add_control_api_routes(ApiRegistry& api, ApiContext& ctx, BulkJobRunner& runner);

} // namespace ocppfleet::api
