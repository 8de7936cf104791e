#pragma once
// The declarations of the charger request bodies (create, update, the bulk template) and the
// charger query parameters: read by the validators in the routes and by the OpenAPI
// generator. Shared fields (identity, ws_url, ocpp_version) are declared once here, so every
// route that takes them applies the same rule.
#include <memory>
#include <vector>

#include "control-api/routes/field_spec.hpp"

namespace ocppfleet::api {

// The identity rule (input_rules.hpp) as a field rule, for identities and their prefixes.
std::optional<RuleError> identity_rule(const std::string& value);
Field identity_field();
Field ws_url_field();
Field ocpp_version_field(); // "OCPP1.6" (default) or "OCPP2.0.1"; null is refused

const std::shared_ptr<const Schema>& charger_create_schema();
const std::shared_ptr<const Schema>& charger_update_schema();
// Settings every charger of a bulk entry gets (location_* come from the path).
const std::shared_ptr<const Schema>& bulk_template_schema();

std::vector<Field> page_query();                // page >= 1, limit 1-100 (default 50)
const std::vector<Field>& charger_list_query(); // page, limit, location_id
const std::vector<Field>& charger_logs_query(); // start_date, end_date, event, limit, offset
Field charger_id_param();

} // namespace ocppfleet::api
