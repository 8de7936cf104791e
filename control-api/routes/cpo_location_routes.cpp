// The locations of a simulated CPO under /ocpi/cpos/{cpo_id}/locations: GET (list, one),
// POST (a durable job adding locations, with GET .../locations/jobs/{job_id}), PATCH, DELETE.
// A location is served as generated (its document), with the chargers it holds; PATCH changes
// the descriptive fields, DELETE removes it with its chargers.
#include <charconv>

#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/cpo_routes.hpp"
#include "control-api/routes/field_spec.hpp"
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/cpo_location_job_repo.hpp"
#include "control-api/store/cpo_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/cpo_runtime.hpp"

namespace ocppfleet::api {
namespace {
namespace cpo_location_routes {

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

// --- POST: adding locations (docs/cpos.md, "Adding locations") ---

constexpr std::size_t k_max_new_locations = 100;

std::optional<RuleError> coordinate_rule(const std::string& v) {
  // OCPI: "-?[0-9]{1,3}\.[0-9]{5,7}"
  std::size_t i = v.starts_with('-') ? 1 : 0;
  const auto dot = v.find('.', i);
  const auto digits = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k)
      if (v[k] < '0' || v[k] > '9') return false;
    return true;
  };
  if (dot == std::string::npos || dot == i || dot - i > 3 || !digits(i, dot) || v.size() - dot - 1 < 5 ||
      v.size() - dot - 1 > 7 || !digits(dot + 1, v.size()))
    return RuleError{"a coordinate is decimal degrees with 5 to 7 decimals, as text (\"48.85661\")"};
  return std::nullopt;
}

const std::shared_ptr<const Schema>& charger_group_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "CpoLocationChargerGroup",
      "Chargers of one brand/model at a new location.",
      {Field::string("brand").len(1, 64).req().eg("abb"), Field::string("model").len(1, 64).req().eg("terra-184"),
       Field::one_of("ocpp_version", {"OCPP1.6", "OCPP2.0.1", "1.6", "2.0.1"}).fallback("OCPP1.6"),
       Field::integer("count", 1, 99).fallback(1),
       Field::string("connector_type").len(1, 32).doc("Stored on the charger rows (CCS2, Type2, ...).")}});
  return schema;
}

const std::shared_ptr<const Schema>& coordinates_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CpoLocationCoordinates",
             "OCPI GeoLocation: decimal degrees as text.",
             {Field::string("latitude").req().check(coordinate_rule, "^-?[0-9]{1,3}\\.[0-9]{5,7}$"),
              Field::string("longitude").req().check(coordinate_rule, "^-?[0-9]{1,3}\\.[0-9]{5,7}$")}});
  return schema;
}

const std::shared_ptr<const Schema>& new_location_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "CpoLocationNew",
      "A location to add: a location template (GET /ocpp/templates/locations) and/or explicit chargers; "
      "the site is drawn from the CPO's template pools and any field given here replaces the drawn one.",
      {Field::string("template")
           .len(1, 64)
           .doc("Slug of a location template; its charger groups are used unless "
                "`chargers` is given."),
       Field::string("name").len(1, 255), Field::string("address").len(1, 255), Field::string("city").len(1, 255),
       Field::string("postal_code").len(1, 16), Field::string("time_zone").len(1, 64),
       Field::string("parking_type").len(1, 64), Field::object_of("coordinates", coordinates_schema()),
       Field::array_of("facilities", Field::string("facility").len(1, 64), 0, 20),
       Field::array_of("chargers", Field::object_of("group", charger_group_schema()), 1, 20)}});
  return schema;
}

const std::shared_ptr<const Schema>& add_locations_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CpoLocationsCreate",
             "Locations to add to a READY CPO (a durable job).",
             {Field::array_of("locations", Field::object_of("location", new_location_schema()), 1, k_max_new_locations)
                  .req()}});
  return schema;
}

// "locations.1.chargers.0.model" -> ["body", "locations", 1, "chargers", 0, "model"].
json body_loc(const std::string& param) {
  json loc = json::array({"body"});
  std::size_t start = 0;
  while (start <= param.size()) {
    const auto end = std::min(param.find('.', start), param.size());
    const auto part = param.substr(start, end - start);
    std::size_t n = 0;
    const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
    if (!part.empty() && ec == std::errc{} && p == part.data() + part.size())
      loc.push_back(n);
    else if (!part.empty())
      loc.push_back(part);
    start = end + 1;
  }
  return loc;
}

json job_json(const store::CpoLocationJobRow& job) {
  json error = job.error_json ? json::parse(*job.error_json, nullptr, false) : json();
  if (error.is_discarded()) error = nullptr;
  json ids = json::parse(job.location_ids_json, nullptr, false);
  if (!ids.is_array()) ids = json::array();
  const auto cpo = std::to_string(job.cpo_id);
  return json{{"job_id", job.id},
              {"cpo_id", cpo},
              {"status", job.status},
              {"current_step", job.current_step ? json(*job.current_step) : json()},
              {"locations_total", job.locations_total},
              {"location_ids", std::move(ids)},
              {"chargers_total", job.chargers_total},
              {"chargers_ready", job.chargers_ready},
              {"error", std::move(error)},
              {"created_at", job.created_at},
              {"updated_at", job.updated_at},
              {"finished_at", job.finished_at ? json(*job.finished_at) : json()},
              {"status_url", "/ocpi/cpos/" + cpo + "/locations/jobs/" + job.id}};
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

void create(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return responder.send(std::move(*error));
  json body = std::move(std::get<json>(parsed));
  // One location may come bare, without the "locations" list around it.
  if (body.is_object() && !body.contains("locations")) body = json{{"locations", json::array({body})}};
  auto in = validate_object(*add_locations_schema(), body);
  if (!in.ok()) return responder.send(in.error_response());
  for (std::size_t i = 0; i < in.values["locations"].size(); ++i) {
    const auto& item = in.values["locations"][i];
    if (!item.contains("template") && !item.contains("chargers"))
      in.add(json::array({"body", "locations", i}), "Give a location template, chargers, or both", "value_error");
  }
  if (!in.ok()) return responder.send(in.error_response());
  with_cpo(
      ctx, who, request, responder,
      [&ctx, org = who.org_id, items = in.values["locations"]](store::Database& db, const Ids& ids) {
        const auto cpo = store::get_cpo(db, org, ids.cpo);
        if (cpo->status != store::cpo_status::ready)
          return http::error_response(409, "CPO " + std::to_string(ids.cpo) + " is " + cpo->status +
                                               "; locations can be added once it is READY");
        store::Transaction tx{db};
        const auto first = store::next_cpo_location_number(db, cpo->id);
        // Validated now (a typo is a 422, not a FAILED job); the job regenerates the same plan.
        auto planned = ctx.cpo_planner->plan_added_locations(*cpo, first, items.dump());
        if (auto* error = std::get_if<CpoPlanError>(&planned)) {
          if (error->code == "over_capacity" && error->param == "locations")
            return http::error_response(409, error->message);
          return http::validation_error({http::FieldError{body_loc(error->param), error->message, "value_error", {}}});
        }
        store::CpoLocationJobRow job;
        job.cpo_id = cpo->id;
        job.org_id = org;
        job.first_number = first;
        job.locations_total = static_cast<std::int64_t>(items.size());
        job.chargers_total = static_cast<std::int64_t>(std::get<CpoAddedPlan>(planned).chargers.size());
        job.request_json = items.dump();
        job = store::insert_cpo_location_job(db, std::move(job));
        tx.commit();
        ctx.cpos->add_locations(cpo->id, job.id);
        return http::json_response(202, job_json(job));
      });
}

void get_job(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder,
           [org = who.org_id, job_id = request.path_params.at("job_id")](store::Database& db, const Ids& ids) {
             const auto job = store::get_cpo_location_job(db, org, ids.cpo, job_id);
             return job ? http::json_response(200, job_json(*job))
                        : http::error_response(404, "Location job not found");
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
    return http::no_content();
  });
}

using Action = void (*)(ApiContext&, const auth::Principal&, http::HttpRequest&, http::Responder);

http::Handler with_token(ApiContext& ctx, Action action) {
  return authenticated(ctx, [&ctx, action](const auth::Principal& who, http::HttpRequest& req, http::Responder res) {
    if (!ctx.cpos) return res.send(http::error_response(503, "Simulated CPOs are not available on this server"));
    action(ctx, who, req, std::move(res));
  });
}

} // namespace cpo_location_routes
} // namespace

void add_cpo_location_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace cpo_location_routes;
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

  Operation create_op = op("POST", "/ocpi/cpos/{cpo_id}/locations", "create-cpo-locations", "Add locations to a CPO");
  create_op.description =
      "Durable job: 202 at once with the job; the locations and their chargers are stored, the CPO's backend lets "
      "the new identities in, and the job SUCCEEDS when every new charger booted Accepted. The CPO must be READY "
      "(409 otherwise, and when the template's location cap would be passed).";
  create_op.body = add_locations_schema();
  create_op.errors = {404, 409, 422, 503};
  create_op.responses = {{202, "The job", "CpoLocationJob"}};
  api.add(std::move(create_op), with_token(ctx, create));

  Operation job_op =
      op("GET", "/ocpi/cpos/{cpo_id}/locations/jobs/{job_id}", "get-cpo-location-job", "Status of a location job");
  job_op.path_params = {Field::string("cpo_id"), Field::string("job_id")};
  job_op.responses = {{200, "The job", "CpoLocationJob"}};
  api.add(std::move(job_op), with_token(ctx, get_job));

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
