#pragma once
// /ocpp/catalog: the brand/model profiles chargers can be created from (brands/ tree).
// Read-only and small, so every answer is rendered once when the routes are added: requests
// never read files or walk profiles, on whatever thread they are answered.
#include "control-api/http/router.hpp"
#include "control-api/routes/api_context.hpp"
#include "control-api/routes/api_registry.hpp"

#include <nlohmann/json.hpp>

#include "simulator/catalog/profile.hpp"

namespace ocppfleet::api {

// OCPP version as the API spells it ("OCPP1.6", "OCPP2.0.1") from the profile's ("1.6").
std::string api_ocpp_version(std::string_view profile_version);

// {slug (canonical, brand-prefixed: "abb-terra-184"), name, brand_slug, charge_point_vendor, charge_point_model,
// ocpp_versions,
//  connector_types, evses, connectors, max_power_kw}
nlohmann::json model_summary_json(const catalog::ModelProfile& profile);
// The summary plus brand_name, firmware_version, meter_type, evses as
// [{evse_id, connectors:[{connector_id, type, cable, current, phases, voltage_v, max_current_a,
// max_power_kw}]}], supported_actions {<version>: [...]}, measurands, sample_interval_s,
// clock_aligned_interval_s.
nlohmann::json model_detail_json(const catalog::ModelProfile& profile);

// Loads every profile now (ctx.catalog.load_all()); profiles with load errors are skipped
// and logged. Registers GET /ocpp/catalog/brands, .../{brand}/models, .../{brand}/models/{model};
// {model} is either slug form ("terra-184" or "abb-terra-184").
void add_catalog_routes(ApiRegistry& api, ApiContext& ctx);

} // namespace ocppfleet::api
