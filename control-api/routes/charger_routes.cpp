#include "control-api/routes/charger_routes.hpp"

#include "control-api/routes/body_reader.hpp"
#include "control-api/routes/charger_dto.hpp"
#include "control-api/store/workflow_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
constexpr const char* kNotFound = "Charger not found";

struct ChargerInput {
  store::ChargerRow row;
  bool has_password = false;
};

// The create body (reference: identity, brand_slug, model_slug, connector_type, ws_url,
// ocpp_version, charge_point_name, location_id, location_name) plus `password` (SP1).
std::variant<ChargerInput, http::HttpResponse> read_create(const http::HttpRequest& request) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  BodyReader in{std::get<Json>(body)};
  ChargerInput input;
  auto& row = input.row;
  row.identity = in.required_string("identity", 1, 48).value_or("");
  row.brand_slug = in.required_string("brand_slug", 1, 64);
  row.model_slug = in.required_string("model_slug", 1, 64);
  row.connector_type = in.required_string("connector_type", 1, 32);
  row.ws_url = in.required_string("ws_url", 1, 512).value_or("");
  row.ocpp_version = in.optional_enum("ocpp_version", {"OCPP1.6", "OCPP2.0.1"}).value_or("OCPP1.6");
  row.charge_point_name = in.optional_string("charge_point_name", 0, 255);
  row.location_id = in.optional_string("location_id", 1, 64);
  row.location_name = in.optional_string("location_name", 0, 255);
  row.basic_auth_password = in.optional_string("password", 1, 64);
  input.has_password = row.basic_auth_password.has_value();
  if (!row.ws_url.empty() && row.ws_url.rfind("ws://", 0) != 0 && row.ws_url.rfind("wss://", 0) != 0)
    in.add_error("ws_url", "URL scheme should be 'ws' or 'wss'", "url_scheme");
  for (const char c : row.identity)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      in.add_error("identity", "Identity must be printable, without spaces", "value_error");
  if (!in.ok()) return in.error_response();
  return input;
}

// start/stop/restart: the row (with password, for the runtime) or a 404 / 409.
using RuntimeAction = http::HttpResponse (*)(ApiContext&, store::Database&, const store::ChargerRow&);

void add_runtime_route(http::Router& router, ApiContext& ctx, const std::string& name, RuntimeAction action,
                       const std::string& summary) {
  router.add(
      "POST", "/ocpp/chargers/{charger_id}/" + name,
      [&ctx, action](http::HttpRequest& req, http::Responder res) {
        with_principal(
            ctx, req, res, [&ctx, action](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
              respond_from_store(
                  ctx, out, [&ctx, action, org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
                    const auto row = store::get_charger(db, org, id, store::Secrets::include);
                    if (!row) return error_response(404, kNotFound);
                    if (row->status != store::charger_status::ready)
                      return error_response(409, "Charger is not provisioned (status " + row->status + ")");
                    return action(ctx, db, *row);
                  });
            });
      },
      summary);
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
  auto row = std::move(std::get<ChargerInput>(input).row);
  row.org_id = who.org_id;
  respond_from_store(ctx, res, [&ctx, row = std::move(row)](store::Database& db) mutable {
    store::ChargerRow stored;
    store::WorkflowRunRow run;
    const std::string identity = row.identity;
    try {
      store::Transaction tx{db};
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

} // namespace

void add_charger_routes(http::Router& router, ApiContext& ctx) {
  router.add(
      "POST", "/ocpp/chargers",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          create(ctx, who, r, out);
        });
      },
      "Create charger (durable)");

  router.add(
      "GET", "/ocpp/chargers",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          std::vector<http::FieldError> errors;
          const auto page = read_page_query(r, errors);
          if (!errors.empty()) return out.send(http::validation_error(errors));
          respond_from_store(
              ctx, out, [org = who.org_id, page, location = r.query_param("location_id")](store::Database& db) {
                const auto rows = store::list_chargers(db, org, store::PageRequest{page.page, page.limit}, location);
                Json data = Json::array();
                for (const auto& row : rows.rows)
                  data.push_back(charger_json(row));
                return json_response(
                    200, Json{{"data", data}, {"total", rows.total}, {"page", page.page}, {"limit", page.limit}});
              });
        });
      },
      "List chargers");

  router.add(
      "GET", "/ocpp/chargers/{charger_id}",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          respond_from_store(ctx, out, [org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
            const auto row = store::get_charger(db, org, id);
            return row ? json_response(200, charger_json(*row)) : error_response(404, kNotFound);
          });
        });
      },
      "Get charger");

  router.add(
      "GET", "/ocpp/chargers/{charger_id}/status",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
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
        });
      },
      "Get charger provisioning status");

  router.add(
      "DELETE", "/ocpp/chargers/{charger_id}",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          respond_from_store(ctx, out, [&ctx, org = who.org_id, id = r.path_params["charger_id"]](store::Database& db) {
            const auto row = store::find_charger(db, id);
            if (!row || row->org_id != org) return error_response(404, kNotFound);
            if (!row->deleted_at) store::soft_delete_charger(db, org, id);
            ctx.runtime->remove(id); // idempotent: a second DELETE is a 204 too
            http::HttpResponse done;
            done.status = 204;
            return done;
          });
        });
      },
      "Delete charger");

  add_runtime_route(router, ctx, "start-charger", start_action, "Start charger runtime");
  add_runtime_route(router, ctx, "stop-charger", stop_action, "Stop charger runtime");
  add_runtime_route(router, ctx, "restart-charger", restart_action, "Restart charger runtime");
}

} // namespace ocppfleet::api
