#include "ocpi/session_auth.hpp"

#include <chrono>

#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// A START_SESSION counts for a transaction started up to this long after it was sent...
constexpr std::chrono::minutes k_start_window{10};
// ...and, since a charger stamps its start in whole seconds on its own clock while we stamp
// the command in milliseconds, up to this long before.
constexpr std::chrono::seconds k_clock_slack{60};

std::string text(const Json& j, const char* key, const std::string& fallback) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() && !it->get<std::string>().empty() ? it->get<std::string>() : fallback;
}

Json cdr_token_of(const Json& token, const std::string& uid) {
  const auto u = text(token, "uid", uid);
  return Json{{"country_code", text(token, "country_code", "")},
              {"party_id", text(token, "party_id", "")},
              {"uid", u},
              {"type", text(token, "type", "RFID")},
              {"contract_id", text(token, "contract_id", u)}};
}

} // namespace

SessionAuthChooser::SessionAuthChooser(store::Database& db, const CpoParty& cpo)
    : cpo_(cpo),
      starts_(db, "SELECT id, token_json, authorization_reference, created_at FROM ocpi_session_starts WHERE "
                  "cpo_id = ? AND identity = ? AND evse_id = ? AND token_uid = ? AND session_id IS NULL "
                  "ORDER BY created_at DESC, id DESC"),
      // A uid may be known under several parties or types: a valid one, then the newest, wins.
      tokens_(
          db,
          "SELECT country_code, party_id, uid, type, whitelist, token_json, realtime_reference FROM ocpi_tokens WHERE "
          "cpo_id = ? AND uid = ? ORDER BY valid DESC, last_updated DESC LIMIT 1"),
      consume_(db, "UPDATE ocpi_session_starts SET session_id = ? WHERE id = ?") {}

std::optional<SessionAuth> SessionAuthChooser::from_command(const TransactionStart& start) {
  const auto started = core::parse_timestamp(start.started_at);
  if (!started) return std::nullopt;
  starts_.reset();
  starts_.bind_all(cpo_.id, start.identity, start.evse_id, start.id_token);
  while (starts_.step()) {
    const auto created = core::parse_timestamp(starts_.column_text(3));
    if (!created || *created < *started - k_start_window || *created > *started + k_clock_slack) continue;
    const auto token = Json::parse(starts_.column_text(1), nullptr, false);
    SessionAuth out;
    out.auth_method = "COMMAND";
    out.authorization_reference = starts_.column_optional_text(2);
    out.cdr_token = cdr_token_of(token.is_object() ? token : Json::object(), start.id_token);
    out.session_start = starts_.column_int64(0);
    starts_.reset(); // done reading: the row is about to be marked
    return out;
  }
  return std::nullopt;
}

std::optional<SessionAuth> SessionAuthChooser::from_tokens(const TransactionStart& start) {
  tokens_.reset();
  tokens_.bind_all(cpo_.id, start.id_token);
  if (!tokens_.step()) return std::nullopt;
  const auto token = Json::parse(tokens_.column_text(5), nullptr, false);
  const auto uid = tokens_.column_text(2);
  SessionAuth out;
  out.auth_method = tokens_.column_text(4) == "ALWAYS" ? "WHITELIST" : "AUTH_REQUEST";
  out.cdr_token = Json{{"country_code", tokens_.column_text(0)},
                       {"party_id", tokens_.column_text(1)},
                       {"uid", uid},
                       {"type", tokens_.column_text(3)},
                       {"contract_id", token.is_object() ? text(token, "contract_id", uid) : uid}};
  // A token the eMSP authorised in real time: its answer's reference (not for ALWAYS: never asked).
  if (out.auth_method == "AUTH_REQUEST") out.authorization_reference = tokens_.column_optional_text(6);
  tokens_.reset();
  return out;
}

SessionAuth SessionAuthChooser::choose(const TransactionStart& start) {
  if (auto a = from_command(start)) return std::move(*a);
  if (auto a = from_tokens(start)) return std::move(*a);
  // An idToken nobody told us about: a card of our own (OCPP lets a charger start on any tag
  // its CSMS accepts; the embedded CSMS accepts all).
  const auto uid = start.id_token.empty() ? std::string{"UNKNOWN"} : start.id_token;
  SessionAuth out;
  out.auth_method = "AUTH_REQUEST";
  out.cdr_token = Json{{"country_code", cpo_.country_code},
                       {"party_id", cpo_.party_id},
                       {"uid", uid},
                       {"type", "RFID"},
                       {"contract_id", uid}};
  return out;
}

void SessionAuthChooser::consume(std::int64_t session_start, std::int64_t session_id) {
  consume_.reset();
  consume_.bind_all(session_id, session_start).run();
}

} // namespace ocppfleet::ocpi
