#include "control-api/routes/bulk_routes.hpp"

#include <cctype>
#include <set>

#include "control-api/routes/charger_dto.hpp"
#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/input_rules.hpp"
#include "control-api/store/bulk_job_repo.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/workflows/bulk_job_runner.hpp"

namespace ocppfleet::api {
namespace {
namespace bulk_routes {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
constexpr std::int64_t kMaxChargers = 10'000;

// One entry of the body: a template and the identities it applies to.
struct Group {
  Json tmpl;
  std::vector<std::string> identities;
};

// The first 8 characters of the location id after "loc_" (see bulk_routes.hpp).
std::string location_short(const std::string& location_id) {
  std::string id = location_id.rfind("loc_", 0) == 0 ? location_id.substr(4) : location_id;
  std::string out;
  for (const char c : id)
    if (std::isalnum(static_cast<unsigned char>(c)) && out.size() < 8) out += c;
  return out.empty() ? "loc" : out;
}

const std::shared_ptr<const Schema>& entry_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "BulkChargerCreateEntry",
      "A template and exactly one of charger_ids or chargers_number. chargers_number N generates the identities "
      "<identity_prefix>-<loc8>-00001 .. -<N, 5 digits>, loc8 being the first 8 letters or digits of the location "
      "id after 'loc_': deterministic, so re-posting creates nothing twice (existing identities are failed "
      "duplicate_identity items).",
      {
          Field::object_of("template", bulk_template_schema()).req(),
          Field::array_of("charger_ids", identity_field(), 1, kMaxChargers)
              .doc("The identities to create (the identity rule of POST /ocpp/chargers)."),
          Field::integer("chargers_number", 1, kMaxChargers).doc("How many identities to generate."),
          Field::string("identity_prefix")
              .len(1, 16)
              .check(identity_rule, "^[A-Za-z0-9._:*-]{1,16}$")
              .fallback("CP")
              .doc("Prefix of generated identities (the identity character set)."),
      }});
  return schema;
}

// One entry: its template (nulls dropped: absent and null mean the same to the runner) and
// its identities; problems are added to `errors` under ["body", i, ...]. The identities are
// returned even when the template is bad, so duplicates are reported in the same 422.
Group read_entry(const Json& entry, std::size_t i, const std::string& location_id,
                 std::vector<http::FieldError>& errors) {
  const Json where = Json::array({"body", i});
  auto in = validate_object(*entry_schema(), entry, where);
  const bool ids = in.has("charger_ids"), number = in.has("chargers_number");
  const bool given_ids = entry.is_object() && entry.contains("charger_ids");
  const bool given_number = entry.is_object() && entry.contains("chargers_number");
  if (entry.is_object() && given_ids == given_number)
    in.add(where, "Give exactly one of charger_ids and chargers_number", "value_error");
  errors.insert(errors.end(), in.errors.begin(), in.errors.end());
  Group g;
  g.tmpl = Json::object();
  if (in.has("template"))
    for (const auto& [key, value] : in.values["template"].items())
      if (!value.is_null()) g.tmpl[key] = value;
  if (ids && !given_number) {
    for (const auto& id : in.values["charger_ids"])
      g.identities.push_back(id.get<std::string>());
  } else if (number && !given_ids) {
    const std::string stem = in.text("identity_prefix").value_or("CP") + "-" + location_short(location_id) + "-";
    for (std::int64_t n = 1; n <= *in.integer("chargers_number"); ++n) {
      std::string digits = std::to_string(n);
      g.identities.push_back(stem + std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') + digits);
    }
  }
  return g;
}

// The body: [{template, charger_ids | chargers_number, identity_prefix?}, ...].
std::variant<std::vector<Group>, http::HttpResponse> read_request(const http::HttpRequest& request,
                                                                  const std::string& location_id) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return std::move(*error);
  const Json& body = std::get<Json>(parsed);
  std::vector<http::FieldError> errors;
  const auto fail = [&errors](Json loc, std::string msg, std::string type) {
    errors.push_back(http::FieldError{std::move(loc), std::move(msg), std::move(type), std::nullopt});
  };
  if (!body.is_array()) {
    fail(Json::array({"body"}), "Input should be a valid list", "list_type");
    return http::validation_error(errors);
  }
  if (body.empty()) {
    fail(Json::array({"body"}), "List should have at least 1 item after validation, not 0", "too_short");
    return http::validation_error(errors);
  }
  if (body.size() > static_cast<std::size_t>(kMaxChargers)) {
    fail(Json::array({"body"}), "At most " + std::to_string(kMaxChargers) + " entries per request", "too_long");
    return http::validation_error(errors);
  }
  std::vector<Group> groups;
  std::set<std::string> seen;
  std::size_t total = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    auto g = read_entry(body[i], i, location_id, errors);
    const bool listed = body[i].is_object() && body[i].contains("charger_ids");
    for (std::size_t j = 0; j < g.identities.size(); ++j)
      if (!seen.insert(g.identities[j]).second) {
        Json loc = Json::array({"body", i, listed ? "charger_ids" : "chargers_number"});
        if (listed) loc.push_back(j);
        fail(std::move(loc), "Identity '" + g.identities[j] + "' appears more than once in this request",
             "value_error");
        break;
      }
    total += g.identities.size();
    groups.push_back(std::move(g));
  }
  if (total > static_cast<std::size_t>(kMaxChargers))
    fail(Json::array({"body"}), "At most " + std::to_string(kMaxChargers) + " chargers per request", "too_long");
  if (!errors.empty()) return http::validation_error(errors);
  return groups;
}

std::string status_url(const std::string& location_id, const std::string& job_id) {
  return "/ocpp/locations/" + location_id + "/chargers/jobs/" + job_id;
}

void create_job(ApiContext& ctx, BulkJobRunner& runner, const auth::Principal& who, http::HttpRequest& req,
                http::Responder res) {
  const std::string location_id = req.path_params["location_id"];
  auto input = read_request(req, location_id);
  if (auto* error = std::get_if<http::HttpResponse>(&input)) return res.send(std::move(*error));
  respond_from_store(
      ctx, res,
      [&runner, org = who.org_id, location_id,
       groups = std::move(std::get<std::vector<Group>>(input))](store::Database& db) {
        const auto location = store::get_location(db, org, location_id);
        if (!location) return error_response(404, "Location not found");
        Json plan{{"location_id", location_id}, {"location_name", location->name}, {"groups", Json::array()}};
        std::vector<std::string> identities;
        for (const auto& g : groups) {
          plan["groups"].push_back(
              {{"first", identities.size()}, {"count", g.identities.size()}, {"template", g.tmpl}});
          identities.insert(identities.end(), g.identities.begin(), g.identities.end());
        }
        store::BulkJobRow job;
        job.org_id = org;
        job.location_id = location_id;
        job.request_json = plan.dump();
        job = store::create_bulk_job(db, std::move(job), identities);
        runner.submit(org, job.id); // durable: the runner takes it from here (or resume() after a crash)
        return json_response(202, Json{{"job_id", job.id},
                                       {"location_id", location_id},
                                       {"status", job.status},
                                       {"status_url", status_url(location_id, job.id)},
                                       {"total", identities.size()}});
      });
}

Json job_json(const store::BulkJobWithItems& job) {
  std::size_t created = 0, failed = 0, pending = 0;
  Json results = Json::array();
  for (const auto& item : job.items) {
    if (item.status == store::bulk_item_status::created)
      ++created;
    else if (item.status == store::bulk_item_status::failed)
      ++failed;
    else
      ++pending;
    results.push_back({{"identity", item.identity},
                       {"status", item.status},
                       {"charger_id", item.charger_id ? Json(*item.charger_id) : Json()},
                       {"error", error_json(item.error_json)}});
  }
  return Json{{"job_id", job.job.id},
              {"location_id", job.job.location_id ? Json(*job.job.location_id) : Json()},
              {"status", job.job.status},
              {"total", job.items.size()},
              {"created_count", created},
              {"failed_count", failed},
              {"pending_count", pending},
              {"created_at", job.job.created_at},
              {"updated_at", job.job.updated_at},
              {"results", std::move(results)}};
}

} // namespace bulk_routes
} // namespace

void add_bulk_routes(ApiRegistry& api, ApiContext& ctx, BulkJobRunner& runner) {
  using namespace bulk_routes;
  api.add(Operation{.method = "POST",
                    .path = "/ocpp/locations/{location_id}/chargers",
                    .operation_id = "create-location-chargers",
                    .summary = "Create chargers at a location (bulk, durable)",
                    .tag = "Chargers",
                    .description = "Answers 202 with a job; the chargers are created by a durable job and each "
                                   "provisions as POST /ocpp/chargers does. Poll status_url.",
                    .body = entry_schema(),
                    .body_is_list = true,
                    .body_max_items = static_cast<std::size_t>(kMaxChargers),
                    .body_description = "At most 10000 chargers in all; identities must be distinct. A 422 names "
                                        "the entry, e.g. loc [\"body\", 0, \"template\", \"ws_url\"].",
                    .path_params = {Field::string("location_id")},
                    .responses = {{202, "Bulk job accepted; poll status_url", "BulkJobAccepted"}},
                    .errors = {404, 503}},
          authenticated(ctx, [&ctx, &runner](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            create_job(ctx, runner, who, r, out);
          }));

  api.add(Operation{.method = "GET",
                    .path = "/ocpp/locations/{location_id}/chargers/jobs/{job_id}",
                    .operation_id = "get-location-chargers-job",
                    .summary = "Get bulk charger job",
                    .tag = "Chargers",
                    .path_params = {Field::string("location_id"), Field::string("job_id")},
                    .responses = {{200, "The job and its items", "BulkJobStatus"}},
                    .errors = {404, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            respond_from_store(ctx, out,
                               [org = who.org_id, location_id = r.path_params["location_id"],
                                job_id = r.path_params["job_id"]](store::Database& db) {
                                 const auto job = store::get_bulk_job(db, org, job_id);
                                 if (!job || job->job.location_id != location_id)
                                   return error_response(404, "Bulk job not found");
                                 return json_response(200, job_json(*job));
                               });
          }));
}

} // namespace ocppfleet::api
