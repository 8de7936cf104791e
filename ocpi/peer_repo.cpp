#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

std::optional<CpoParty> find_live_cpo(store::Database& db, std::int64_t cpo_id) {
  auto st = db.prepare("SELECT id, country_code, party_id, name_prefix, token_a_hash, ocpi_token_encoding FROM cpos "
                       "WHERE id = ? AND deleted_at IS NULL");
  st.bind(1, cpo_id);
  if (!st.step()) return std::nullopt;
  return CpoParty{st.column_int64(0), st.column_text(1),          st.column_text(2),
                  st.column_text(3),  st.column_optional_text(4), st.column_text(5)};
}

std::optional<PeerRow> find_peer(store::Database& db, std::int64_t cpo_id) {
  auto st = db.prepare("SELECT cpo_id, token_c_hash, token_b, versions_url, version_url, endpoints_json, roles_json, "
                       "registered_at, updated_at FROM ocpi_peers WHERE cpo_id = ?");
  st.bind(1, cpo_id);
  if (!st.step()) return std::nullopt;
  return PeerRow{st.column_int64(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                 st.column_text(5),  st.column_text(6), st.column_text(7), st.column_text(8)};
}

void save_peer(store::Database& db, const PeerRow& row) {
  const auto now = db.now();
  db.prepare("INSERT INTO ocpi_peers (cpo_id, token_c_hash, token_b, versions_url, version_url, endpoints_json, "
             "roles_json, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(cpo_id) DO "
             "UPDATE SET token_c_hash = excluded.token_c_hash, token_b = excluded.token_b, versions_url = "
             "excluded.versions_url, version_url = excluded.version_url, endpoints_json = excluded.endpoints_json, "
             "roles_json = excluded.roles_json, updated_at = excluded.updated_at")
      .bind_all(row.cpo_id, row.token_c_hash, row.token_b, row.versions_url, row.version_url, row.endpoints_json,
                row.roles_json, now, now)
      .run();
  db.prepare("UPDATE cpos SET token_a_hash = NULL WHERE id = ?").bind_all(row.cpo_id).run();
}

bool delete_peer(store::Database& db, std::int64_t cpo_id) {
  db.prepare("DELETE FROM ocpi_peers WHERE cpo_id = ?").bind_all(cpo_id).run();
  return db.changes() > 0;
}

} // namespace ocppfleet::ocpi
