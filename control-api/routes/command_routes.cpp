#include "control-api/routes/command_routes.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

#include "control-api/routes/body_reader.hpp"
#include "control-api/store/charger_repo.hpp"
#include "control-api/store/location_repo.hpp"
#include "control-api/workflows/charger_runtime.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;
using http::error_response;
using http::json_response;
using Action = std::function<void(ocpp::ChargePointBase&)>;

constexpr int kMaxConnector = 64;
constexpr const char* kDefaultTag = "SIM-TAG";
constexpr const char* kNotRunning = "charger is not running";

// Reads the command's own arguments (the body's "event"); errors land in the reader.
using Parser = Action (*)(BodyReader& ev, const Json& event);

int connector(BodyReader& ev) {
  return static_cast<int>(ev.optional_int("connector_id", 1, kMaxConnector).value_or(1));
}
std::string id_tag(BodyReader& ev) { return ev.optional_string("id_tag", 1, 20).value_or(kDefaultTag); }

// The adapters answer false when a command does not apply (no such connector, nothing to
// stop, ...): logged, the command was still delivered.
void note(bool applied, const ocpp::ChargePointBase& cp, std::string_view what) {
  if (!applied) core::logger()->info("charger {}: command {} did not apply", cp.identity(), what);
}

// In charger::StopReason order.
constexpr std::array<std::string_view, 11> kStopReasons{
    "Local",  "Remote",        "EVDisconnected", "HardReset",     "SoftReset", "PowerLoss",
    "Reboot", "UnlockCommand", "DeAuthorized",   "EmergencyStop", "Other"};

// A scalar `value` as text (numbers and booleans too: "MeterValueSampleInterval": 1).
std::optional<std::string> scalar_text(BodyReader& ev, const Json& event, const std::string& field) {
  if (event.is_object() && event.contains(field) && (event[field].is_number() || event[field].is_boolean()))
    return event[field].dump();
  return ev.required_string(field, 0, 1000);
}

struct Command {
  std::string_view name;
  Parser parse;
};

const std::array<Command, 13> kCommands{{
    {"plug-connector",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.plug(id), cp, "plug-connector"); };
     }},
    {"unplug-connector",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.unplug(id), cp, "unplug-connector"); };
     }},
    {"authorize",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.authorize(id, tag), cp, "authorize");
       };
     }},
    {"start-session",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.start_session(id, tag), cp, "start-session");
       };
     }},
    {"stop-session",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.stop_session(id), cp, "stop-session"); };
     }},
    {"start-transaction",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev), tag = id_tag(ev)](ocpp::ChargePointBase& cp) {
         note(cp.start_transaction(id, tag), cp, "start-transaction");
       };
     }},
    {"stop-transaction",
     [](BodyReader& ev, const Json&) -> Action {
       const int id = connector(ev);
       const auto reason =
           ev.optional_enum("reason", {"Local", "Remote", "EVDisconnected", "HardReset", "SoftReset", "PowerLoss",
                                       "Reboot", "UnlockCommand", "DeAuthorized", "EmergencyStop", "Other"})
               .value_or("Local");
       const auto index = std::find(kStopReasons.begin(), kStopReasons.end(), reason) - kStopReasons.begin();
       return [id, why = static_cast<charger::StopReason>(index)](ocpp::ChargePointBase& cp) {
         note(cp.stop_transaction(id, why), cp, "stop-transaction");
       };
     }},
    {"reset",
     [](BodyReader& ev, const Json&) -> Action {
       const auto type = ev.optional_enum("type", {"soft", "hard", "Soft", "Hard"}).value_or("soft");
       return [hard = type == "hard" || type == "Hard"](ocpp::ChargePointBase& cp) { cp.reset(hard); };
     }},
    {"unlock-connector",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { note(cp.unlock(id), cp, "unlock-connector"); };
     }},
    {"set-configuration",
     [](BodyReader& ev, const Json& event) -> Action {
       auto key = ev.required_string("key", 1, 128).value_or("");
       auto value = scalar_text(ev, event, "value").value_or("");
       return [key = std::move(key), value = std::move(value)](ocpp::ChargePointBase& cp) {
         note(cp.set_configuration(key, value), cp, "set-configuration " + key);
       };
     }},
    {"inject-fault",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev), code = ev.optional_string("error_code", 1, 50).value_or("OtherError")](
                  ocpp::ChargePointBase& cp) { cp.inject_fault(id, code); };
     }},
    {"clear-fault",
     [](BodyReader& ev, const Json&) -> Action {
       return [id = connector(ev)](ocpp::ChargePointBase& cp) { cp.clear_fault(id); };
     }},
    {"proxy-message",
     [](BodyReader& ev, const Json& event) -> Action {
       auto action = ev.required_string("action", 1, 64).value_or("");
       Json payload = Json::object();
       if (ev.has("payload")) {
         if (event["payload"].is_object()) {
           payload = event["payload"];
         } else {
           ev.add_error("payload", "Input should be a valid dictionary", "dict_type");
         }
       }
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

struct Target {
  std::optional<std::string> charger_id;
  std::optional<std::string> location_id;
  std::optional<std::vector<std::string>> charger_ids; // a subset of the location's chargers
};

struct Request {
  Target target;
  Action action;
};

// Errors of a nested object's reader, re-rooted under body.<name>.
void nest(std::vector<http::FieldError>& out, const BodyReader& reader, const char* name) {
  for (auto error : reader.errors()) {
    Json loc = Json::array({"body", name});
    for (std::size_t i = 1; i < error.loc.size(); ++i)
      loc.push_back(error.loc[i]);
    error.loc = std::move(loc);
    out.push_back(std::move(error));
  }
}

std::variant<Request, http::HttpResponse> read_request(const http::HttpRequest& request, const Command& command) {
  auto body = http::parse_json_body(request);
  if (auto* error = std::get_if<http::HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  BodyReader in{json};
  std::vector<http::FieldError> errors = in.errors();
  Request out;
  if (json.is_object()) {
    if (!in.has("target")) {
      in.add_error("target", "Field required", "missing");
      errors = in.errors();
    } else {
      const Json& target = json["target"];
      BodyReader t{target};
      out.target.charger_id = t.optional_string("charger_id", 1, 64);
      out.target.location_id = t.optional_string("location_id", 1, 64);
      if (t.has("charger_ids")) {
        const Json& ids = target["charger_ids"];
        std::vector<std::string> list;
        if (ids.is_array() && std::all_of(ids.begin(), ids.end(), [](const Json& v) { return v.is_string(); })) {
          for (const auto& v : ids)
            list.push_back(v.get<std::string>());
          out.target.charger_ids = std::move(list);
        } else {
          t.add_error("charger_ids", "Input should be a valid list of strings", "list_type");
        }
      }
      if (t.ok() && out.target.charger_id.has_value() == out.target.location_id.has_value())
        t.add_error("charger_id", "Give exactly one of charger_id or location_id", "value_error");
      if (t.ok() && out.target.charger_id && out.target.charger_ids)
        t.add_error("charger_ids", "charger_ids selects chargers of a location_id", "value_error");
      nest(errors, t, "target");
    }
    static const Json empty = Json::object();
    const Json& event = in.has("event") ? json["event"] : empty;
    BodyReader ev{event};
    out.action = command.parse(ev, event);
    nest(errors, ev, "event");
  }
  if (!errors.empty()) return http::validation_error(errors);
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

} // namespace

void add_command_routes(http::Router& router, ApiContext& ctx) {
  router.add(
      "POST", "/ocpp/commands/{name}",
      [&ctx](http::HttpRequest& req, http::Responder res) {
        with_principal(ctx, req, res, [&ctx](const auth::Principal& who, http::HttpRequest& r, http::Responder out) {
          const std::string name = r.path_params["name"];
          const Command* command = find_command(name);
          if (command == nullptr) return out.send(error_response(404, "Unknown command '" + name + "'"));
          auto parsed = read_request(r, *command);
          if (auto* error = std::get_if<http::HttpResponse>(&parsed)) return out.send(std::move(*error));
          respond_from_store(
              ctx, out, [&ctx, org = who.org_id, request = std::move(std::get<Request>(parsed))](store::Database& db) {
                return run(ctx, db, org, request);
              });
        });
      },
      "Send a command to chargers");
}

} // namespace ocppfleet::api
