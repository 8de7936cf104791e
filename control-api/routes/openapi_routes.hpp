#pragma once
// GET /openapi.json (the OpenAPI 3.1 document generated from the registered routes'
// declarations) and GET /health, both without authentication: load balancers and API
// clients read them before they hold a token.
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

// The document is rendered on its first request, from every route registered by then (all
// are registered before the server listens), and then served from memory.
void add_openapi_routes(ApiRegistry& api);

} // namespace ocppfleet::api
