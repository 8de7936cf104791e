#include "control-api/routes/bulk_routes.hpp"

#include <cctype>
#include <set>

#include "control-api/routes/body_reader.hpp"
#include "control-api/routes/charger_dto.hpp"
#include "control-api/store/bulk_job_repo.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/workflows/bulk_job_runner.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
constexpr std::int64_t kMaxChargers = 10'000;
constexpr std::size_t kMaxIdentity = 48;

// One entry of the body: a template and the identities it applies to.
struct Group {
  Json tmpl;
  std::vector<std::string> identities;
};

struct Errors {
  std::vector<http::FieldError> list;
  void add(Json loc, std::string msg, std::string type) {
    list.push_back(http::FieldError{std::move(loc), std::move(msg), std::move(type), std::nullopt});
  }
  // A BodyReader's errors (loc ["body", field] or ["body"]) re-rooted at `where`.
  void take(const BodyReader& reader, const Json& where) {
    for (const auto& e : reader.errors()) {
      Json loc = where;
      for (std::size_t i = 1; i < e.loc.size(); ++i)
        loc.push_back(e.loc[i]);
      list.push_back(http::FieldError{std::move(loc), e.msg, e.type, e.input});
    }
  }
};

bool printable(const std::string& s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return false;
  return true;
}

bool prefix_chars(const std::string& s) {
  for (const char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

// The first 8 characters of the location id after "loc_" (see bulk_routes.hpp).
std::string location_short(const std::string& location_id) {
  std::string id = location_id.rfind("loc_", 0) == 0 ? location_id.substr(4) : location_id;
  std::string out;
  for (const char c : id)
    if (std::isalnum(static_cast<unsigned char>(c)) && out.size() < 8) out += c;
  return out.empty() ? "loc" : out;
}

Json read_template(const Json& entry, const Json& where, Errors& errors) {
  const auto it = entry.find("template");
  if (it == entry.end() || it->is_null()) {
    errors.add(where, "Field required", "missing");
    return {};
  }
  BodyReader in{*it};
  Json t = Json::object();
  const auto put = [&t](const char* key, const std::optional<std::string>& v) {
    if (v) t[key] = *v;
  };
  put("brand_slug", in.required_string("brand_slug", 1, 64));
  put("model_slug", in.required_string("model_slug", 1, 64));
  put("connector_type", in.required_string("connector_type", 1, 32));
  const auto ws_url = in.required_string("ws_url", 1, 512);
  put("ws_url", ws_url);
  t["ocpp_version"] = in.optional_enum("ocpp_version", {"OCPP1.6", "OCPP2.0.1"}).value_or("OCPP1.6");
  put("charge_point_name", in.optional_string("charge_point_name", 0, 255));
  put("password", in.optional_string("password", 1, 64));
  if (ws_url && ws_url->rfind("ws://", 0) != 0 && ws_url->rfind("wss://", 0) != 0)
    in.add_error("ws_url", "URL scheme should be 'ws' or 'wss'", "url_scheme");
  errors.take(in, where);
  return t;
}

std::vector<std::string> read_identities(const Json& entry, const Json& where, const std::string& location_id,
                                         Errors& errors) {
  std::vector<std::string> out;
  BodyReader in{entry};
  const bool has_ids = in.has("charger_ids");
  const bool has_number = in.has("chargers_number");
  if (has_ids == has_number) {
    errors.add(where, "Give exactly one of charger_ids and chargers_number", "value_error");
    return out;
  }
  if (has_number) {
    const auto n = in.optional_int("chargers_number", 1, kMaxChargers);
    const auto prefix = in.optional_string("identity_prefix", 1, 16);
    if (prefix && !prefix_chars(*prefix))
      in.add_error("identity_prefix", "Use letters, digits, '-', '_' or '.'", "value_error");
    errors.take(in, where);
    if (!in.ok() || !n) return out;
    const std::string stem = prefix.value_or("CP") + "-" + location_short(location_id) + "-";
    for (std::int64_t i = 1; i <= *n; ++i) {
      std::string number = std::to_string(i);
      out.push_back(stem + std::string(number.size() < 5 ? 5 - number.size() : 0, '0') + number);
    }
    return out;
  }
  Json ids_loc = where;
  ids_loc.push_back("charger_ids");
  const Json& ids = entry.at("charger_ids");
  if (!ids.is_array()) {
    errors.add(ids_loc, "Input should be a valid list", "list_type");
    return out;
  }
  if (ids.empty() || ids.size() > static_cast<std::size_t>(kMaxChargers)) {
    errors.add(ids_loc, "List should have 1 to " + std::to_string(kMaxChargers) + " items",
               ids.empty() ? "too_short" : "too_long");
    return out;
  }
  for (std::size_t j = 0; j < ids.size(); ++j) {
    Json loc = ids_loc;
    loc.push_back(j);
    if (!ids[j].is_string()) {
      errors.add(loc, "Input should be a valid string", "string_type");
      continue;
    }
    auto id = ids[j].get<std::string>();
    if (id.empty() || id.size() > kMaxIdentity || !printable(id)) {
      errors.add(loc, "Identity must be 1 to 48 printable characters, without spaces", "value_error");
      continue;
    }
    out.push_back(std::move(id));
  }
  return out;
}

// The body: [{template, charger_ids | chargers_number, identity_prefix?}, ...].
std::variant<std::vector<Group>, http::HttpResponse> read_request(const http::HttpRequest& request,
                                                                  const std::string& location_id) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return std::move(*error);
  const Json& body = std::get<Json>(parsed);
  Errors errors;
  if (!body.is_array()) {
    errors.add(Json::array({"body"}), "Input should be a valid list", "list_type");
    return http::validation_error(errors.list);
  }
  if (body.empty()) {
    errors.add(Json::array({"body"}), "List should have at least 1 item after validation, not 0", "too_short");
    return http::validation_error(errors.list);
  }
  std::vector<Group> groups;
  std::set<std::string> seen;
  std::size_t total = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const Json where = Json::array({"body", i});
    if (!body[i].is_object()) {
      errors.add(where, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type");
      continue;
    }
    Json tmpl_loc = where;
    tmpl_loc.push_back("template");
    Group g{read_template(body[i], tmpl_loc, errors), read_identities(body[i], where, location_id, errors)};
    for (std::size_t j = 0; j < g.identities.size(); ++j)
      if (!seen.insert(g.identities[j]).second) {
        Json loc = where;
        loc.push_back(body[i].contains("charger_ids") ? Json("charger_ids") : Json("chargers_number"));
        if (body[i].contains("charger_ids")) loc.push_back(j);
        errors.add(loc, "Identity '" + g.identities[j] + "' appears more than once in this request", "value_error");
        break;
      }
    total += g.identities.size();
    groups.push_back(std::move(g));
  }
  if (total > static_cast<std::size_t>(kMaxChargers))
    errors.add(Json::array({"body"}), "At most " + std::to_string(kMaxChargers) + " chargers per request", "too_long");
  if (!errors.list.empty()) return http::validation_error(errors.list);
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

} // namespace

void add_bulk_routes(http::Router& router, ApiContext& ctx, BulkJobRunner& runner) {
  router.add(
      "POST", "/ocpp/locations/{location_id}/chargers",
      [&ctx, &runner](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res,
                       [&ctx, &runner](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
                         create_job(ctx, runner, who, r, out);
                       });
      },
      "Create chargers at a location (bulk, durable)");

  router.add(
      "GET", "/ocpp/locations/{location_id}/chargers/jobs/{job_id}",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          respond_from_store(ctx, out,
                             [org = who.org_id, location_id = r.path_params["location_id"],
                              job_id = r.path_params["job_id"]](store::Database& db) {
                               const auto job = store::get_bulk_job(db, org, job_id);
                               if (!job || job->job.location_id != location_id)
                                 return error_response(404, "Bulk job not found");
                               return json_response(200, job_json(*job));
                             });
        });
      },
      "Get bulk charger job");
}

} // namespace ocppfleet::api
