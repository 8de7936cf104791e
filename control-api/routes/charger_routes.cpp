#include "control-api/routes/charger_routes.hpp"
#include "control-api/routes/input_rules.hpp"

#include "control-api/routes/charger_dto.hpp"
#include "control-api/routes/charger_fields.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"

namespace ocppfleet::api {
namespace {
namespace charger_routes {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
constexpr const char* kNotFound = "Charger not found";

// The create body, read through charger_create_schema() (charger_fields.cpp).
std::variant<store::ChargerRow, http::HttpResponse> read_create(const http::HttpRequest& request) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  const auto in = validate_object(*charger_create_schema(), std::get<Json>(body));
  if (!in.ok()) return in.error_response();
  store::ChargerRow row;
  row.identity = *in.text("identity");
  row.brand_slug = in.text("brand_slug");
  row.model_slug = in.text("model_slug");
  row.connector_type = in.text("connector_type");
  row.ws_url = *in.text("ws_url");
  row.ocpp_version = *in.text("ocpp_version");
  row.charge_point_name = in.text("charge_point_name");
  row.location_id = in.text("location_id");
  row.location_name = in.text("location_name");
  row.basic_auth_password = in.text("password");
  return row;
}

// start/stop/restart: the row (with password, for the runtime) or a 404 / 409.
using RuntimeAction = http::HttpResponse (*)(ApiContext&, store::Database&, const store::ChargerRow&);

void add_runtime_route(ApiRegistry& api, ApiContext& ctx, const std::string& name, RuntimeAction action,
                       const std::string& summary) {
  api.add(Operation{.method = "POST",
                    .path = "/ocpp/chargers/{charger_id}/" + name,
                    .operation_id = name,
                    .summary = summary,
                    .tag = "Chargers",
                    .description = "Runtime control of a READY charger (409 otherwise).",
                    .path_params = {charger_id_param()},
                    .responses = {{200, "The runtime state after the action", "ChargerRuntimeResponse"}},
                    .errors = {404, 409, 503}},
          authenticated(ctx, [&ctx, action](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            respond_from_store(
                ctx, out, [&ctx, action, org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
                  const auto row = store::get_charger(db, org, id, store::Secrets::include);
                  if (!row) return error_response(404, kNotFound);
                  if (row->status != store::charger_status::ready)
                    return error_response(409, "Charger is not provisioned (status " + row->status + ")");
                  return action(ctx, db, *row);
                });
          }));
}

Json runtime_answer(const store::ChargerRow& row, std::string_view state, std::string message) {
  return {
      {"charger_id", row.id}, {"identity", row.identity}, {"runtime_state", state}, {"message", std::move(message)}};
}

http::HttpResponse start_action(ApiContext& ctx, store::Database& db, const store::ChargerRow& row) {
  std::string error;
  if (!ctx.runtime->start(row, &error)) return error_response(409, "Cannot start charger: " + error);
  store::set_runtime_state(db, row.id, store::runtime_state::running);
  return json_response(200, runtime_answer(row, store::runtime_state::running, "Charger started"));
}

http::HttpResponse stop_action(ApiContext& ctx, store::Database& db, const store::ChargerRow& row) {
  ctx.runtime->stop(row.id);
  store::set_runtime_state(db, row.id, store::runtime_state::stopped);
  return json_response(200, runtime_answer(row, store::runtime_state::stopped, "Charger stopped"));
}

http::HttpResponse restart_action(ApiContext& ctx, store::Database& db, const store::ChargerRow& row) {
  std::string error;
  if (!ctx.runtime->restart(row, &error)) return error_response(409, "Cannot restart charger: " + error);
  store::set_runtime_state(db, row.id, store::runtime_state::running);
  return json_response(200, runtime_answer(row, store::runtime_state::running, "Charger restarted"));
}

void create(ApiContext& ctx, const auth::Principal& who, http::HttpRequest& req, http::Responder res) {
  auto input = read_create(req);
  if (auto* error = std::get_if<http::HttpResponse>(&input)) return res.send(std::move(*error));
  auto row = std::move(std::get<store::ChargerRow>(input));
  row.org_id = who.org_id;
  respond_from_store(ctx, res, [&ctx, row = std::move(row)](store::Database& db) mutable {
    // A charger may only point at a location of its own organisation. The reference's create
    // example names a location_id with its location_name on a fresh account: an id no
    // organisation uses, sent with a name, creates that location (in the transaction below);
    // an unknown id without a name, or another organisation's id, is a 404.
    bool create_location = false;
    if (row.location_id) {
      const auto location = store::get_location(db, row.org_id, *row.location_id);
      if (location) {
        if (!row.location_name) row.location_name = location->name;
      } else if (row.location_name && !row.location_name->empty() && !location_id_problem(*row.location_id) &&
                 !store::location_id_taken(db, *row.location_id)) {
        create_location = true;
      } else {
        return error_response(404, "Location not found");
      }
    }
    store::ChargerRow stored;
    store::WorkflowRunRow run;
    const std::string identity = row.identity;
    try {
      store::Transaction tx{db};
      if (create_location) {
        store::LocationRow location;
        location.id = *row.location_id;
        location.org_id = row.org_id;
        location.name = *row.location_name;
        store::insert_location(db, std::move(location));
      }
      stored = store::insert_charger(db, std::move(row));
      run.org_id = stored.org_id;
      run.kind = std::string{store::workflow_kind::charger_create};
      run.subject_id = stored.id;
      run = store::create_run(db, run, {"validate", "start_runtime", "await_boot"});
      store::set_charger_workflow_run(db, stored.id, run.id);
      tx.commit();
    } catch (const store::DuplicateIdentity&) {
      return error_response(409, "A charger with identity '" + identity + "' already exists in this organisation");
    }
    // The row is durable: answer now; the run proceeds on the provisioning worker.
    ctx.runtime->provision(stored.id, run.id);
    return json_response(202, Json{{"charger_id", stored.id},
                                   {"identity", stored.identity},
                                   {"status", stored.status},
                                   {"status_url", "/ocpp/chargers/" + stored.id + "/status"},
                                   {"workflow_run_id", run.id}});
  });
}

} // namespace charger_routes
} // namespace

void add_charger_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace charger_routes;
  api.add(Operation{.method = "POST",
                    .path = "/ocpp/chargers",
                    .operation_id = "create-charger",
                    .summary = "Create charger (durable)",
                    .tag = "Chargers",
                    .description = "Writes the charger row and answers 202 at once; provisioning runs as persisted "
                                   "workflow steps. Poll GET {status_url} every 1-2 s until status is READY or FAILED.",
                    .body = charger_create_schema(),
                    .responses = {{202, "Charger provisioning accepted; poll status_url", "ChargerCreateAccepted"}},
                    .errors = {404, 409, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            create(ctx, who, r, out);
          }));

  api.add(
      Operation{.method = "GET",
                .path = "/ocpp/chargers",
                .operation_id = "list-chargers",
                .summary = "List chargers",
                .tag = "Chargers",
                .query = charger_list_query(),
                .responses = {{200, "A page of chargers", "ChargerList"}},
                .errors = {503}},
      authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
        const auto q = validate_query(charger_list_query(), r);
        if (!q.ok()) return out.send(q.error_response());
        respond_from_store(
            ctx, out,
            [org = who.org_id, page = *q.integer("page"), limit = *q.integer("limit"),
             location = q.text("location_id")](store::Database& db) {
              const auto rows = store::list_chargers(
                  db, org, store::PageRequest{static_cast<int>(page), static_cast<int>(limit)}, location);
              Json data = Json::array();
              for (const auto& row : rows.rows)
                data.push_back(charger_json(row));
              return json_response(200, Json{{"data", data}, {"total", rows.total}, {"page", page}, {"limit", limit}});
            });
      }));

  api.add(Operation{.method = "GET",
                    .path = "/ocpp/chargers/{charger_id}",
                    .operation_id = "get-charger",
                    .summary = "Get charger",
                    .tag = "Chargers",
                    .path_params = {charger_id_param()},
                    .responses = {{200, "The charger (never its password)", "Charger"}},
                    .errors = {404, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            respond_from_store(ctx, out, [org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
              const auto row = store::get_charger(db, org, id);
              return row ? json_response(200, charger_json(*row)) : error_response(404, kNotFound);
            });
          }));

  api.add(
      Operation{.method = "GET",
                .path = "/ocpp/chargers/{charger_id}/status",
                .operation_id = "get-charger-status",
                .summary = "Get charger provisioning status",
                .tag = "Chargers",
                .path_params = {charger_id_param()},
                .responses = {{200, "Provisioning status", "ChargerStatusResponse"}},
                .errors = {404, 503}},
      authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
        respond_from_store(ctx, out, [&ctx, org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
          const auto row = store::get_charger(db, org, id);
          if (!row) return error_response(404, kNotFound);
          Json body{{"charger_id", row->id},
                    {"status", row->status},
                    {"workflow_run_id", row->workflow_run_id ? Json(*row->workflow_run_id) : Json()},
                    {"error", error_json(row->error_json)},
                    {"provisioned_at", row->provisioned_at ? Json(*row->provisioned_at) : Json()}};
          if (row->status == store::charger_status::provisioning || row->status == store::charger_status::pending)
            body["progress"] = Json{{"current_step", ctx.runtime->current_step(row->id)}};
          return json_response(200, body);
        });
      }));

  api.add(Operation{.method = "DELETE",
                    .path = "/ocpp/chargers/{charger_id}",
                    .operation_id = "delete-charger",
                    .summary = "Delete charger",
                    .tag = "Chargers",
                    .description = "Stops and removes the charger; a second DELETE is a 204 too.",
                    .path_params = {charger_id_param()},
                    .responses = {{204, "Deleted", ""}},
                    .errors = {404, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            respond_from_store(ctx, out,
                               [&ctx, org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
                                 const auto row = store::find_charger(db, id);
                                 if (!row || row->org_id != org) return error_response(404, kNotFound);
                                 if (!row->deleted_at) store::soft_delete_charger(db, org, id);
                                 ctx.runtime->remove(id); // idempotent: a second DELETE is a 204 too
                                 http::HttpResponse done;
                                 done.status = 204;
                                 return done;
                               });
          }));

  add_runtime_route(api, ctx, "start-charger", start_action, "Start charger runtime");
  add_runtime_route(api, ctx, "stop-charger", stop_action, "Stop charger runtime");
  add_runtime_route(api, ctx, "restart-charger", restart_action, "Restart charger runtime");
}

} // namespace ocppfleet::api
