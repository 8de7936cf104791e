#include "ocpi/commands_module.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "ocpi/envelope.hpp"
#include "ocpi/evse_index.hpp"
#include "ocpi/sessions_module.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// Reservations made through RESERVE_NOW, to route CANCEL_RESERVATION (memory only: a restart
// forgets them, and a cancel then reads REJECTED).
struct Reservations {
  struct Made {
    std::string identity;
    std::int64_t ocpp_id = 0;
  };
  std::mutex mutex;
  std::map<std::pair<std::int64_t, std::string>, Made> by_id; // (cpo, OCPI reservation_id)
};

// Each CPO's EVSE routing, as last loaded (only the OCPI worker touches it).
struct Topologies {
  std::map<std::int64_t, std::shared_ptr<const EvseIndex>> by_cpo;
};

// OCPP reservation ids are integers; OCPI's are strings of up to 36 characters.
// How long a START_SESSION's token stays accepted: the window in which a transaction start
// counts as the command's (ocpi/session_auth.hpp).
constexpr std::chrono::minutes k_command_grant{10};

std::int64_t ocpp_reservation_id(const std::string& id) {
  if (!id.empty() && id.size() <= 9 && id.find_first_not_of("0123456789") == std::string::npos) return std::stoll(id);
  std::uint32_t h = 2166136261u; // FNV-1a, folded to a positive int32
  for (const unsigned char c : id)
    h = (h ^ c) * 16777619u;
  return static_cast<std::int64_t>(h & 0x7fffffffu);
}

// A field's text when it is a string of 1..max characters.
std::optional<std::string> text(const Json& body, const char* name, std::size_t max) {
  if (!body.contains(name) || !body[name].is_string()) return std::nullopt;
  auto v = body[name].get<std::string>();
  if (v.empty() || v.size() > max) return std::nullopt;
  return v;
}

std::string check_token(const Json& body) {
  if (!body.contains("token") || !body["token"].is_object()) return "token: the Token object is required";
  const auto& t = body["token"];
  if (!text(t, "uid", 36)) return "token.uid: a string of 1 to 36 characters is required";
  if (!text(t, "type", 32)) return "token.type is required";
  if (!text(t, "country_code", 2) || !text(t, "party_id", 3))
    return "token.country_code and token.party_id are required";
  return {};
}

Json command_response(const char* result, std::chrono::seconds timeout, const std::string& message = {}) {
  Json r{{"result", result}, {"timeout", timeout.count()}};
  if (!message.empty()) r["message"] = Json::array({Json{{"language", "en"}, {"text", message}}});
  return r;
}

// What the charger's answer means for the eMSP, per command (CommandResultType).
std::string result_of(const std::string& command, const CallResult& r) {
  using Kind = CallResult::Kind;
  switch (r.kind) {
  case Kind::not_connected: return "FAILED";
  case Kind::timeout: return "TIMEOUT";
  case Kind::call_error: return r.status == "NotImplemented" || r.status == "NotSupported" ? "NOT_SUPPORTED" : "FAILED";
  case Kind::failed: return "FAILED";
  case Kind::answered: break;
  }
  const auto& s = r.status;
  if (command == "UNLOCK_CONNECTOR") {
    if (s == "Unlocked") return "ACCEPTED";
    if (s == "NotSupported") return "NOT_SUPPORTED";
    if (s == "OngoingAuthorizedTransaction") return "REJECTED";
    return "FAILED";
  }
  if (command == "RESERVE_NOW") {
    if (s == "Occupied") return "EVSE_OCCUPIED";
    if (s == "Faulted" || s == "Unavailable") return "EVSE_INOPERATIVE";
  }
  if (command == "CANCEL_RESERVATION" && s == "Rejected") return "UNKNOWN_RESERVATION";
  if (s == "Accepted") return "ACCEPTED";
  if (s == "Rejected") return "REJECTED";
  return "FAILED";
}

struct SessionRef {
  std::string identity, transaction_id;
  bool active = false;
};

std::optional<SessionRef> find_session(store::Database& db, std::int64_t cpo_id, const std::string& session_id) {
  auto st = db.prepare("SELECT s.identity, s.transaction_id, t.state FROM ocpi_sessions s LEFT JOIN csms_transactions "
                       "t ON t.backend = ? AND t.identity = s.identity AND t.transaction_id = s.transaction_id "
                       "WHERE s.cpo_id = ? AND CAST(s.id AS TEXT) = ?");
  st.bind_all(std::to_string(cpo_id), cpo_id, session_id);
  if (!st.step()) return std::nullopt;
  return SessionRef{st.column_text(0), st.column_text(1), st.column_text(2) == "active"};
}

} // namespace

void add_commands_module(ModuleContext& module, CommandsConfig config) {
  module.endpoint("commands", "RECEIVER");
  auto reservations = std::make_shared<Reservations>();
  auto topologies = std::make_shared<Topologies>();
  auto& store = module.store;
  auto* backend = module.backend;
  auto push_later = module.push_later;
  auto* tokens = module.tokens;
  const auto timeout = config.result_timeout;

  module.route(
      "POST", "/ocpi/cpo/{cpo_id}/2.2.1/commands/{command}", false,
      [&store, backend, push_later, tokens, reservations, topologies, timeout](const http::HttpRequest& req,
                                                                               Authed& a) {
        const auto& command = req.path_params.at("command");
        const auto body = Json::parse(req.body, nullptr, false);
        if (body.is_discarded())
          return envelope(req, 400, nullptr, status_code::invalid_parameters, "The body is not valid JSON");
        const auto invalid = [&](const std::string& why) {
          return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
        };
        const auto answer = [&](const char* result, const std::string& message = {}) {
          return ok(req, command_response(result, timeout, message));
        };
        if (command != "START_SESSION" && command != "STOP_SESSION" && command != "UNLOCK_CONNECTOR" &&
            command != "RESERVE_NOW" && command != "CANCEL_RESERVATION")
          return answer("NOT_SUPPORTED", "Unknown command " + command);
        if (!body.is_object()) return invalid("The command must be a JSON object");
        const auto response_url = text(body, "response_url", 255);
        if (!response_url) return invalid("response_url: the URL for the CommandResult is required");
        if (backend == nullptr) return answer("REJECTED", "This CPO's backend is not running");

        // The CommandResult, whenever the charger's answer (or the timeout) arrives.
        const auto cpo_id = a.cpo.id;
        const auto reply_later = [push_later, cpo_id, url = *response_url, command](CallResult r) {
          const auto result = result_of(command, r);
          Json out{{"result", result}};
          if (result != "ACCEPTED" && !r.detail.empty())
            out["message"] = Json::array({Json{{"language", "en"}, {"text", r.detail.substr(0, 512)}}});
          OutboxItem item;
          item.cpo_id = cpo_id;
          item.kind = "command_result";
          item.method = "POST";
          item.url = url;
          item.body = out.dump();
          push_later(std::move(item));
        };

        if (command == "STOP_SESSION") {
          const auto session_id = text(body, "session_id", 36);
          if (!session_id) return invalid("session_id is required");
          const auto s = store.submit([&](store::Database& db) { return find_session(db, cpo_id, *session_id); }).get();
          if (!s) return answer("UNKNOWN_SESSION", "Unknown session " + *session_id);
          if (!s->active) return answer("REJECTED", "Session " + *session_id + " has already ended");
          backend->stop_session(cpo_id, s->identity, s->transaction_id, reply_later);
          return answer("ACCEPTED");
        }
        if (command == "CANCEL_RESERVATION") {
          const auto reservation_id = text(body, "reservation_id", 36);
          if (!reservation_id) return invalid("reservation_id is required");
          std::optional<Reservations::Made> made;
          {
            const std::lock_guard lock{reservations->mutex};
            const auto it = reservations->by_id.find({cpo_id, *reservation_id});
            if (it != reservations->by_id.end()) made = it->second;
          }
          if (!made) return answer("REJECTED", "Unknown reservation " + *reservation_id);
          backend->cancel_reservation(cpo_id, made->identity, made->ocpp_id, reply_later);
          return answer("ACCEPTED");
        }

        // The rest address a Location (and an EVSE of it).
        const auto location_id = text(body, "location_id", 36);
        if (!location_id) return invalid("location_id is required");
        const auto evse_uid = text(body, "evse_uid", 36);
        if (command == "UNLOCK_CONNECTOR" && (!evse_uid || !text(body, "connector_id", 36)))
          return invalid("evse_uid and connector_id are required");
        if (command != "UNLOCK_CONNECTOR")
          if (auto why = check_token(body); !why.empty()) return invalid(why);
        std::optional<std::string> expiry;
        if (command == "RESERVE_NOW") {
          const auto t = body.contains("expiry_date") && body["expiry_date"].is_string()
                             ? core::parse_timestamp(body["expiry_date"].get<std::string>())
                             : std::nullopt;
          if (!t) return invalid("expiry_date: an RFC 3339 DateTime is required");
          expiry = core::format_timestamp(*t);
          if (!text(body, "reservation_id", 36)) return invalid("reservation_id is required");
        }
        // The CPO's topology, cached (handlers run on the one OCPI worker); a miss reloads it
        // once, so a location added since is found.
        auto& index = topologies->by_cpo[cpo_id];
        const auto known = [&] {
          return index &&
                 (evse_uid ? index->by_uid(*location_id, *evse_uid).has_value() : index->has_location(*location_id));
        };
        if (!known())
          index = std::make_shared<const EvseIndex>(
              store.submit([&](store::Database& db) { return EvseIndex::load(db, cpo_id); }).get());
        std::optional<EvseTarget> target;
        if (evse_uid) {
          target = index->by_uid(*location_id, *evse_uid);
          if (!target) return answer("REJECTED", "Unknown EVSE " + *evse_uid + " at location " + *location_id);
        } else {
          const auto evses = index->of_location(*location_id);
          if (evses.empty()) return answer("REJECTED", "Unknown location " + *location_id);
          // No EVSE named: START_SESSION takes the location's first EVSE; RESERVE_NOW reserves
          // the charger as a whole (OCPP connector 0 / no evseId).
          target = evses.front();
          if (command == "RESERVE_NOW") target->connector_id = 0;
        }

        if (command == "UNLOCK_CONNECTOR") {
          backend->unlock_connector(cpo_id, target->identity, target->connector_id, reply_later);
          return answer("ACCEPTED");
        }
        const auto& token = body["token"];
        const auto uid = token["uid"].get<std::string>();
        const auto reference = text(body, "authorization_reference", 36);
        // The eMSP authorised this token by sending the command: the backend accepts it when
        // the charger asks (Authorize / start), whatever its whitelist, for as long as the
        // command can lead to a start (the session start window / the reservation).
        const auto grant_until = [&](std::chrono::system_clock::time_point until) {
          if (!tokens) return;
          const auto left =
              std::clamp(until - std::chrono::system_clock::now(), std::chrono::system_clock::duration::zero(),
                         std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::hours{24}));
          tokens->of(cpo_id)->grant(uid, CpoTokens::Clock::now() +
                                             std::chrono::duration_cast<CpoTokens::Clock::duration>(left));
        };
        if (command == "START_SESSION") {
          grant_until(std::chrono::system_clock::now() + k_command_grant);
          // Remember how this session is authorised: its Session and CDR carry this token,
          // auth_method COMMAND and the reference.
          store
              .submit([&](store::Database& db) {
                db.prepare("INSERT INTO ocpi_session_starts (cpo_id, identity, evse_id, token_uid, token_json, "
                           "authorization_reference, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .bind_all(cpo_id, target->identity, target->connector_id, uid, token.dump(), reference, db.now())
                    .run();
              })
              .get();
          backend->start_session(cpo_id, target->identity, target->connector_id, uid, reply_later);
          return answer("ACCEPTED");
        }
        // RESERVE_NOW
        if (const auto until = core::parse_timestamp(*expiry)) grant_until(*until);
        const auto reservation_id = body["reservation_id"].get<std::string>();
        const auto ocpp_id = ocpp_reservation_id(reservation_id);
        {
          const std::lock_guard lock{reservations->mutex};
          reservations->by_id[{cpo_id, reservation_id}] = {target->identity, ocpp_id};
        }
        backend->reserve_now(cpo_id, target->identity, target->connector_id, ocpp_id, *expiry, uid, reply_later);
        return answer("ACCEPTED");
      });
}

} // namespace ocppfleet::ocpi
