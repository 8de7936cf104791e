#include "ocpi/sessions_module.hpp"

#include "ocpi/envelope.hpp"
#include "ocpi/paged_sql.hpp"
#include "ocpi/session_objects.hpp"

namespace ocppfleet::ocpi {

using Json = nlohmann::json;

SessionPage list_ocpi_sessions(store::Database& db, const CpoParty& cpo, const PageQuery& query) {
  SessionPage page;
  if (!backend_tables_exist(db)) return page;
  {
    auto count = db.prepare("SELECT count(*) FROM ocpi_sessions WHERE cpo_id = ?" + date_clause(query, "last_updated"));
    count.bind(1, cpo.id);
    bind_dates(count, 2, query);
    if (count.step()) page.total = count.column_int64(0);
  }
  // The page is chosen on the index alone ((cpo_id, last_updated, id) holds the rowid), so an
  // OFFSET deep into a large list skips index entries, not joined rows; only the page's rows
  // are then read, each with its transaction by primary key.
  auto st = db.prepare(std::string{"WITH page AS (SELECT rowid AS rid FROM ocpi_sessions WHERE cpo_id = ?"} +
                       date_clause(query, "last_updated") + " ORDER BY last_updated, id LIMIT ? OFFSET ?) SELECT " +
                       k_session_columns + ", " + k_transaction_columns +
                       " FROM page CROSS JOIN ocpi_sessions s ON s.rowid = page.rid CROSS JOIN csms_transactions t "
                       "ON t.backend = ? AND t.identity = s.identity AND t.transaction_id = s.transaction_id "
                       "ORDER BY s.last_updated, s.id");
  st.bind(1, cpo.id);
  const auto next = bind_dates(st, 2, query);
  bind_page(st, next, query);
  st.bind(next + 2, std::to_string(cpo.id));
  while (st.step())
    page.items.push_back(session_object(cpo, read_session(st, 0), read_transaction(st, k_session_column_count)));
  return page;
}

void add_sessions_module(ModuleContext& module) {
  module.endpoint("sessions", "SENDER");
  auto& store = module.store;
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/sessions", false,
               [&store, url = module.version_url](const http::HttpRequest& req, Authed& a) {
                 auto parsed = parse_page_query(req);
                 if (auto* bad = std::get_if<std::string>(&parsed))
                   return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
                 const auto& q = std::get<PageQuery>(parsed);
                 // mod_sessions: date_from is required on the Sender's GET.
                 if (!q.date_from)
                   return envelope(req, 200, nullptr, status_code::invalid_parameters,
                                   "date_from: required (an RFC 3339 DateTime)");
                 auto page = store
                                 .submit([&](store::Database& db) {
                                   sync_sessions_and_cdrs(db, a.cpo);
                                   return list_ocpi_sessions(db, a.cpo, q);
                                 })
                                 .get();
                 return page_response(req, Json(std::move(page.items)), page.total, q, url(a.cpo) + "/sessions");
               });
}

} // namespace ocppfleet::ocpi
