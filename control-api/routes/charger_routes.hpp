#pragma once
// /ocpp/chargers: durable create (202 + status_url), status polling, list/get/update/delete,
// runtime start/stop/restart, and the OCPP frame logs of a charger.
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

void add_charger_routes(ApiRegistry& api, ApiContext& ctx);
// PUT /ocpp/chargers/{id} and GET /ocpp/chargers/{id}/logs (charger_extra_routes.cpp).
void add_charger_extra_routes(ApiRegistry& api, ApiContext& ctx);

} // namespace ocppfleet::api
