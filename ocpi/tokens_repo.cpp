#include "ocpi/tokens_repo.hpp"

#include "ocpi/pagination.hpp"
#include "ocpi/token_object.hpp"

namespace ocppfleet::ocpi {

using Json = nlohmann::json;

std::optional<Json> find_token(store::Database& db, std::int64_t cpo_id, const TokenKey& key) {
  auto st = db.prepare("SELECT token_json FROM ocpi_tokens WHERE cpo_id = ? AND country_code = ? AND party_id = ? "
                       "AND uid = ? AND type = ?");
  st.bind_all(cpo_id, key.country_code, key.party_id, key.uid, key.type);
  if (!st.step()) return std::nullopt;
  return Json::parse(st.column_text(0), nullptr, false);
}

void save_token(store::Database& db, std::int64_t cpo_id, const Json& token) {
  const auto e = token_entry(token);
  db.prepare("INSERT INTO ocpi_tokens (cpo_id, country_code, party_id, uid, type, valid, whitelist, token_json, "
             "last_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cpo_id, country_code, party_id, uid, "
             "type) DO UPDATE SET valid = excluded.valid, whitelist = excluded.whitelist, token_json = "
             "excluded.token_json, last_updated = excluded.last_updated")
      .bind_all(cpo_id, e.country_code, e.party_id, e.uid, e.type, e.valid ? 1 : 0, e.whitelist, token.dump(),
                normalised_timestamp(token.at("last_updated").get<std::string>()))
      .run();
}

std::vector<std::pair<std::int64_t, TokenEntry>> load_registered_tokens(store::Database& db) {
  std::vector<std::pair<std::int64_t, TokenEntry>> out;
  auto st = db.prepare("SELECT t.cpo_id, t.token_json FROM ocpi_tokens t JOIN ocpi_peers p ON p.cpo_id = t.cpo_id "
                       "ORDER BY t.cpo_id, t.last_updated");
  while (st.step()) {
    const auto token = Json::parse(st.column_text(1), nullptr, false);
    if (!check_token_object(token).empty()) continue; // stored checked; a hand-edited row is skipped
    out.emplace_back(st.column_int64(0), token_entry(token));
  }
  return out;
}

std::vector<std::int64_t> cpos_with_peer(store::Database& db) {
  std::vector<std::int64_t> out;
  auto st = db.prepare("SELECT cpo_id FROM ocpi_peers ORDER BY cpo_id");
  while (st.step())
    out.push_back(st.column_int64(0));
  return out;
}

void delete_tokens(store::Database& db, std::int64_t cpo_id) {
  db.prepare("DELETE FROM ocpi_tokens WHERE cpo_id = ?").bind_all(cpo_id).run();
}

} // namespace ocppfleet::ocpi
