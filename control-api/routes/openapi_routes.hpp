#pragma once
// GET /openapi.json (the hand-written OpenAPI 3.1 document of the control API) and GET
// /health, both without authentication: load balancers and API clients read them before
// they hold a token.
#include "control-api/http/router.hpp"

#include <string>
#include <string_view>

namespace ocppfleet::api {

// control-api/openapi.json as it was when the binary was built (embedded by CMake), so a
// deployed binary needs no source tree.
std::string_view embedded_openapi_json();

// Throws std::invalid_argument when openapi_json_text is not valid JSON: a broken document
// fails start-up instead of being served. The text is served as given.
void add_openapi_routes(http::Router& router, std::string openapi_json_text);

} // namespace ocppfleet::api
