// PUT /ocpp/chargers/{id} (partial update) and GET /ocpp/chargers/{id}/logs.
#include "control-api/routes/body_reader.hpp"
#include "control-api/routes/charger_dto.hpp"
#include "control-api/routes/charger_routes.hpp"
#include "control-api/store/log_repo.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;

// Fields whose change needs a new connection: applied by restart-charger (or the next start).
constexpr const char* kReconnectFields[] = {"identity",   "ws_url",     "ocpp_version",  "password",
                                            "brand_slug", "model_slug", "connector_type"};

std::variant<store::ChargerUpdate, http::HttpResponse> read_update(const http::HttpRequest& request,
                                                                   std::vector<std::string>& reconnect) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  BodyReader in{json};
  store::ChargerUpdate u;
  if (in.has("identity")) u.identity = in.required_string("identity", 1, 48);
  if (in.has("ws_url")) {
    u.ws_url = in.required_string("ws_url", 1, 512);
    if (u.ws_url && u.ws_url->rfind("ws://", 0) != 0 && u.ws_url->rfind("wss://", 0) != 0)
      in.add_error("ws_url", "URL scheme should be 'ws' or 'wss'", "url_scheme");
  }
  if (in.has("ocpp_version")) u.ocpp_version = in.optional_enum("ocpp_version", {"OCPP1.6", "OCPP2.0.1"});
  const auto nullable = [&](const char* field, std::size_t max) -> std::optional<store::OptText> {
    if (!json.is_object() || !json.contains(field)) return std::nullopt;
    if (json[field].is_null()) return store::OptText{};
    return store::OptText{in.required_string(field, 0, max)};
  };
  u.brand_slug = nullable("brand_slug", 64);
  u.model_slug = nullable("model_slug", 64);
  u.connector_type = nullable("connector_type", 32);
  u.charge_point_name = nullable("charge_point_name", 255);
  u.location_id = nullable("location_id", 64);
  u.location_name = nullable("location_name", 255);
  u.basic_auth_password = nullable("password", 64);
  if (!in.ok()) return in.error_response();
  for (const char* f : kReconnectFields)
    if (json.contains(f)) reconnect.emplace_back(f);
  return u;
}

// An ISO-8601 query bound normalised to the stored form (text comparison is chronological).
std::optional<std::string> time_bound(const http::HttpRequest& r, const std::string& name,
                                      std::vector<http::FieldError>& errors) {
  const auto text = r.query_param(name);
  if (!text) return std::nullopt;
  const auto parsed = core::parse_timestamp(*text);
  if (!parsed) {
    errors.push_back(http::FieldError{Json::array({"query", name}), "Input should be a valid datetime",
                                      "datetime_parsing", Json(*text)});
    return std::nullopt;
  }
  return core::format_timestamp(*parsed);
}

} // namespace

void add_charger_extra_routes(http::Router& router, ApiContext& ctx) {
  router.add(
      "PUT", "/ocpp/chargers/{charger_id}",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          std::vector<std::string> reconnect;
          auto update = read_update(r, reconnect);
          if (auto* error = std::get_if<http::HttpResponse>(&update)) return out.send(std::move(*error));
          respond_from_store(ctx, out,
                             [org = who.org_id, id = r.path_params["charger_id"], reconnect,
                              u = std::move(std::get<store::ChargerUpdate>(update))](store::Database& db) {
                               std::optional<store::ChargerRow> row;
                               try {
                                 row = store::update_charger(db, org, id, u);
                               } catch (const store::DuplicateIdentity&) {
                                 return error_response(409, "A charger with identity '" + u.identity.value_or("") +
                                                                "' already exists in this organisation");
                               }
                               if (!row) return error_response(404, "Charger not found");
                               Json body = charger_json(*row);
                               const bool running = row->runtime_state == store::runtime_state::running;
                               body["restart_required"] = running && !reconnect.empty();
                               body["restart_fields"] = reconnect;
                               return json_response(200, body);
                             });
        });
      },
      "Update charger");

  router.add(
      "GET", "/ocpp/chargers/{charger_id}/logs",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          std::vector<http::FieldError> errors;
          store::LogQuery q;
          q.charger_id = r.path_params["charger_id"];
          q.start = time_bound(r, "start_date", errors);
          q.end = time_bound(r, "end_date", errors);
          q.action = r.query_param("event");
          q.limit = read_int_query(r, "limit", 1, 1000, errors).value_or(100);
          q.offset = read_int_query(r, "offset", 0, INT32_MAX, errors).value_or(0);
          if (!errors.empty()) return out.send(http::validation_error(errors));
          respond_from_store(ctx, out, [org = who.org_id, q](store::Database& db) {
            if (!store::get_charger(db, org, q.charger_id)) return error_response(404, "Charger not found");
            const auto page = store::query_logs(db, q);
            Json data = Json::array();
            for (const auto& row : page.rows)
              data.push_back(Json{{"direction", row.direction},
                                  {"action", row.action},
                                  {"message", row.message},
                                  {"timestamp", row.timestamp}});
            return json_response(200,
                                 Json{{"data", data}, {"total", page.total}, {"limit", q.limit}, {"offset", q.offset}});
          });
        });
      },
      "List charger logs");
}

} // namespace ocppfleet::api
