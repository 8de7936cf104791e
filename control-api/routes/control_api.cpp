#include "control-api/routes/control_api.hpp"

#include "control-api/routes/bulk_routes.hpp"
#include "control-api/routes/catalog_routes.hpp"
#include "control-api/routes/charger_routes.hpp"
#include "control-api/routes/command_routes.hpp"
#include "control-api/routes/cpo_routes.hpp"
#include "control-api/routes/location_routes.hpp"
#include "control-api/routes/openapi_routes.hpp"

namespace ocppfleet::api {

void add_control_api_routes(ApiRegistry& api, ApiContext& ctx, BulkJobRunner& runner) {
  add_openapi_routes(api);
  add_charger_routes(api, ctx);
  add_charger_extra_routes(api, ctx);
  add_location_routes(api, ctx);
  add_catalog_routes(api, ctx);
  add_bulk_routes(api, ctx, runner);
  add_command_routes(api, ctx);
  add_cpo_routes(api, ctx);
}

} // namespace ocppfleet::api
