#include "control-api/routes/charger_fields.hpp"

#include "control-api/routes/input_rules.hpp"

namespace ocppfleet::api {

std::optional<RuleError> identity_rule(const std::string& value) {
  if (auto problem = identity_problem(value)) return RuleError{std::move(*problem)};
  return std::nullopt;
}

Field identity_field() {
  return Field::string("identity")
      .len(1, k_identity_max)
      .check(identity_rule, k_identity_pattern)
      .doc("Unique charge point identity used by the simulator/OCPP client: letters, digits and - _ . : * "
           "(ASCII), 1-48 characters, neither '.' alone nor containing '..'.")
      .eg("CP-FAST-201");
}

Field ws_url_field() {
  return Field::string("ws_url")
      .len(1, 512)
      .check([](const std::string& v) -> std::optional<RuleError> {
        if (auto problem = ws_url_problem(v)) {
          // pydantic's URL types: a wrong scheme is url_scheme, anything else url_parsing.
          const bool scheme = v.rfind("ws://", 0) != 0 && v.rfind("wss://", 0) != 0;
          return RuleError{std::move(*problem), scheme ? "url_scheme" : "url_parsing"};
        }
        return std::nullopt;
      })
      .doc("Target OCPP WebSocket URL for the deployed charger: ws:// or wss://, a host, an optional port "
           "1-65535, no query, fragment or credentials; printable ASCII without spaces.")
      .eg("wss://csms.example.test/ocpp");
}

Field ocpp_version_field() {
  return Field::one_of("ocpp_version", {"OCPP1.6", "OCPP2.0.1"})
      .fallback("OCPP1.6")
      .doc("OCPP version the charger speaks; absent means OCPP1.6 (an explicit null is refused).");
}

const std::shared_ptr<const Schema>& charger_create_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "ChargerCreateRequest",
      "A charger deployment to create and provision.",
      {
          identity_field().req(),
          Field::string("brand_slug").req().len(1, 64).doc("Catalogue brand, e.g. abb (GET /ocpp/catalog/brands)."),
          Field::string("model_slug").req().len(1, 64).doc("Catalogue model of the brand, e.g. terra-184."),
          Field::string("connector_type").req().len(1, 32).doc("A connector type the model has, e.g. CCS2."),
          ws_url_field().req(),
          ocpp_version_field(),
          Field::string("charge_point_name").null_ok().len(0, 255),
          Field::string("location_id")
              .null_ok()
              .len(1, 64)
              .doc("A location of the caller's organisation. An id no organisation uses, sent with location_name, "
                   "creates that location; otherwise an unknown id is a 404 Location not found."),
          Field::string("location_name")
              .null_ok()
              .len(0, 255)
              .doc("Optional human-readable location name; absent, the location's own name is used."),
          Field::string("password")
              .null_ok()
              .len(1, 64)
              .doc("HTTP Basic password for the CSMS (security profiles 1-2); never returned."),
      }});
  return schema;
}

const std::shared_ptr<const Schema>& charger_update_schema() {
  static const auto schema = std::make_shared<const Schema>(charger_create_schema()->partial(
      "ChargerUpdateRequest", "Every field optional; only those present change; null clears a nullable one.",
      {"brand_slug", "model_slug", "connector_type"}));
  return schema;
}

const std::shared_ptr<const Schema>& bulk_template_schema() {
  static const auto schema = [] {
    Schema s{"BulkChargerTemplate",
             "The settings every charger of an entry gets; location_id/location_name come from the path's location.",
             {}};
    for (const auto& f : charger_create_schema()->fields)
      if (f.name != "identity" && f.name != "location_id" && f.name != "location_name") s.fields.push_back(f);
    return std::make_shared<const Schema>(std::move(s));
  }();
  return schema;
}

std::vector<Field> page_query() {
  return {Field::integer("page", 1, 1'000'000).fallback(1).doc("1-based page number."),
          Field::integer("limit", 1, 100).fallback(50).doc("Items per page.")};
}

const std::vector<Field>& charger_list_query() {
  static const std::vector<Field> params = [] {
    auto p = page_query();
    p.push_back(Field::string("location_id").len(1, 64).doc("Only the chargers of this location."));
    return p;
  }();
  return params;
}

const std::vector<Field>& charger_logs_query() {
  static const std::vector<Field> params{
      Field::datetime("start_date").doc("Only frames at or after this instant (RFC 3339, inclusive)."),
      Field::datetime("end_date").doc("Only frames at or before this instant (RFC 3339, inclusive)."),
      Field::string("event").len(1, 64).doc("Only frames of this OCPP action, e.g. BootNotification."),
      Field::integer("limit", 1, 1000).fallback(100),
      Field::integer("offset", 0, 2'147'483'647).fallback(0),
  };
  return params;
}

Field charger_id_param() { return Field::string("charger_id").doc("The charger_id the create answered."); }

} // namespace ocppfleet::api
