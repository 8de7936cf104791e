#pragma once
// A materialised session (ocpi_sessions) with its backend transaction (csms_transactions) as
// the OCPI Session and CDR objects our CPO serves and pushes. Pure: no store access.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "control-api/store/database.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// True when the CPO backends' tables exist in this database (serve runs the embedded CSMS on
// the same file; without it there are no transactions, so no sessions).
bool backend_tables_exist(store::Database& db);

// A csms_transactions row (the CPO backend's view of one OCPP transaction).
struct TransactionRow {
  std::string identity, transaction_id, id_token;
  std::int64_t evse_id = 0;
  double energy_wh = 0;
  std::string started_at, stopped_at, stop_reason, state, updated_at;
  [[nodiscard]] bool ended() const { return state == "ended"; }
};
// Its columns, aliased `t`, in the order read_transaction reads them.
inline constexpr const char* k_transaction_columns =
    "t.identity, t.transaction_id, t.id_token, t.evse_id, t.energy_wh, t.started_at, t.stopped_at, t.stop_reason, "
    "t.state, t.updated_at";
inline constexpr int k_transaction_column_count = 10;
TransactionRow read_transaction(const store::Statement& st, int first_column);

// An ocpi_sessions row.
struct SessionRow {
  std::int64_t id = 0;
  std::string identity, transaction_id, auth_method;
  std::optional<std::string> authorization_reference;
  nlohmann::json cdr_token, context; // context: {cdr_location, tariff, currency} (session_context.hpp)
  std::string tx_updated_at, last_updated;
  std::int64_t revision = 1, hooked_revision = 0;
  bool completed = false;
};
// Its columns, aliased `s`, in the order read_session reads them.
inline constexpr const char* k_session_columns =
    "s.id, s.identity, s.transaction_id, s.auth_method, s.authorization_reference, s.cdr_token_json, "
    "s.context_json, s.tx_updated_at, s.last_updated, s.revision, s.hooked_revision, s.completed";
inline constexpr int k_session_column_count = 12;
SessionRow read_session(const store::Statement& st, int first_column);

// The OCPI Session: ACTIVE while the transaction runs, COMPLETED once it ended; kwh and
// total_cost as of the transaction's last update.
nlohmann::json session_object(const CpoParty& cpo, const SessionRow& s, const TransactionRow& t);
// The OCPI CDR of an ended session, stamped `last_updated`.
nlohmann::json cdr_object(const CpoParty& cpo, const SessionRow& s, const TransactionRow& t,
                          const std::string& last_updated);

} // namespace ocppfleet::ocpi
