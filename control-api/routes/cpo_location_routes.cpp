// The locations of a simulated CPO: GET (list, one), PATCH, DELETE under
// /ocpi/cpos/{cpo_id}/locations. A location is served as generated (its document), with the
// chargers it holds; PATCH changes the descriptive fields, DELETE removes it with its chargers.
#include <charconv>

#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/cpo_routes.hpp"
#include "control-api/routes/field_spec.hpp"
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/cpo_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/cpo_runtime.hpp"

namespace ocppfleet::api {
namespace {

using nlohmann::json;

struct Ids {
  std::int64_t cpo = 0;
  std::string location;
};

std::optional<Ids> parse_ids(const http::HttpRequest& request) {
  const auto& text = request.path_params.at("cpo_id");
  Ids ids;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ids.cpo);
  if (ec != std::errc{} || end != text.data() + text.size() || ids.cpo <= 0) return std::nullopt;
  if (auto it = request.path_params.find("location_id"); it != request.path_params.end()) ids.location = it->second;
  return ids;
}

json location_json(store::Database& db, const store::CpoLocationRow& row) {
  json out = json::parse(row.document_json, nullptr, false);
  if (!out.is_object()) out = json::object();
  out["location_id"] = row.location_id;
  out["cpo_id"] = std::to_string(row.cpo_id);
  out["name"] = row.name;
  json chargers = json::array();
  auto st = db.prepare("SELECT id, identity, ocpp_version, status FROM chargers WHERE cpo_id = ? AND "
                       "cpo_location_id = ? AND deleted_at IS NULL ORDER BY identity");
  st.bind_all(row.cpo_id, row.location_id);
  while (st.step())
    chargers.push_back(json{{"charger_id", st.column_text(0)},
                            {"identity", st.column_text(1)},
                            {"ocpp_version", st.column_text(2)},
                            {"status", st.column_text(3)}});
  out["chargers"] = std::move(chargers);
  out["created_at"] = row.created_at;
  out["updated_at"] = row.updated_at;
  return out;
}

const std::shared_ptr<const Schema>& patch_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CpoLocationUpdate",
             "Descriptive fields of a CPO location; only those present change.",
             {Field::string("name").len(1, 255), Field::string("address").len(1, 255),
              Field::string("city").len(1, 255), Field::string("postal_code").len(1, 16),
              Field::string("time_zone").len(1, 64), Field::string("parking_type").len(1, 64)}});
  return schema;
}

template <class Make>
void with_cpo(ApiContext& ctx, const auth::Principal& who, const http::HttpRequest& request,
              const http::Responder& responder, Make make) {
  const auto ids = parse_ids(request);
  if (!ids) return responder.send(http::error_response(404, "CPO not found"));
  respond_from_store(ctx, responder, [org = who.org_id, ids = *ids, make = std::move(make)](store::Database& db) {
    if (!store::get_cpo(db, org, ids.cpo)) return http::error_response(404, "CPO not found");
    return make(db, ids);
  });
}

void list(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  static const std::vector<Field> params = page_query();
  const auto q = validate_query(params, request);
  if (!q.ok()) return responder.send(q.error_response());
  const int page_no = static_cast<int>(*q.integer("page"));
  const int limit = static_cast<int>(*q.integer("limit"));
  with_cpo(ctx, who, request, responder, [page_no, limit](store::Database& db, const Ids& ids) {
    const auto page = store::list_cpo_locations(db, ids.cpo, store::PageRequest{page_no, limit});
    json data = json::array();
    for (const auto& row : page.rows)
      data.push_back(location_json(db, row));
    return http::json_response(
        200, json{{"data", std::move(data)}, {"total", page.total}, {"page", page_no}, {"limit", limit}});
  });
}

void get(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder, [](store::Database& db, const Ids& ids) {
    const auto row = store::get_cpo_location(db, ids.cpo, ids.location);
    return row ? http::json_response(200, location_json(db, *row)) : http::error_response(404, "Location not found");
  });
}

void patch(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return responder.send(std::move(*error));
  auto in = validate_object(*patch_schema(), std::get<json>(parsed));
  if (!in.ok()) return responder.send(in.error_response());
  with_cpo(ctx, who, request, responder, [values = in.values](store::Database& db, const Ids& ids) {
    const auto row = store::get_cpo_location(db, ids.cpo, ids.location);
    if (!row) return http::error_response(404, "Location not found");
    json doc = json::parse(row->document_json, nullptr, false);
    if (!doc.is_object()) doc = json::object();
    for (const auto& [key, value] : values.items())
      doc[key] = value;
    std::optional<std::string> name;
    if (values.contains("name")) name = values["name"].get<std::string>();
    store::update_cpo_location(db, ids.cpo, ids.location, name, doc.dump());
    return http::json_response(200, location_json(db, *store::get_cpo_location(db, ids.cpo, ids.location)));
  });
}

void remove(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder, [&ctx, org = who.org_id](store::Database& db, const Ids& ids) {
    std::vector<std::string> chargers;
    {
      store::Transaction tx{db};
      if (!store::delete_cpo_location(db, ids.cpo, ids.location))
        return http::error_response(404, "Location not found");
      auto st = db.prepare("SELECT id FROM chargers WHERE cpo_id = ? AND cpo_location_id = ? AND deleted_at IS NULL");
      st.bind_all(ids.cpo, ids.location);
      while (st.step())
        chargers.push_back(st.column_text(0));
      for (const auto& id : chargers)
        store::soft_delete_charger(db, org, id);
      tx.commit();
    }
    if (ctx.runtime)
      for (const auto& id : chargers)
        ctx.runtime->remove(id);
    http::HttpResponse none;
    none.status = 204;
    none.content_type.clear();
    return none;
  });
}

using Action = void (*)(ApiContext&, const auth::Principal&, http::HttpRequest&, http::Responder);

http::Handler with_token(ApiContext& ctx, Action action) {
  return authenticated(ctx, [&ctx, action](const auth::Principal& who, http::HttpRequest& req, http::Responder res) {
    if (!ctx.cpos) return res.send(http::error_response(503, "Simulated CPOs are not available on this server"));
    action(ctx, who, req, std::move(res));
  });
}

} // namespace

void add_cpo_location_routes(ApiRegistry& api, ApiContext& ctx) {
  const auto op = [](const char* method, const char* path, const char* id, const char* summary) {
    Operation o{.method = method, .path = path, .operation_id = id, .summary = summary, .tag = "OCPI CPOs"};
    o.path_params = {Field::string("cpo_id")};
    o.errors = {404, 503};
    return o;
  };
  Operation list_op = op("GET", "/ocpi/cpos/{cpo_id}/locations", "list-cpo-locations", "List a CPO's locations");
  list_op.query = page_query();
  list_op.responses = {{200, "A page of the CPO's locations", "CpoLocationList"}};
  api.add(std::move(list_op), with_token(ctx, list));

  const char* one = "/ocpi/cpos/{cpo_id}/locations/{location_id}";
  Operation get_op = op("GET", one, "get-cpo-location", "Get a CPO location");
  get_op.responses = {{200, "The location with its chargers", "CpoLocation"}};
  api.add(std::move(get_op), with_token(ctx, get));

  Operation patch_op = op("PATCH", one, "update-cpo-location", "Update a CPO location");
  patch_op.body = patch_schema();
  patch_op.responses = {{200, "The updated location", "CpoLocation"}};
  api.add(std::move(patch_op), with_token(ctx, patch));

  Operation delete_op = op("DELETE", one, "delete-cpo-location", "Delete a CPO location");
  delete_op.description = "Removes the location and stops and deletes its chargers.";
  delete_op.responses = {{204, "Deleted", ""}};
  api.add(std::move(delete_op), with_token(ctx, remove));
}

} // namespace ocppfleet::api
