#include "control-api/routes/command_routes.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "control-api/routes/field_spec.hpp"
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"

namespace ocppfleet::api {
namespace {
namespace command_routes {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
using Action = std::function<void(ocpp::ChargePointBase&)>;

constexpr int kMaxConnector = 64;
constexpr const char* kDefaultTag = "SIM-TAG";
constexpr const char* kNotRunning = "charger is not running";

// In charger::StopReason order.
const std::vector<std::string> kStopReasons{"Local",        "Remote",        "EVDisconnected", "HardReset",
                                            "SoftReset",    "PowerLoss",     "Reboot",         "UnlockCommand",
                                            "DeAuthorized", "EmergencyStop", "Other"};

const std::shared_ptr<const Schema>& target_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CommandTarget",
             "Exactly one of charger_id or location_id; charger_ids picks chargers of the location.",
             {Field::string("charger_id").len(1, 64), Field::string("location_id").len(1, 64),
              Field::array_of("charger_ids", Field::string("charger_id").len(1, 64), 1, 10'000)}});
  return schema;
}

// Every command's arguments in one object; each command reads the ones it uses (see the
// operation's description) and says which it requires.
const std::shared_ptr<const Schema>& event_schema() {
  static const auto schema = std::make_shared<const Schema>(Schema{
      "CommandEvent",
      "The command's arguments.",
      {
          Field::integer("connector_id", 1, kMaxConnector).fallback(1),
          Field::string("id_tag").len(1, 20).fallback(kDefaultTag),
          Field::one_of("reason", kStopReasons).fallback("Local").doc("stop-transaction"),
          Field::one_of("type", {"soft", "hard", "Soft", "Hard"}).fallback("soft").doc("reset"),
          Field::string("key").len(1, 128).doc("set-configuration (required there)"),
          Field::scalar("value").doc("set-configuration (required there); numbers and booleans are sent as text"),
          Field::string("error_code").len(1, 50).fallback("OtherError").doc("inject-fault"),
          Field::string("action").len(1, 64).doc("proxy-message (required there): the OCPP action"),
          Field::any_object("payload").doc("proxy-message: the CALL payload"),
      }});
  return schema;
}

const std::shared_ptr<const Schema>& request_schema() {
  static const auto schema = std::make_shared<const Schema>(
      Schema{"CommandRequest",
             "",
             {Field::object_of("target", target_schema()).req(), Field::object_of("event", event_schema())}});
  return schema;
}

// Builds the command's action from its validated arguments; a missing required one is
// added to `ev` (loc ["body","event",name]).
using Parser = Action (*)(Validated& ev);

int connector(const Validated& ev) { return static_cast<int>(ev.integer("connector_id").value_or(1)); }
std::string id_tag(const Validated& ev) { return ev.text("id_tag").value_or(kDefaultTag); }
void require(Validated& ev, const char* field) {
  if (!ev.has(field)) ev.add(Json::array({"body", "event", field}), "Field required", "missing");
}

// The adapters answer false when a command does not apply (no such connector, nothing to
// stop, ...): logged, the command was still delivered.
void note(bool applied, const ocpp::ChargePointBase& cp, std::string_view what) {
  if (!applied) core::logger()->info("charger {}: command {} did not apply", cp.identity(), what);
}

struct Command {
  std::string_view name;
  Parser parse;
};

const std::array<Command, 13> kCommands{{
    {"plug-connector",
     [](Validated& ev) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.plug(id), cp, "plug-connector"); };
     }},
    {"unplug-connector",
     [](Validated& ev) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.unplug(id), cp, "unplug-connector"); };
     }},
    {"authorize",
     [](Validated& ev) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.authorize(id, tag), cp, "authorize");
       };
     }},
    {"start-session",
     [](Validated& ev) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.start_session(id, tag), cp, "start-session");
       };
     }},
    {"stop-session",
     [](Validated& ev) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.stop_session(id), cp, "stop-session"); };
     }},
    {"start-transaction",
     [](Validated& ev) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.start_transaction(id, tag), cp, "start-transaction");
       };
     }},
    {"stop-transaction",
     [](Validated& ev) -> Action {
       const auto reason = ev.text("reason").value_or("Local");
       const auto index = std::find(kStopReasons.begin(), kStopReasons.end(), reason) - kStopReasons.begin();
       return [id = connector(ev), why = static_cast<charger::StopReason>(index)](ocpp::ChargePointBase& cp) {
         note(cp.stop_transaction(id, why), cp, "stop-transaction");
       };
     }},
    {"reset",
     [](Validated& ev) -> Action {
       const auto type = ev.text("type").value_or("soft");
       return [hard = type == "hard" || type == "Hard"](ocpp::ChargePointBase& cp) { cp.reset(hard); };
     }},
    {"unlock-connector",
     [](Validated& ev) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.unlock(id), cp, "unlock-connector"); };
     }},
    {"set-configuration",
     [](Validated& ev) -> Action {
       require(ev, "key");
       require(ev, "value");
       auto key = ev.text("key").value_or("");
       // A scalar `value` as text (numbers and booleans too: "MeterValueSampleInterval": 1).
       std::string value;
       if (ev.has("value"))
         value = ev.values["value"].is_string() ? ev.values["value"].get<std::string>() : ev.values["value"].dump();
       return [key = std::move(key), value = std::move(value)](ocpp::ChargePointBase& cp) {
         note(cp.set_configuration(key, value), cp, "set-configuration " + key);
       };
     }},
    {"inject-fault",
     [](Validated& ev) -> Action {
       return [id = connector(ev), code = ev.text("error_code").value_or("OtherError")](ocpp::ChargePointBase& cp) {
         cp.inject_fault(id, code);
       };
     }},
    {"clear-fault",
     [](Validated& ev) -> Action { return [id = connector(ev)](ocpp::ChargePointBase& cp) { cp.clear_fault(id); }; }},
    {"proxy-message",
     [](Validated& ev) -> Action {
       require(ev, "action");
       auto action = ev.text("action").value_or("");
       Json payload = ev.has("payload") ? ev.values["payload"] : Json::object();
       return [action = std::move(action), payload = std::move(payload)](ocpp::ChargePointBase& cp) {
         note(cp.send_call(action, payload), cp, "proxy-message " + action);
       };
     }},
}};

const Command* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> out;
  for (const auto& c : kCommands)
    out.emplace_back(c.name);
  return out;
}

struct Target {
  std::optional<std::string> charger_id;
  std::optional<std::string> location_id;
  std::optional<std::vector<std::string>> charger_ids; // a subset of the location's chargers
};

struct Request {
  Target target;
  Action action;
};

std::variant<Request, http::HttpResponse> read_request(const http::HttpRequest& request, const Command& command) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  auto in = validate_object(*request_schema(), std::get<Json>(body));
  if (!in.ok()) return in.error_response();
  Request out;
  Validated target;
  target.values = in.values["target"];
  out.target.charger_id = target.text("charger_id");
  out.target.location_id = target.text("location_id");
  if (target.has("charger_ids")) out.target.charger_ids = target.values["charger_ids"].get<std::vector<std::string>>();
  if (out.target.charger_id.has_value() == out.target.location_id.has_value())
    in.add(Json::array({"body", "target", "charger_id"}), "Give exactly one of charger_id or location_id",
           "value_error");
  else if (out.target.charger_id && out.target.charger_ids)
    in.add(Json::array({"body", "target", "charger_ids"}), "charger_ids selects chargers of a location_id",
           "value_error");
  Validated ev;
  ev.values = in.has("event") ? in.values["event"] : validate_object(*event_schema(), Json::object()).values;
  out.action = command.parse(ev);
  in.errors.insert(in.errors.end(), ev.errors.begin(), ev.errors.end());
  if (!in.ok()) return in.error_response();
  return out;
}

// Queues the action on each charger; the answer lists what was queued and what failed.
http::HttpResponse queue_on(ApiContext& ctx, const std::vector<store::ChargerRow>& rows,
                            std::vector<std::pair<std::string, std::string>> failed, const Action& action) {
  Json results = Json::array();
  for (const auto& row : rows) {
    const bool running = row.status == store::charger_status::ready &&
                         row.runtime_state == store::runtime_state::running && ctx.runtime != nullptr;
    if (running && ctx.runtime->post(row.id, action)) {
      results.push_back(Json{{"charger_id", row.id}, {"status", "queued"}});
    } else {
      failed.emplace_back(row.id, kNotRunning);
    }
  }
  Json failures = Json::array();
  for (auto& [id, error] : failed)
    failures.push_back(Json{{"charger_id", id}, {"error", error}});
  return json_response(200, Json{{"targeted_count", results.size() + failures.size()},
                                 {"queued_count", results.size()},
                                 {"failed_count", failures.size()},
                                 {"results", std::move(results)},
                                 {"failed", std::move(failures)}});
}

http::HttpResponse run(ApiContext& ctx, store::Database& db, const std::string& org, const Request& req) {
  const auto& target = req.target;
  if (target.charger_id) {
    const auto row = store::get_charger(db, org, *target.charger_id);
    if (!row) return error_response(404, "Charger not found");
    return queue_on(ctx, {*row}, {}, req.action);
  }
  if (!store::get_location(db, org, *target.location_id)) return error_response(404, "Location not found");
  std::vector<store::ChargerRow> at_location;
  for (int page = 1;; ++page) {
    auto chunk = store::list_chargers(db, org, store::PageRequest{page, 100}, target.location_id);
    const bool last = chunk.rows.size() < 100;
    for (auto& row : chunk.rows)
      at_location.push_back(std::move(row));
    if (last || chunk.rows.empty()) break;
  }
  if (!target.charger_ids) return queue_on(ctx, at_location, {}, req.action);
  std::vector<store::ChargerRow> chosen;
  std::vector<std::pair<std::string, std::string>> failed;
  std::set<std::string> seen;
  for (const auto& id : *target.charger_ids) {
    if (!seen.insert(id).second) continue;
    const auto it =
        std::find_if(at_location.begin(), at_location.end(), [&](const store::ChargerRow& r) { return r.id == id; });
    if (it == at_location.end()) {
      failed.emplace_back(id, "charger not found at this location");
    } else {
      chosen.push_back(*it);
    }
  }
  return queue_on(ctx, chosen, std::move(failed), req.action);
}

} // namespace command_routes
} // namespace

void add_command_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace command_routes;
  api.add(Operation{.method = "POST",
                    .path = "/ocpp/commands/{name}",
                    .operation_id = "send-command",
                    .summary = "Send a command to chargers",
                    .tag = "Commands",
                    .description =
                        "Queues a local action on one charger or on chargers of a location. Arguments per "
                        "command: connector_id (plug-/unplug-connector, authorize, start-/stop-session, "
                        "start-/stop-transaction, unlock-connector, inject-/clear-fault), id_tag (authorize, "
                        "start-session, start-transaction), reason (stop-transaction), type (reset), key + "
                        "value (set-configuration), error_code (inject-fault), action + payload "
                        "(proxy-message). Unknown names are a 404.",
                    .body = request_schema(),
                    .path_params = {Field::one_of("name", command_names()).doc("The command.")},
                    .responses = {{200, "What was queued, and on which chargers it could not be", "CommandResponse"}},
                    .errors = {404, 503}},
          authenticated(ctx, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
            const std::string name = r.path_params["name"];
            const Command* command = find_command(name);
            if (command == nullptr) return out.send(error_response(404, "Unknown command '" + name + "'"));
            auto parsed = read_request(r, *command);
            if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return out.send(std::move(*error));
            respond_from_store(ctx, out,
                               [&ctx, org = who.org_id, request = std::move(std::get<Request>(parsed))](
                                   store::Database& db) { return run(ctx, db, org, request); });
          }));
}

} // namespace ocppfleet::api
