#include "control-api/routes/location_routes.hpp"
#include "control-api/routes/input_rules.hpp"

#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/field_spec.hpp"

#include <cctype>

#include <string>
#include <utility>
#include <variant>

namespace ocppfleet::api {
using nlohmann::json;

namespace {
namespace location_routes {

const char* const k_not_found = "Location not found";

template <class T> json nullable(const std::optional<T>& v) { return v ? json(*v) : json(nullptr); }

const std::shared_ptr<const Schema>& create_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"LocationCreateRequest",
             "A site of the caller's organisation.",
             {
                 Field::string("id")
                     .len(1, 64)
                     .check(
                         [](const std::string& id) -> std::optional<RuleError> {
                           if (auto problem = location_id_problem(id)) return RuleError{*problem};
                           return std::nullopt;
                         },
                         k_location_id_pattern)
                     .doc("Optional id of your choosing (e.g. your system's UUID); absent, a loc_... id is generated. "
                          "An id already taken is a 409.")
                     .eg("4090477f-a416-4515-a302-97aa344a0a2a"),
                 Field::string("name").req().len(1, 255),
                 // street + number + complement fit; 255 is tight for some sites
                 Field::string("address").null_ok().len(0, 1024),
                 Field::string("city").null_ok().len(0, 255),
                 Field::string("country").null_ok().len(0, 255),
                 Field::number("latitude", -90.0, 90.0).null_ok(),
                 Field::number("longitude", -180.0, 180.0).null_ok(),
             }});
  return schema;
}

const std::shared_ptr<const Schema>& update_schema() {
  static const auto schema = [] {
    Schema s = create_schema()->partial(
        "LocationUpdateRequest", "Every field optional; only those present change; null clears an optional one.");
    std::erase_if(s.fields, [](const Field& f) { return f.name == "id"; }); // ids never change
    return std::make_shared<const Schema>(std::move(s));
  }();
  return schema;
}

Field location_id_param() { return Field::string("location_id"); }

std::optional<store::OptText> change(const Validated& in, const char* field) {
  if (!in.has(field)) return std::nullopt;
  return store::OptText{in.text(field)};
}
std::optional<std::optional<double>> change_number(const Validated& in, const char* field) {
  if (!in.has(field)) return std::nullopt;
  return std::optional<double>{in.number(field)};
}

// The body of a POST (create: name required) or a PUT (partial: only the keys present
// change, and an explicit null clears an optional field). Every bad field is reported in one
// 422, as pydantic would. On failure the 422 has already been sent.
std::optional<Validated> read_body(const http::HttpRequest& request, const http::Responder& responder, bool create) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) {
    responder.send(std::move(*error));
    return std::nullopt;
  }
  auto in = validate_object(create ? *create_schema() : *update_schema(), std::get<json>(parsed));
  if (!in.ok()) {
    responder.send(in.error_response());
    return std::nullopt;
  }
  return in;
}

void create(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  auto in = read_body(request, responder, true);
  if (!in) return;
  store::LocationRow row;
  row.id = in->text("id").value_or("");
  row.org_id = principal.org_id;
  row.name = *in->text("name");
  row.address = in->text("address");
  row.city = in->text("city");
  row.country = in->text("country");
  row.latitude = in->number("latitude");
  row.longitude = in->number("longitude");
  respond_from_store(ctx, responder, [row = std::move(row)](store::Database& db) {
    if (!row.id.empty() && store::location_id_taken(db, row.id))
      return http::error_response(409, "A location with id '" + row.id + "' already exists");
    const auto stored = store::insert_location(db, row);
    auto response = http::json_response(201, location_json(stored));
    response.headers.emplace_back("Location", "/ocpp/locations/" + stored.id);
    return response;
  });
}

void list(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  static const std::vector<Field> params = page_query();
  const auto q = validate_query(params, request);
  if (!q.ok()) return responder.send(q.error_response());
  const int page_no = static_cast<int>(*q.integer("page"));
  const int limit = static_cast<int>(*q.integer("limit"));
  respond_from_store(ctx, responder, [org = principal.org_id, page_no, limit](store::Database& db) {
    const auto page = store::list_locations(db, org, store::PageRequest{page_no, limit});
    json data = json::array();
    for (const auto& row : page.rows)
      data.push_back(location_json(row));
    return http::json_response(
        200, json{{"data", std::move(data)}, {"total", page.total}, {"page", page_no}, {"limit", limit}});
  });
}

void get(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  respond_from_store(
      ctx, responder, [org = principal.org_id, id = request.path_params.at("location_id")](store::Database& db) {
        const auto row = store::get_location(db, org, id);
        return row ? http::json_response(200, location_json(*row)) : http::error_response(404, k_not_found);
      });
}

void update(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  auto in = read_body(request, responder, false);
  if (!in) return;
  store::LocationUpdate u;
  u.name = in->text("name");
  u.address = change(*in, "address");
  u.city = change(*in, "city");
  u.country = change(*in, "country");
  u.latitude = change_number(*in, "latitude");
  u.longitude = change_number(*in, "longitude");
  respond_from_store(
      ctx, responder,
      [org = principal.org_id, id = request.path_params.at("location_id"), update = std::move(u)](store::Database& db) {
        const auto row = store::update_location(db, org, id, update);
        return row ? http::json_response(200, location_json(*row)) : http::error_response(404, k_not_found);
      });
}

void remove(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  respond_from_store(ctx, responder,
                     [org = principal.org_id, id = request.path_params.at("location_id")](store::Database& db) {
                       if (!store::delete_location(db, org, id)) return http::error_response(404, k_not_found);
                       return http::no_content();
                     });
}

using Action = void (*)(ApiContext&, const auth::Principal&, http::HttpRequest&, http::Responder);

// Every location route authenticates first; the action then runs wherever the token check
// completed (I/O thread on a cache hit, store thread otherwise) and only posts store work.
http::Handler with_token(ApiContext& ctx, Action action) {
  return authenticated(ctx, [&ctx, action](const auth::Principal& principal, http::HttpRequest& req,
                                           http::Responder res) { action(ctx, principal, req, std::move(res)); });
}

} // namespace location_routes
} // namespace

json location_json(const store::LocationRow& row) {
  using namespace location_routes;
  return json{{"id", row.id},
              {"name", row.name},
              {"address", nullable(row.address)},
              {"city", nullable(row.city)},
              {"country", nullable(row.country)},
              {"latitude", nullable(row.latitude)},
              {"longitude", nullable(row.longitude)},
              {"created_at", row.created_at},
              {"updated_at", row.updated_at}};
}

void add_location_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace location_routes;
  const auto op = [](const char* method, const char* path, const char* id, const char* summary) {
    Operation o{.method = method, .path = path, .operation_id = id, .summary = summary, .tag = "Locations"};
    o.errors = {503};
    return o;
  };
  Operation create_op = op("POST", "/ocpp/locations", "create-location", "Create location");
  create_op.body = create_schema();
  create_op.responses = {{201, "Created (Location header: its URL)", "Location"}};
  create_op.errors = {409, 503};
  api.add(std::move(create_op), with_token(ctx, create));

  Operation list_op = op("GET", "/ocpp/locations", "list-locations", "List locations");
  list_op.query = page_query();
  list_op.responses = {{200, "A page of locations", "LocationList"}};
  api.add(std::move(list_op), with_token(ctx, list));

  Operation get_op = op("GET", "/ocpp/locations/{location_id}", "get-location", "Get location");
  get_op.path_params = {location_id_param()};
  get_op.responses = {{200, "The location", "Location"}};
  get_op.errors = {404, 503};
  api.add(std::move(get_op), with_token(ctx, get));

  Operation put_op = op("PUT", "/ocpp/locations/{location_id}", "update-location", "Update location");
  put_op.body = update_schema();
  put_op.path_params = {location_id_param()};
  put_op.responses = {{200, "The updated location", "Location"}};
  put_op.errors = {404, 503};
  api.add(std::move(put_op), with_token(ctx, update));

  Operation delete_op = op("DELETE", "/ocpp/locations/{location_id}", "delete-location", "Delete location");
  delete_op.path_params = {location_id_param()};
  delete_op.responses = {{204, "Deleted", ""}};
  delete_op.errors = {404, 503};
  api.add(std::move(delete_op), with_token(ctx, remove));
}

} // namespace ocppfleet::api
