#include "ocpi/outbox_repo.hpp"

namespace ocppfleet::ocpi {

void enqueue_outbox(store::Database& db, const OutboxItem& item) {
  const auto now = db.now();
  db.prepare("INSERT INTO ocpi_outbox (cpo_id, kind, coalesce_key, method, url, body, next_attempt_at, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(cpo_id, coalesce_key) WHERE coalesce_key IS NOT NULL DO "
             "UPDATE SET method = excluded.method, url = excluded.url, body = excluded.body")
      .bind_all(item.cpo_id, item.kind, item.coalesce_key, item.method, item.url, item.body, now, now)
      .run();
}

std::vector<DueItem> due_outbox(store::Database& db, const std::string& now, std::size_t limit) {
  // Heads: each (CPO, kind)'s oldest row; a group is served only when its head is due.
  // CommandResults first: an eMSP waits for them, and they must not queue behind a CPO's
  // thousands of Location PUTs.
  auto st = db.prepare(
      "SELECT o.id, o.cpo_id, o.kind, o.coalesce_key, o.method, o.url, o.body, o.attempts, p.token_b, "
      "c.ocpi_token_encoding FROM (SELECT cpo_id, kind, MIN(id) AS head FROM ocpi_outbox GROUP BY cpo_id, kind) h "
      "JOIN ocpi_outbox hr ON hr.id = h.head JOIN ocpi_outbox o ON o.cpo_id = h.cpo_id AND o.kind = h.kind "
      "LEFT JOIN ocpi_peers p ON p.cpo_id = o.cpo_id LEFT JOIN cpos c ON c.id = o.cpo_id "
      "WHERE hr.next_attempt_at <= ? ORDER BY o.kind <> 'command_result', o.cpo_id, o.kind, o.id LIMIT ?");
  st.bind_all(now, static_cast<std::int64_t>(limit));
  std::vector<DueItem> out;
  while (st.step()) {
    DueItem d;
    d.item = OutboxItem{st.column_int64(0), st.column_int64(1), st.column_text(2), st.column_optional_text(3),
                        st.column_text(4),  st.column_text(5),  st.column_text(6), st.column_int64(7)};
    d.token_b = st.column_optional_text(8);
    d.base64 = st.column_text(9) != "raw";
    out.push_back(std::move(d));
  }
  return out;
}

void outbox_delivered(store::Database& db, const OutboxItem& sent) {
  db.prepare("DELETE FROM ocpi_outbox WHERE id = ? AND body = ? AND url = ?")
      .bind_all(sent.id, sent.body, sent.url)
      .run();
  if (db.changes() == 0) // refreshed while in flight: the newer body goes next
    db.prepare("UPDATE ocpi_outbox SET attempts = 0, next_attempt_at = ? WHERE id = ?")
        .bind_all(db.now(), sent.id)
        .run();
}

void outbox_retry_later(store::Database& db, std::int64_t id, const std::string& next_attempt_at,
                        const std::string& error) {
  db.prepare("UPDATE ocpi_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?")
      .bind_all(next_attempt_at, error, id)
      .run();
}

void outbox_drop(store::Database& db, std::int64_t id) {
  db.prepare("DELETE FROM ocpi_outbox WHERE id = ?").bind_all(id).run();
}

void outbox_forget_peer(store::Database& db, std::int64_t cpo_id) {
  db.prepare("DELETE FROM ocpi_outbox WHERE cpo_id = ? AND kind <> 'cdr'").bind_all(cpo_id).run();
}

std::optional<std::string> outbox_next_due(store::Database& db) {
  auto st = db.prepare("SELECT MIN(hr.next_attempt_at) FROM (SELECT MIN(id) AS head FROM ocpi_outbox GROUP BY "
                       "cpo_id, kind) h JOIN ocpi_outbox hr ON hr.id = h.head");
  if (!st.step()) return std::nullopt;
  return st.column_optional_text(0);
}

std::int64_t outbox_pending(store::Database& db, std::int64_t cpo_id, const std::string& kind) {
  auto st = kind.empty() ? db.prepare("SELECT COUNT(*) FROM ocpi_outbox WHERE cpo_id = ?")
                         : db.prepare("SELECT COUNT(*) FROM ocpi_outbox WHERE cpo_id = ? AND kind = ?");
  st.bind(1, cpo_id);
  if (!kind.empty()) st.bind(2, kind);
  st.step();
  return st.column_int64(0);
}

} // namespace ocppfleet::ocpi
