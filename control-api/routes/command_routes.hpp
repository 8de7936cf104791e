#pragma once
// POST /ocpp/commands/{name}: a local action (plug, start-session, reset, proxy-message, ...)
// queued on one charger or on chargers of a location. The answer says which chargers got
// the command queued and which could not (not running); the OCPP traffic that follows is
// the charger's own (see its logs).
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

void add_command_routes(ApiRegistry& api, ApiContext& ctx);

} // namespace ocppfleet::api
