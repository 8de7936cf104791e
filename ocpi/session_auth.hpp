#pragma once
// How a session of our CPO was authorised, as its Session and CDR say (cdr_token, auth_method,
// authorization_reference), from what the OCPI side knows of the transaction's idToken:
// 1. an eMSP's START_SESSION for this charger, EVSE and token uid, sent at most 10 minutes
//    before the start (and not yet used by another session): COMMAND, with that Token and its
//    authorization_reference;
// 2. else a Token the eMSP pushed to us (ocpi_tokens) with that uid: its party, type and
//    contract_id; WHITELIST when its whitelist is ALWAYS, else AUTH_REQUEST with the
//    authorization_reference of the eMSP's last real-time authorization of it, if any;
// 3. else a card of our own CPO: our party, RFID, uid = contract_id = the idToken, AUTH_REQUEST.
// Runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "control-api/store/database.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

struct SessionAuth {
  std::string auth_method; // AUTH_REQUEST, COMMAND or WHITELIST
  std::optional<std::string> authorization_reference;
  nlohmann::json cdr_token;                  // {country_code, party_id, uid, type, contract_id}
  std::optional<std::int64_t> session_start; // the ocpi_session_starts row it used (rule 1)
};

struct TransactionStart {
  std::string identity;
  std::int64_t evse_id = 0;
  std::string id_token;
  std::string started_at; // RFC 3339, as the charger reported it
};

// One per sync: its statements are prepared once for however many new transactions there are.
class SessionAuthChooser {
public:
  SessionAuthChooser(store::Database& db, const CpoParty& cpo);
  SessionAuth choose(const TransactionStart& start);
  // Marks the session start row as used by `session_id`, so no other session takes it.
  void consume(std::int64_t session_start, std::int64_t session_id);

private:
  std::optional<SessionAuth> from_command(const TransactionStart& start);
  std::optional<SessionAuth> from_tokens(const TransactionStart& start);

  const CpoParty& cpo_;
  store::Statement starts_, tokens_, consume_;
};

} // namespace ocppfleet::ocpi
