#pragma once
// Bulk charger creation at a location: POST /ocpp/locations/{location_id}/chargers writes a
// job and its items in one transaction and answers 202 at once; the BulkJobRunner creates the
// chargers; GET /ocpp/locations/{location_id}/chargers/jobs/{job_id} reports each item.
//
// Generated identities (`chargers_number: N`): `<identity_prefix>-<loc8>-<NNNNN>`, NNNNN =
// 00001..N (zero-padded to 5 digits), identity_prefix defaulting to "CP" and loc8 the first 8
// characters of the location id after its "loc_" prefix. The scheme is deterministic: posting
// the same request again creates nothing twice (the existing identities come back as
// `failed` duplicate_identity items); use another identity_prefix for more chargers.
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

namespace ocppfleet::api {

class BulkJobRunner; // control-api/workflows/bulk_job_runner.hpp

void add_bulk_routes(ApiRegistry& api, ApiContext& ctx, BulkJobRunner& runner);

} // namespace ocppfleet::api
