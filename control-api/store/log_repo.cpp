#include "control-api/store/log_repo.hpp"

#include <set>
#include <string_view>

namespace ocppfleet::store {

void append_logs(Database& db, const std::vector<LogRow>& rows, std::size_t keep_per_charger) {
  if (rows.empty()) return;
  Transaction tx{db};
  const auto now = db.now();
  auto insert = db.prepare("INSERT INTO charger_logs(charger_id, direction, action, message, timestamp) "
                           "VALUES (?, ?, ?, ?, ?)");
  std::set<std::string_view> chargers;
  for (const auto& r : rows) {
    insert.bind_all(r.charger_id, r.direction, r.action, r.message, r.timestamp.empty() ? now : r.timestamp).run();
    insert.reset();
    chargers.insert(r.charger_id);
  }
  // The (N+1)th newest row is the boundary: it and everything older goes. No such row, no delete.
  auto trim = db.prepare("DELETE FROM charger_logs WHERE charger_id = ?1 AND (timestamp, id) <= ("
                         "SELECT timestamp, id FROM charger_logs WHERE charger_id = ?1 "
                         "ORDER BY timestamp DESC, id DESC LIMIT 1 OFFSET ?2)");
  for (const auto charger : chargers) {
    trim.bind_all(charger, static_cast<std::int64_t>(keep_per_charger)).run();
    trim.reset();
  }
  tx.commit();
}

Page<LogRow> query_logs(Database& db, const LogQuery& q) {
  // "?n IS NULL OR ..." makes each filter optional within one statement.
  const std::string where = "WHERE charger_id = ?1 AND (?2 IS NULL OR timestamp >= ?2) AND "
                            "(?3 IS NULL OR timestamp <= ?3) AND (?4 IS NULL OR action = ?4) AND "
                            "(?5 IS NULL OR direction = ?5) ";
  Page<LogRow> out;
  auto count = db.prepare("SELECT count(*) FROM charger_logs " + where);
  count.bind_all(q.charger_id, q.start, q.end, q.action, q.direction);
  count.step();
  out.total = count.column_int64(0);

  const std::string order = q.newest_first ? "ORDER BY timestamp DESC, id DESC " : "ORDER BY timestamp, id ";
  auto st = db.prepare("SELECT id, charger_id, direction, action, message, timestamp FROM charger_logs " + where +
                       order + "LIMIT ?6 OFFSET ?7");
  st.bind_all(q.charger_id, q.start, q.end, q.action, q.direction, q.limit < 0 ? std::int64_t{0} : q.limit,
              q.offset < 0 ? std::int64_t{0} : q.offset);
  while (st.step())
    out.rows.push_back({st.column_int64(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                        st.column_text(5)});
  return out;
}

} // namespace ocppfleet::store
