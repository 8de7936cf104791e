// sync_sessions_and_cdrs and find_session_for_transaction (sessions_module.hpp): the
// materialisation of the CPO backend's transactions into OCPI Sessions and CDRs.
#include <string>
#include <utility>
#include <vector>

#include "ocpi/session_auth.hpp"
#include "ocpi/session_context.hpp"
#include "ocpi/session_objects.hpp"
#include "ocpi/sessions_module.hpp"
#include "ocpi/tariffs_module.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

std::int64_t count(store::Database& db, const char* sql, const std::string& key) {
  auto st = db.prepare(sql);
  st.bind(1, key);
  return st.step() ? st.column_int64(0) : 0;
}

std::int64_t count(store::Database& db, const char* sql, std::int64_t key) {
  auto st = db.prepare(sql);
  st.bind(1, key);
  return st.step() ? st.column_int64(0) : 0;
}

// The CDR of an ended session, once: a CDR is never changed after it is made.
void make_cdr(store::Database& db, const CpoParty& cpo, const SessionRow& s, const TransactionRow& t,
              const std::string& now) {
  const auto cdr = cdr_object(cpo, s, t, now);
  db.prepare("INSERT OR IGNORE INTO ocpi_cdrs (cpo_id, id, session_id, cdr_json, last_updated) VALUES (?, ?, ?, ?, ?)")
      .bind_all(cpo.id, cdr["id"].get<std::string>(), s.id, cdr.dump(), now)
      .run();
}

// Transactions of the backend without a session. Sessions are only ever made from transactions
// and the backend never deletes one, so equal counts mean there is nothing new: the common case
// costs two index counts instead of an anti-join over every transaction.
std::vector<TransactionRow> new_transactions(store::Database& db, const CpoParty& cpo, const std::string& backend) {
  std::vector<TransactionRow> out;
  if (count(db, "SELECT count(*) FROM csms_transactions WHERE backend = ?", backend) ==
      count(db, "SELECT count(*) FROM ocpi_sessions WHERE cpo_id = ?", cpo.id))
    return out;
  auto st = db.prepare(std::string{"SELECT "} + k_transaction_columns +
                       " FROM csms_transactions t WHERE t.backend = ? AND NOT EXISTS (SELECT 1 FROM ocpi_sessions s "
                       "WHERE s.cpo_id = ? AND s.identity = t.identity AND s.transaction_id = t.transaction_id) "
                       "ORDER BY t.started_at, t.identity, t.transaction_id");
  st.bind_all(backend, cpo.id);
  while (st.step())
    out.push_back(read_transaction(st, 0));
  return out;
}

void create_sessions(store::Database& db, const CpoParty& cpo, const std::string& backend, const std::string& now) {
  const auto fresh = new_transactions(db, cpo, backend);
  if (fresh.empty()) return;
  auto next_id = count(db, "SELECT coalesce(max(id), 0) + 1 FROM ocpi_sessions WHERE cpo_id = ?", cpo.id);
  SessionContextBuilder contexts{db, cpo};
  SessionAuthChooser auths{db, cpo};
  auto insert = db.prepare(
      "INSERT INTO ocpi_sessions (cpo_id, id, identity, transaction_id, auth_method, authorization_reference, "
      "cdr_token_json, created_at, context_json, tx_updated_at, last_updated, completed) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& t : fresh) {
    auto auth = auths.choose(TransactionStart{t.identity, t.evse_id, t.id_token, t.started_at});
    SessionRow s;
    s.id = next_id++;
    s.identity = t.identity;
    s.transaction_id = t.transaction_id;
    s.auth_method = auth.auth_method;
    s.authorization_reference = auth.authorization_reference;
    s.cdr_token = std::move(auth.cdr_token);
    s.context = contexts.context(t.identity, t.evse_id);
    s.tx_updated_at = t.updated_at;
    s.last_updated = now;
    s.completed = t.ended();
    insert
        .bind_all(cpo.id, s.id, s.identity, s.transaction_id, s.auth_method, s.authorization_reference,
                  s.cdr_token.dump(), now, s.context.dump(), s.tx_updated_at, s.last_updated, s.completed)
        .run();
    insert.reset();
    if (auth.session_start) auths.consume(*auth.session_start, s.id);
    if (t.ended()) make_cdr(db, cpo, s, t, now);
  }
}

// Sessions whose transaction moved since the last sync: a new last_updated, and a CDR when it
// ended. Only sessions without a CDR can still change (the partial index ocpi_sessions_open).
void update_open_sessions(store::Database& db, const CpoParty& cpo, const std::string& backend,
                          const std::string& now) {
  std::vector<std::pair<SessionRow, TransactionRow>> changed;
  {
    // CROSS JOIN keeps ocpi_sessions the outer loop (SQLite does not reorder it): the open
    // sessions from their index, each transaction by its primary key. The comparison is done
    // by SQLite, so an unchanged session costs no row decoding (a CPO with every charger
    // charging has as many open sessions as connectors).
    auto st = db.prepare(std::string{"SELECT "} + k_session_columns + ", " + k_transaction_columns +
                         " FROM ocpi_sessions s CROSS JOIN csms_transactions t ON t.backend = ? AND "
                         "t.identity = s.identity AND t.transaction_id = s.transaction_id "
                         "WHERE s.cpo_id = ? AND s.completed = 0 AND (t.updated_at <> s.tx_updated_at OR "
                         "t.state = 'ended')");
    st.bind_all(backend, cpo.id);
    while (st.step())
      changed.emplace_back(read_session(st, 0), read_transaction(st, k_session_column_count));
  }
  auto update =
      db.prepare("UPDATE ocpi_sessions SET tx_updated_at = ?, last_updated = ?, completed = ?, revision = revision + 1 "
                 "WHERE cpo_id = ? AND id = ?");
  for (auto& [s, t] : changed) {
    s.tx_updated_at = t.updated_at;
    s.last_updated = now;
    s.completed = t.ended();
    update.bind_all(s.tx_updated_at, s.last_updated, s.completed, cpo.id, s.id).run();
    update.reset();
    if (t.ended()) make_cdr(db, cpo, s, t, now);
  }
}

// Hands every session the hooks have not seen in its current state to them.
void hook_sessions(store::Database& db, const CpoParty& cpo, const std::string& backend, const RoamingHooks& hooks) {
  std::vector<std::pair<SessionRow, TransactionRow>> pending;
  {
    auto st = db.prepare(std::string{"SELECT "} + k_session_columns + ", " + k_transaction_columns +
                         " FROM ocpi_sessions s CROSS JOIN csms_transactions t ON t.backend = ? AND "
                         "t.identity = s.identity AND t.transaction_id = s.transaction_id "
                         "WHERE s.cpo_id = ? AND s.hooked_revision <> s.revision ORDER BY s.id");
    st.bind_all(backend, cpo.id);
    while (st.step())
      pending.emplace_back(read_session(st, 0), read_transaction(st, k_session_column_count));
  }
  auto mark = db.prepare("UPDATE ocpi_sessions SET hooked_revision = revision WHERE cpo_id = ? AND id = ?");
  for (const auto& [s, t] : pending) {
    const auto& hook = s.hooked_revision == 0 ? hooks.session_created : hooks.session_updated;
    if (hook) hook(session_object(cpo, s, t));
    mark.bind_all(cpo.id, s.id).run();
    mark.reset();
  }
}

void hook_cdrs(store::Database& db, const CpoParty& cpo, const RoamingHooks& hooks) {
  std::vector<std::pair<std::int64_t, Json>> pending;
  {
    auto st = db.prepare("SELECT session_id, cdr_json FROM ocpi_cdrs WHERE cpo_id = ? AND hooked = 0 ORDER BY "
                         "session_id");
    st.bind(1, cpo.id);
    while (st.step())
      pending.emplace_back(st.column_int64(0), Json::parse(st.column_text(1)));
  }
  auto mark = db.prepare("UPDATE ocpi_cdrs SET hooked = 1 WHERE cpo_id = ? AND session_id = ?");
  for (const auto& [session_id, cdr] : pending) {
    hooks.cdr_created(cdr);
    mark.bind_all(cpo.id, session_id).run();
    mark.reset();
  }
}

} // namespace

void sync_sessions_and_cdrs(store::Database& db, const CpoParty& cpo, const RoamingHooks& hooks) {
  if (!backend_tables_exist(db)) return; // serve without the embedded CSMS: no transactions
  ensure_ocpi_tariffs(db, cpo);
  const auto backend = std::to_string(cpo.id); // the CPO's backend id in the CSMS's tables
  store::Transaction tx{db};
  const auto now = db.now();
  create_sessions(db, cpo, backend, now);
  update_open_sessions(db, cpo, backend, now);
  if (hooks.session_created || hooks.session_updated) hook_sessions(db, cpo, backend, hooks);
  if (hooks.cdr_created) hook_cdrs(db, cpo, hooks);
  tx.commit();
}

std::optional<Json> find_session_for_transaction(store::Database& db, const CpoParty& cpo, const std::string& identity,
                                                 const std::string& transaction_id) {
  if (!backend_tables_exist(db)) return std::nullopt;
  auto st = db.prepare(std::string{"SELECT "} + k_session_columns + ", " + k_transaction_columns +
                       " FROM ocpi_sessions s CROSS JOIN csms_transactions t ON t.backend = ? AND "
                       "t.identity = s.identity AND t.transaction_id = s.transaction_id "
                       "WHERE s.cpo_id = ? AND s.identity = ? AND s.transaction_id = ?");
  st.bind_all(std::to_string(cpo.id), cpo.id, identity, transaction_id);
  if (!st.step()) return std::nullopt;
  return session_object(cpo, read_session(st, 0), read_transaction(st, k_session_column_count));
}

} // namespace ocppfleet::ocpi
