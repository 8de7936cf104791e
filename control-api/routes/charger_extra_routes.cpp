// PUT /ocpp/chargers/{id} (partial update) and GET /ocpp/chargers/{id}/logs.
#include "control-api/routes/charger_dto.hpp"
#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/charger_routes.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/store/log_repo.hpp"

namespace ocppfleet::api {
namespace {
namespace charger_extra {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;

// Fields whose change needs a new connection: applied by restart-charger (or the next start).
constexpr const char* kReconnectFields[] = {"identity",   "ws_url",     "ocpp_version",  "password",
                                            "brand_slug", "model_slug", "connector_type"};

// A nullable column's new value: absent -> unchanged, null -> cleared, text -> set.
std::optional<store::OptText> change(const Validated& in, const std::string& field) {
  if (!in.has(field)) return std::nullopt;
  return store::OptText{in.text(field)};
}

std::variant<store::ChargerUpdate, http::HttpResponse> read_update(const http::HttpRequest& request,
                                                                   std::vector<std::string>& reconnect) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  const auto in = validate_object(*charger_update_schema(), std::get<Json>(body));
  if (!in.ok()) return in.error_response();
  store::ChargerUpdate u;
  u.identity = in.text("identity");
  u.ws_url = in.text("ws_url");
  u.ocpp_version = in.text("ocpp_version");
  u.brand_slug = change(in, "brand_slug");
  u.model_slug = change(in, "model_slug");
  u.connector_type = change(in, "connector_type");
  u.charge_point_name = change(in, "charge_point_name");
  u.location_id = change(in, "location_id");
  u.location_name = change(in, "location_name");
  u.basic_auth_password = change(in, "password");
  for (const char* f : kReconnectFields)
    if (in.has(f)) reconnect.emplace_back(f);
  return u;
}

http::HttpResponse apply_update(store::Database& db, const std::string& org, const std::string& id,
                                store::ChargerUpdate u, const std::vector<std::string>& reconnect) {
  if (u.location_id && *u.location_id) {
    const auto location = store::get_location(db, org, **u.location_id);
    if (!location) return error_response(404, "Location not found");
    if (!u.location_name) u.location_name = store::OptText{location->name};
  }
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
}

} // namespace charger_extra
} // namespace

void add_charger_extra_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace charger_extra;
  api.add(Operation{.method = "PUT",
                    .path = "/ocpp/chargers/{charger_id}",
                    .operation_id = "update-charger",
                    .summary = "Update charger",
                    .tag = "Chargers",
                    .description = "Partial update. restart_required and restart_fields say when a change needs a "
                                   "reconnect; restart-charger applies it.",
                    .body = charger_update_schema(),
                    .path_params = {charger_id_param()},
                    .responses = {{200, "The updated charger", "ChargerUpdateResponse"}},
                    .errors = {404, 409, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            std::vector<std::string> reconnect;
            auto update = read_update(r, reconnect);
            if (auto* error = std::get_if<http::HttpResponse>(&update)) return out.send(std::move(*error));
            respond_from_store(ctx, out,
                               [org = who.org_id, id = r.path_params["charger_id"], reconnect,
                                u = std::move(std::get<store::ChargerUpdate>(update))](store::Database& db) {
                                 return apply_update(db, org, id, u, reconnect);
                               });
          }));

  api.add(
      Operation{.method = "GET",
                .path = "/ocpp/chargers/{charger_id}/logs",
                .operation_id = "list-charger-logs",
                .summary = "List charger logs",
                .tag = "Chargers",
                .description = "The charger's OCPP frames, newest first; start_date/end_date bound them inclusively.",
                .query = charger_logs_query(),
                .path_params = {charger_id_param()},
                .responses = {{200, "A page of frames", "ChargerLogList"}},
                .errors = {404, 503}},
      authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
        const auto in = validate_query(charger_logs_query(), r);
        if (!in.ok()) return out.send(in.error_response());
        store::LogQuery q;
        q.charger_id = r.path_params["charger_id"];
        q.start = in.text("start_date"); // normalised to the stored form: text order is time order
        q.end = in.text("end_date");
        q.action = in.text("event");
        q.limit = *in.integer("limit");
        q.offset = *in.integer("offset");
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
      }));
}

} // namespace ocppfleet::api
