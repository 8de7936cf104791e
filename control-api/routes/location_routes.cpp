#include "control-api/routes/location_routes.hpp"

#include "control-api/routes/body_reader.hpp"

#include <string>
#include <utility>
#include <variant>

namespace ocppfleet::api {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_name = 255;
constexpr std::size_t k_max_address = 1024; // street + number + complement fit; 255 is tight for some sites
constexpr std::size_t k_max_short = 255;

const char* const k_not_found = "Location not found";

template <class T> json nullable(const std::optional<T>& v) { return v ? json(*v) : json(nullptr); }

// The body fields of a POST (create: name required) or a PUT (partial: only the keys present
// change, and an explicit null clears an optional field). Every bad field is reported in one
// 422, as pydantic would.
std::variant<store::LocationUpdate, http::HttpResponse> read_fields(const json& body, bool create) {
  BodyReader reader{body};
  // Not an object: that one error, as pydantic reports it, without "name missing" besides.
  if (!body.is_object()) return reader.error_response();
  store::LocationUpdate u;
  const auto present = [&](const char* field) { return body.contains(field); };

  if (create) {
    u.name = reader.required_string("name", 1, k_max_name);
  } else if (present("name")) {
    // BodyReader reads null as "absent"; on an update a null name is a type error instead
    // (name is NOT NULL), not a silent no-op.
    if (body["name"].is_null())
      reader.add_error("name", "Input should be a valid string", "string_type");
    else
      u.name = reader.optional_string("name", 1, k_max_name);
  }

  const auto text = [&](const char* field, std::size_t max_len, std::optional<store::OptText>& out) {
    if (!present(field)) return;
    if (body[field].is_null()) {
      out = store::OptText{};
      return;
    }
    if (auto s = reader.optional_string(field, 0, max_len)) out = store::OptText{std::move(*s)};
  };
  const auto number = [&](const char* field, double min, double max, std::optional<std::optional<double>>& out) {
    if (!present(field)) return;
    if (body[field].is_null()) {
      out = std::optional<double>{};
      return;
    }
    if (auto n = reader.optional_number(field, min, max)) out = std::optional<double>{*n};
  };
  text("address", k_max_address, u.address);
  text("city", k_max_short, u.city);
  text("country", k_max_short, u.country);
  number("latitude", -90.0, 90.0, u.latitude);
  number("longitude", -180.0, 180.0, u.longitude);

  if (!reader.ok()) return reader.error_response();
  return u;
}

// Parses and validates the body; on failure the 422 has already been sent.
std::optional<store::LocationUpdate> read_body(const http::HttpRequest& request, const http::Responder& responder,
                                               bool create) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) {
    responder.send(std::move(*error));
    return std::nullopt;
  }
  auto fields = read_fields(std::get<json>(parsed), create);
  if (auto* error = std::get_if<http::HttpResponse>(&fields)) {
    responder.send(std::move(*error));
    return std::nullopt;
  }
  return std::get<store::LocationUpdate>(std::move(fields));
}

template <class T> T value_or_unset(std::optional<T>&& v) { return v ? std::move(*v) : T{}; }

void create(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  auto fields = read_body(request, responder, true);
  if (!fields) return;
  store::LocationRow row;
  row.org_id = principal.org_id;
  row.name = std::move(*fields->name);
  row.address = value_or_unset(std::move(fields->address));
  row.city = value_or_unset(std::move(fields->city));
  row.country = value_or_unset(std::move(fields->country));
  row.latitude = value_or_unset(std::move(fields->latitude));
  row.longitude = value_or_unset(std::move(fields->longitude));
  respond_from_store(ctx, responder, [row = std::move(row)](store::Database& db) {
    const auto stored = store::insert_location(db, row);
    auto response = http::json_response(201, location_json(stored));
    response.headers.emplace_back("Location", "/ocpp/locations/" + stored.id);
    return response;
  });
}

void list(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  std::vector<http::FieldError> errors;
  const PageQuery q = read_page_query(request, errors);
  if (!errors.empty()) return responder.send(http::validation_error(std::move(errors)));
  respond_from_store(ctx, responder, [org = principal.org_id, q](store::Database& db) {
    const auto page = store::list_locations(db, org, store::PageRequest{q.page, q.limit});
    json data = json::array();
    for (const auto& row : page.rows)
      data.push_back(location_json(row));
    return http::json_response(
        200, json{{"data", std::move(data)}, {"total", page.total}, {"page", q.page}, {"limit", q.limit}});
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
  auto fields = read_body(request, responder, false);
  if (!fields) return;
  respond_from_store(ctx, responder,
                     [org = principal.org_id, id = request.path_params.at("location_id"),
                      update = std::move(*fields)](store::Database& db) {
                       const auto row = store::update_location(db, org, id, update);
                       return row ? http::json_response(200, location_json(*row))
                                  : http::error_response(404, k_not_found);
                     });
}

void remove(ApiContext& ctx, const auth::Principal& principal, http::HttpRequest& request, http::Responder responder) {
  respond_from_store(ctx, responder,
                     [org = principal.org_id, id = request.path_params.at("location_id")](store::Database& db) {
                       if (!store::delete_location(db, org, id)) return http::error_response(404, k_not_found);
                       http::HttpResponse none;
                       none.status = 204;
                       none.content_type.clear(); // 204 carries no body, so no Content-Type either
                       return none;
                     });
}

using Action = void (*)(ApiContext&, const auth::Principal&, http::HttpRequest&, http::Responder);

// Every location route authenticates first; the action then runs wherever the token check
// completed (I/O thread on a cache hit, store thread otherwise) and only posts store work.
http::Handler authenticated(ApiContext& ctx, Action action) {
  return [&ctx, action](http::HttpRequest& request, http::Responder responder) {
    with_principal(ctx, request, std::move(responder),
                   [&ctx, action](const auth::Principal& principal, http::HttpRequest& req, http::Responder res) {
                     action(ctx, principal, req, std::move(res));
                   });
  };
}

} // namespace

json location_json(const store::LocationRow& row) {
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

void add_location_routes(http::Router& router, ApiContext& ctx) {
  router.add("POST", "/ocpp/locations", authenticated(ctx, create), "Create location");
  router.add("GET", "/ocpp/locations", authenticated(ctx, list), "List locations");
  router.add("GET", "/ocpp/locations/{location_id}", authenticated(ctx, get), "Get location");
  router.add("PUT", "/ocpp/locations/{location_id}", authenticated(ctx, update), "Update location");
  router.add("DELETE", "/ocpp/locations/{location_id}", authenticated(ctx, remove), "Delete location");
}

} // namespace ocppfleet::api
