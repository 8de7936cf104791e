// The CPO routes: declarations -> validate -> store -> CpoRuntime -> DTOs. Shapes follow the
// reference's CPO pages (cpo-create, cpo-status); docs/cpos.md says what each field means.
#include "control-api/routes/cpo_routes.hpp"

#include <sys/resource.h>

#include <charconv>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>

#include "control-api/auth/token.hpp"
#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/cpo_dto.hpp"
#include "control-api/routes/field_spec.hpp"
#include "control-api/store/cpo_repo.hpp"
#include "control-api/store/ids.hpp"
#include "control-api/workflows/cpo_runtime.hpp"
#include "simulator/catalog/network_generator.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::api {
namespace {
namespace cpo_routes {

using nlohmann::json;

const char* const k_not_found = "CPO not found";

std::optional<RuleError> letters(const std::string& v, std::size_t n, bool digits) {
  for (char c : v)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (digits && c >= '0' && c <= '9')))
      return RuleError{"must be " + std::to_string(n) + (digits ? " letters or digits" : " letters")};
  return std::nullopt;
}

const std::shared_ptr<const Schema>& overrides_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CpoOverrides",
             "Template-specific overrides; only these keys, each within the template's caps (null: the default).",
             {Field::integer("locations", 1, 100000).null_ok().doc("Number of locations (1..caps.max_locations)."),
              Field::integer("chargers_per_location", 1, 1000)
                  .null_ok()
                  .doc("Chargers per location (1..caps.max_chargers_per_location).")}});
  return schema;
}

Field token_encoding_field() {
  return Field::one_of("ocpi_token_encoding", {"base64", "raw"})
      .fallback("base64")
      .doc("How the CPO sends the eMSP's Token B in its Authorization header: base64 as OCPI 2.2.1 says, or raw for "
           "eMSPs that still expect the 2.1.1 form.");
}

const std::shared_ptr<const Schema>& create_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "CpoCreateRequest",
      "A simulated CPO from a seeded template.",
      {
          Field::string("template")
              .req()
              .len(1, 64)
              .doc("Template slug. Use GET /ocpi/cpos/templates for the gallery.")
              .eg("small-urban-ac"),
          Field::string("country_code")
              .req()
              .len(2, 2)
              .check([](const std::string& v) { return letters(v, 2, false); }, "^[A-Za-z]{2}$")
              .doc("ISO 3166-1 alpha-2 country code (upper-cased); the template must cover it.")
              .eg("FR"),
          Field::string("party_id")
              .req()
              .len(3, 3)
              .check([](const std::string& v) { return letters(v, 3, true); }, "^[A-Za-z0-9]{3}$")
              .doc("3-char OCPI party identifier (upper-cased). Auto-mangled deterministically when another live CPO "
                   "of your organisation holds this (country, party); the response says which one you got.")
              .eg("ABC"),
          Field::string("name_prefix")
              .req()
              .len(1, 32)
              .check(identity_rule, "^[A-Za-z0-9._:*-]{1,32}$")
              .doc("Prepended to every charger identity of this CPO (identity rules apply).")
              .eg("alice"),
          Field::one_of("role", {"cpo", "CPO"}).fallback("cpo").doc("Role this CPO takes in OCPI roaming."),
          Field::one_of("ocpi_version", {"2.2.1"}).fallback("2.2.1").doc("OCPI protocol version."),
          token_encoding_field(),
          Field::integer("seed", 0, 9007199254740991)
              .null_ok()
              .doc("Deterministic seed: same seed + same template (+ overrides, country, party, prefix) = "
                   "byte-identical network. Absent or null: a random seed, stored and shown on GET."),
          Field::integer("ttl_seconds", 60, 604800)
              .null_ok()
              .fallback(3600)
              .doc("Auto-destroy after N seconds (60 s .. 7 days). Absent: 3600. Explicit null: never expires."),
          Field::object_of("overrides", overrides_schema()).null_ok(),
      }});
  return schema;
}

Field cpo_id_param() { return Field::string("cpo_id").doc("CPO identifier (a stringified positive integer)."); }

std::optional<std::int64_t> parse_cpo_id(const http::HttpRequest& request) {
  const auto& text = request.path_params.at("cpo_id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// File descriptors this process may still open (soft RLIMIT_NOFILE minus those open, minus a
// margin for the store, listeners and requests); nullopt when it cannot tell.
std::optional<std::int64_t> free_descriptors() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  std::error_code ec;
  std::int64_t open = 0;
  for (std::filesystem::directory_iterator it{"/proc/self/fd", ec}, end; !ec && it != end; it.increment(ec))
    ++open;
  if (ec) return std::nullopt;
  constexpr std::int64_t k_margin = 256;
  return std::max<std::int64_t>(0, static_cast<std::int64_t>(limit.rlim_cur) - open - k_margin);
}

void create(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return responder.send(std::move(*error));
  const auto& body = std::get<json>(parsed);
  auto in = validate_object(*create_schema(), body);
  // Template, country and overrides are checked against the catalogue: each bad one is
  // named in the same 422.
  std::optional<CpoTemplateSummary> tpl;
  if (in.has("template")) {
    tpl = ctx.cpo_planner->find_template(*in.text("template"));
    if (!tpl)
      in.add(json::array({"body", "template"}), "Unknown template; GET /ocpi/cpos/templates lists them", "value_error");
  }
  std::string country = upper(in.text("country_code").value_or(""));
  if (tpl && in.has("country_code") &&
      std::find(tpl->countries.begin(), tpl->countries.end(), country) == tpl->countries.end()) {
    std::string known;
    for (const auto& c : tpl->countries)
      known += (known.empty() ? "" : ", ") + c;
    in.add(json::array({"body", "country_code"}), "Template '" + tpl->slug + "' covers " + known, "value_error");
  }
  json overrides = json::object();
  if (body.is_object() && body.contains("overrides") && body["overrides"].is_object()) {
    for (const auto& [key, value] : body["overrides"].items()) {
      if (key != "locations" && key != "chargers_per_location") {
        in.add(json::array({"body", "overrides", key}),
               "Unsupported override; supported keys: locations, chargers_per_location", "extra_forbidden");
        continue;
      }
      if (!value.is_number_integer() || !tpl) continue; // type errors are already reported
      const auto v = value.get<std::int64_t>();
      const auto cap = key == "locations" ? tpl->max_locations : tpl->max_chargers_per_location;
      if (v < 1 || v > cap)
        in.add(json::array({"body", "overrides", key}),
               "Must be between 1 and " + std::to_string(cap) + " (template '" + tpl->slug + "' caps)", "value_error");
      else
        overrides[key] = v;
    }
  }
  if (!in.ok()) return responder.send(in.error_response());
  // Each charger of a CPO holds two sockets in this process (its own and its backend's end):
  // a CPO that cannot fit under the open-files limit is refused now, not FAILED minutes later.
  const auto chargers = overrides.value("locations", tpl->locations) *
                        overrides.value("chargers_per_location", tpl->chargers_per_location);
  if (const auto room = free_descriptors(); room && 2 * chargers > *room)
    return responder.send(http::error_response(
        409, "A CPO of " + std::to_string(chargers) + " chargers needs about " + std::to_string(2 * chargers) +
                 " file descriptors in this process (each charger and its backend end); " + std::to_string(*room) +
                 " are free under the open-files limit. Lower overrides.locations or "
                 "overrides.chargers_per_location, or raise the limit (ulimit -n) and restart serve."));

  store::CpoRow row;
  row.org_id = who.org_id;
  row.template_slug = tpl->slug;
  row.template_version = tpl->version;
  row.seed = in.integer("seed") ? static_cast<std::uint64_t>(*in.integer("seed")) : catalog::draw_random_seed();
  row.overrides_json = overrides.dump();
  row.country_code = country;
  row.requested_party = upper(*in.text("party_id"));
  row.name_prefix = *in.text("name_prefix");
  row.ocpi_token_encoding = in.text("ocpi_token_encoding").value_or("base64");
  row.workflow_run_id = store::new_id("wfr_");
  const std::string token_a = "a_" + auth::generate_token().substr(4);
  row.token_a_hash = auth::sha256_hex(token_a);
  const auto ttl = in.integer("ttl_seconds");
  respond_from_store(ctx, responder, [&ctx, row = std::move(row), token_a, ttl](store::Database& db) mutable {
    // On the store's clock, which the reaper reads too (tests drive it).
    if (ttl) row.expires_at = core::format_timestamp(db.clock().wall_now() + std::chrono::seconds{*ttl});
    store::Transaction tx{db};
    row.party_id = store::free_party_id(db, row.org_id, row.country_code, row.requested_party);
    const auto stored = store::insert_cpo(db, std::move(row));
    tx.commit();
    ctx.cpos->provision(stored.id);
    return http::json_response(202, cpo_created_json(stored, token_a, ctx.public_url));
  });
}

void list(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  static const std::vector<Field> params = page_query();
  const auto q = validate_query(params, request);
  if (!q.ok()) return responder.send(q.error_response());
  const int page_no = static_cast<int>(*q.integer("page"));
  const int limit = static_cast<int>(*q.integer("limit"));
  respond_from_store(ctx, responder, [&ctx, org = who.org_id, page_no, limit](store::Database& db) {
    const auto page = store::list_cpos(db, org, store::PageRequest{page_no, limit});
    json data = json::array();
    for (const auto& row : page.rows)
      data.push_back(cpo_json(row, ctx.public_url));
    return http::json_response(
        200, json{{"data", std::move(data)}, {"total", page.total}, {"page", page_no}, {"limit", limit}});
  });
}

// Runs `make(db, cpo)` for a live CPO of the caller's org; 404 otherwise (another org's id too).
template <class Make>
void with_cpo(ApiContext& ctx, const auth::Principal& who, const http::HttpRequest& request,
              const http::Responder& responder, Make make) {
  const auto id = parse_cpo_id(request);
  if (!id) return responder.send(http::error_response(404, k_not_found));
  respond_from_store(ctx, responder, [org = who.org_id, id = *id, make = std::move(make)](store::Database& db) {
    const auto cpo = store::get_cpo(db, org, id);
    if (!cpo) return http::error_response(404, k_not_found);
    return make(db, *cpo);
  });
}

void get(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder, [&ctx](store::Database&, const store::CpoRow& cpo) {
    return http::json_response(200, cpo_json(cpo, ctx.public_url));
  });
}

void status(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder,
           [](store::Database&, const store::CpoRow& cpo) { return http::json_response(200, cpo_status_json(cpo)); });
}

void report(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  with_cpo(ctx, who, request, responder, [&ctx](store::Database& db, const store::CpoRow& cpo) {
    return http::json_response(
        200, json{{"cpo_id", std::to_string(cpo.id)}, {"markdown", cpo_report_markdown(db, cpo, ctx.public_url)}});
  });
}

void export_document(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request,
                     http::Responder responder) {
  with_cpo(ctx, who, request, responder, [](store::Database& db, const store::CpoRow& cpo) {
    const auto document = store::cpo_document(db, cpo.id);
    if (!document)
      return http::error_response(409, "The CPO's network is not generated yet (status " + cpo.status +
                                           "); retry once status is PROVISIONING or READY");
    // The document is spliced in as stored: re-serialising could change its canonical bytes.
    http::HttpResponse response = http::json_response(200, json::object());
    response.body = R"({"cpo_id":")" + std::to_string(cpo.id) + R"(","document":)" + *document + R"(,"sha256":")" +
                    cpo.document_sha256.value_or("") + "\"}";
    return response;
  });
}

void remove(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  const auto id = parse_cpo_id(request);
  if (!id) return responder.send(http::error_response(404, k_not_found));
  respond_from_store(ctx, responder, [&ctx, org = who.org_id, id = *id](store::Database& db) {
    if (auto chargers = destroy_cpo_in_store(db, org, id)) {
      ctx.cpos->release(id, *chargers);
      return http::no_content();
    }
    // A second DELETE of our own CPO is a clean no-op; another org's id stays a 404.
    const auto cpo = store::find_cpo(db, id);
    if (cpo && cpo->org_id == org) return http::no_content();
    return http::error_response(404, k_not_found);
  });
}

void templates(ApiContext& ctx, const auth::Principal&, http::HttpRequest&, http::Responder responder) {
  json data = json::array();
  for (const auto& t : ctx.cpo_planner->templates())
    data.push_back(template_json(t));
  const auto total = data.size();
  responder.send(http::json_response(200, json{{"data", std::move(data)}, {"total", total}}));
}

void location_presets(ApiContext& ctx, const auth::Principal&, http::HttpRequest& request, http::Responder responder) {
  static const std::vector<Field> params = {
      Field::one_of("type", {"AC", "DC", "AC-DC"}).doc("Only presets of this power type."),
      Field::one_of("ocpp_version", {"OCPP1.6", "OCPP2.0.1", "1.6", "2.0.1"}).doc("Only presets of this version.")};
  const auto q = validate_query(params, request);
  if (!q.ok()) return responder.send(q.error_response());
  std::string version = q.text("ocpp_version").value_or("");
  if (!version.empty() && version.rfind("OCPP", 0) != 0) version = "OCPP" + version;
  json data = json::array();
  for (const auto& item : ctx.cpo_planner->location_presets_json(q.text("type").value_or(""), version))
    data.push_back(json::parse(item));
  const auto total = data.size();
  responder.send(http::json_response(200, json{{"data", std::move(data)}, {"total", total}}));
}

const std::shared_ptr<const Schema>& patch_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CpoPatchRequest", "What can change on a live CPO.", {token_encoding_field().req()}});
  return schema;
}

void patch(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& request, http::Responder responder) {
  const auto id = parse_cpo_id(request);
  if (!id) return responder.send(http::error_response(404, k_not_found));
  auto parsed = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return responder.send(std::move(*error));
  const auto in = validate_object(*patch_schema(), std::get<json>(parsed));
  if (!in.ok()) return responder.send(in.error_response());
  const auto encoding = *in.text("ocpi_token_encoding");
  respond_from_store(ctx, responder, [id = *id, org = who.org_id, encoding, &ctx](store::Database& db) {
    if (!store::set_cpo_token_encoding(db, org, id, encoding)) return http::error_response(404, k_not_found);
    return http::json_response(200, cpo_json(*store::get_cpo(db, org, id), ctx.public_url));
  });
}

using Action = void (*)(ApiContext&, const auth::Principal&, http::HttpRequest&, http::Responder);

http::Handler with_token(ApiContext& ctx, Action action) {
  return authenticated(ctx, [&ctx, action](const auth::Principal& who, http::HttpRequest& req, http::Responder res) {
    if (!ctx.cpos || !ctx.cpo_planner)
      return res.send(http::error_response(503, "Simulated CPOs are not available on this server"));
    action(ctx, who, req, std::move(res));
  });
}

} // namespace cpo_routes
} // namespace

void add_cpo_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace cpo_routes;
  const auto op = [](const char* method, const char* path, const char* id, const char* summary) {
    Operation o{.method = method, .path = path, .operation_id = id, .summary = summary, .tag = "OCPI CPOs"};
    o.errors = {503};
    return o;
  };
  Operation create_op = op("POST", "/ocpi/cpos", "create-cpo", "Create CPO (durable)");
  create_op.description = "Kick off a simulated CPO: network, locations, chargers and their backend. 202 at once "
                          "with Token A (only here) and a status_url to poll until READY or FAILED.";
  create_op.body = create_schema();
  create_op.errors = {409, 503};
  create_op.responses = {{202, "CPO provisioning accepted; poll status_url for progress", "CpoCreateResponse"}};
  api.add(std::move(create_op), with_token(ctx, create));

  Operation list_op = op("GET", "/ocpi/cpos", "list-cpos", "List CPOs");
  list_op.query = page_query();
  list_op.responses = {{200, "A page of CPOs", "CpoList"}};
  api.add(std::move(list_op), with_token(ctx, list));

  for (const char* path : {"/ocpi/templates/cpos", "/ocpi/cpos/templates"}) {
    Operation t =
        op("GET", path, path[6] == 't' ? "list-cpo-templates" : "list-cpo-templates-alias", "List CPO templates");
    t.responses = {{200, "The template gallery", "CpoTemplateList"}};
    api.add(std::move(t), with_token(ctx, templates));
  }

  Operation presets = op("GET", "/ocpp/templates/locations", "list-location-templates", "List location presets");
  presets.query = {Field::one_of("type", {"AC", "DC", "AC-DC"}),
                   Field::one_of("ocpp_version", {"OCPP1.6", "OCPP2.0.1", "1.6", "2.0.1"})};
  presets.responses = {{200, "Single-location presets", "LocationPresetList"}};
  api.add(std::move(presets), with_token(ctx, location_presets));

  const auto with_id = [&](const char* method, const char* path, const char* id, const char* summary) {
    Operation o = op(method, path, id, summary);
    o.path_params = {cpo_id_param()};
    o.errors = {404, 503};
    return o;
  };
  Operation get_op = with_id("GET", "/ocpi/cpos/{cpo_id}", "get-cpo", "Get CPO");
  get_op.responses = {{200, "The CPO (never its Token A)", "Cpo"}};
  api.add(std::move(get_op), with_token(ctx, get));

  Operation patch_op = with_id("PATCH", "/ocpi/cpos/{cpo_id}", "patch-cpo", "Change a CPO's OCPI settings");
  patch_op.description = "Today one setting: ocpi_token_encoding, how the CPO presents Token B to its eMSP.";
  patch_op.body = patch_schema();
  patch_op.errors = {404, 422, 503};
  patch_op.responses = {{200, "The CPO as changed", "Cpo"}};
  api.add(std::move(patch_op), with_token(ctx, patch));

  Operation status_op = with_id("GET", "/ocpi/cpos/{cpo_id}/status", "get-status", "Get CPO provisioning status");
  status_op.responses = {{200, "Status retrieved", "CpoStatusResponse"}};
  api.add(std::move(status_op), with_token(ctx, status));

  Operation report_op = with_id("GET", "/ocpi/cpos/{cpo_id}/report", "get-cpo-report", "Get CPO report");
  report_op.responses = {{200, "The CPO as Markdown", "CpoReport"}};
  api.add(std::move(report_op), with_token(ctx, report));

  Operation export_op = with_id("GET", "/ocpi/cpos/{cpo_id}/export", "export-cpo", "Export the CPO's network");
  export_op.description = "The generated network as a canonical document (sorted keys, fixed number formats) and "
                          "its sha256: the same request gives the same bytes on any server and organisation.";
  export_op.responses = {{200, "The canonical network document", "CpoExport"}};
  export_op.errors = {404, 409, 503};
  api.add(std::move(export_op), with_token(ctx, export_document));

  Operation delete_op = with_id("DELETE", "/ocpi/cpos/{cpo_id}", "delete-cpo", "Delete CPO");
  delete_op.description = "Stops and removes the CPO's chargers, locations and credentials. Idempotent: a second "
                          "DELETE is a 204 too.";
  delete_op.responses = {{204, "Deleted", ""}};
  api.add(std::move(delete_op), with_token(ctx, remove));

  add_cpo_location_routes(api, ctx);
}

} // namespace ocppfleet::api
