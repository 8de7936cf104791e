#include "control-api/store/cpo_repo.hpp"

#include <array>
#include <utility>

namespace ocppfleet::store {
namespace {

constexpr std::string_view k_select_cpo =
    "SELECT id, org_id, template, template_version, seed, overrides_json, country_code, party_id, requested_party, "
    "name_prefix, role, ocpi_version, token_a_hash, status, workflow_run_id, current_step, attempt, chargers_total, "
    "chargers_ready, error_json, document_sha256, locations_count, evses_count, connectors_count, expires_at, "
    "provisioned_at, created_at, updated_at, deleted_at, ocpi_token_encoding FROM cpos ";

CpoRow read_cpo(const Statement& st) {
  CpoRow r;
  r.id = st.column_int64(0);
  r.org_id = st.column_text(1);
  r.template_slug = st.column_text(2);
  r.template_version = static_cast<int>(st.column_int64(3));
  r.seed = static_cast<std::uint64_t>(st.column_int64(4));
  r.overrides_json = st.column_text(5);
  r.country_code = st.column_text(6);
  r.party_id = st.column_text(7);
  r.requested_party = st.column_text(8);
  r.name_prefix = st.column_text(9);
  r.role = st.column_text(10);
  r.ocpi_version = st.column_text(11);
  r.token_a_hash = st.column_optional_text(12);
  r.status = st.column_text(13);
  r.workflow_run_id = st.column_text(14);
  r.current_step = st.column_optional_text(15);
  r.attempt = static_cast<int>(st.column_int64(16));
  r.chargers_total = st.column_int64(17);
  r.chargers_ready = st.column_int64(18);
  r.error_json = st.column_optional_text(19);
  r.document_sha256 = st.column_optional_text(20);
  r.locations_count = st.column_int64(21);
  r.evses_count = st.column_int64(22);
  r.connectors_count = st.column_int64(23);
  r.expires_at = st.column_optional_text(24);
  r.provisioned_at = st.column_optional_text(25);
  r.created_at = st.column_text(26);
  r.updated_at = st.column_text(27);
  r.deleted_at = st.column_optional_text(28);
  r.ocpi_token_encoding = st.column_text(29);
  return r;
}

bool party_taken(Database& db, std::string_view org_id, std::string_view country, std::string_view party) {
  auto st = db.prepare("SELECT 1 FROM cpos WHERE org_id = ? AND country_code = ? AND party_id = ? AND "
                       "deleted_at IS NULL");
  st.bind_all(org_id, country, party);
  return st.step();
}

constexpr std::string_view k_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

CpoLocationRow read_location(const Statement& st) {
  return {st.column_int64(0), st.column_text(1), st.column_text(2), st.column_int64(3),
          st.column_text(4),  st.column_text(5), st.column_text(6), st.column_text(7)};
}
constexpr std::string_view k_select_location =
    "SELECT cpo_id, location_id, org_id, seq, name, document_json, created_at, updated_at FROM cpo_locations ";

} // namespace

std::string free_party_id(Database& db, std::string_view org_id, std::string_view country, std::string_view wanted) {
  if (!party_taken(db, org_id, country, wanted)) return std::string{wanted};
  // Keep the first character(s) the user chose and vary the tail, so a mangled id still looks
  // like theirs ("ABC" -> "AB0", "AB1", ... then "A00" ...): the same sequence every time.
  const std::string base{wanted};
  for (std::size_t keep : {std::size_t{2}, std::size_t{1}}) {
    const std::size_t free_chars = base.size() - keep;
    std::size_t combos = 1;
    for (std::size_t i = 0; i < free_chars; ++i)
      combos *= k_alphabet.size();
    for (std::size_t n = 0; n < combos; ++n) {
      std::string candidate = base.substr(0, keep);
      std::size_t v = n;
      std::string tail(free_chars, '0');
      for (std::size_t i = free_chars; i-- > 0;) {
        tail[i] = k_alphabet[v % k_alphabet.size()];
        v /= k_alphabet.size();
      }
      candidate += tail;
      if (!party_taken(db, org_id, country, candidate)) return candidate;
    }
  }
  throw StoreError{"no free party id left for " + std::string{country} + "/" + base};
}

CpoRow insert_cpo(Database& db, CpoRow row) {
  row.created_at = row.updated_at = db.now();
  db.prepare("INSERT INTO cpos(org_id, template, template_version, seed, overrides_json, country_code, party_id, "
             "requested_party, name_prefix, role, ocpi_version, token_a_hash, status, workflow_run_id, expires_at, "
             "created_at, updated_at, ocpi_token_encoding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "?)")
      .bind_all(row.org_id, row.template_slug, row.template_version, static_cast<std::int64_t>(row.seed),
                row.overrides_json, row.country_code, row.party_id, row.requested_party, row.name_prefix, row.role,
                row.ocpi_version, row.token_a_hash, row.status, row.workflow_run_id, row.expires_at, row.created_at,
                row.updated_at, row.ocpi_token_encoding)
      .run();
  row.id = db.last_insert_rowid();
  return row;
}

std::optional<CpoRow> get_cpo(Database& db, std::string_view org_id, std::int64_t id) {
  auto st = db.prepare(std::string{k_select_cpo} + "WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  st.bind_all(id, org_id);
  if (!st.step()) return std::nullopt;
  return read_cpo(st);
}

bool set_cpo_token_encoding(Database& db, std::string_view org_id, std::int64_t id, std::string_view encoding) {
  db.prepare("UPDATE cpos SET ocpi_token_encoding = ?, updated_at = ? WHERE id = ? AND org_id = ? AND deleted_at IS "
             "NULL")
      .bind_all(encoding, db.now(), id, org_id)
      .run();
  return db.changes() > 0;
}

std::optional<CpoRow> find_cpo(Database& db, std::int64_t id) {
  auto st = db.prepare(std::string{k_select_cpo} + "WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_cpo(st);
}

Page<CpoRow> list_cpos(Database& db, std::string_view org_id, PageRequest page) {
  Page<CpoRow> out;
  auto count = db.prepare("SELECT count(*) FROM cpos WHERE org_id = ? AND deleted_at IS NULL");
  count.bind(1, org_id);
  count.step();
  out.total = count.column_int64(0);
  auto st =
      db.prepare(std::string{k_select_cpo} + "WHERE org_id = ? AND deleted_at IS NULL ORDER BY id LIMIT ? OFFSET ?");
  st.bind_all(org_id, page.safe_limit(), page.offset());
  while (st.step())
    out.rows.push_back(read_cpo(st));
  return out;
}

std::optional<std::string> cpo_document(Database& db, std::int64_t id) {
  auto st = db.prepare("SELECT document_json FROM cpos WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return st.column_optional_text(0); // NULL (not generated, or deleted) reads as nullopt
}

bool set_cpo_step(Database& db, std::int64_t id, std::string_view status, std::string_view step, int attempt) {
  db.prepare("UPDATE cpos SET status = ?, current_step = ?, attempt = ?, updated_at = ? WHERE id = ? AND "
             "deleted_at IS NULL")
      .bind_all(status, step, attempt, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool set_cpo_network(Database& db, std::int64_t id, std::string_view document_json, std::string_view sha256,
                     std::int64_t locations, std::int64_t evses, std::int64_t connectors, std::int64_t chargers) {
  db.prepare("UPDATE cpos SET document_json = ?, document_sha256 = ?, locations_count = ?, evses_count = ?, "
             "connectors_count = ?, chargers_total = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")
      .bind_all(document_json, sha256, locations, evses, connectors, chargers, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool set_cpo_progress(Database& db, std::int64_t id, std::int64_t chargers_ready) {
  db.prepare("UPDATE cpos SET chargers_ready = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL AND "
             "chargers_ready <> ?")
      .bind_all(chargers_ready, db.now(), id, chargers_ready)
      .run();
  return db.changes() > 0;
}

bool set_cpo_ready(Database& db, std::int64_t id) {
  const auto now = db.now();
  db.prepare("UPDATE cpos SET status = 'READY', current_step = 'ready', chargers_ready = chargers_total, "
             "error_json = NULL, provisioned_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")
      .bind_all(now, now, id)
      .run();
  return db.changes() > 0;
}

bool set_cpo_failed(Database& db, std::int64_t id, std::string_view error_json) {
  db.prepare("UPDATE cpos SET status = 'FAILED', error_json = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL")
      .bind_all(error_json, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool delete_cpo(Database& db, std::string_view org_id, std::int64_t id) {
  Transaction tx{db};
  const auto now = db.now();
  // The token hash goes at once: Token A and every credential derived from it die with the CPO.
  db.prepare("UPDATE cpos SET deleted_at = ?, updated_at = ?, token_a_hash = NULL, document_json = NULL WHERE id = ? "
             "AND org_id = ? AND deleted_at IS NULL")
      .bind_all(now, now, id, org_id)
      .run();
  const bool deleted = db.changes() > 0;
  if (deleted) db.prepare("DELETE FROM cpo_locations WHERE cpo_id = ?").bind_all(id).run();
  tx.commit();
  return deleted;
}

std::vector<CpoRow> list_expired_cpos(Database& db, std::string_view now) {
  std::vector<CpoRow> out;
  auto st = db.prepare(std::string{k_select_cpo} +
                       "WHERE expires_at IS NOT NULL AND expires_at <= ? AND deleted_at IS NULL ORDER BY id");
  st.bind(1, now);
  while (st.step())
    out.push_back(read_cpo(st));
  return out;
}

std::vector<CpoRow> list_unfinished_cpos(Database& db) {
  std::vector<CpoRow> out;
  auto st = db.prepare(std::string{k_select_cpo} +
                       "WHERE status IN ('PENDING', 'PROVISIONING') AND deleted_at IS NULL ORDER BY id");
  while (st.step())
    out.push_back(read_cpo(st));
  return out;
}

void upsert_cpo_location(Database& db, const CpoLocationRow& row) {
  const auto now = db.now();
  db.prepare("INSERT OR IGNORE INTO cpo_locations(cpo_id, location_id, org_id, seq, name, document_json, created_at, "
             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(row.cpo_id, row.location_id, row.org_id, row.seq, row.name, row.document_json, now, now)
      .run();
}

std::optional<CpoLocationRow> get_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id) {
  auto st = db.prepare(std::string{k_select_location} + "WHERE cpo_id = ? AND location_id = ?");
  st.bind_all(cpo_id, location_id);
  if (!st.step()) return std::nullopt;
  return read_location(st);
}

Page<CpoLocationRow> list_cpo_locations(Database& db, std::int64_t cpo_id, PageRequest page) {
  Page<CpoLocationRow> out;
  auto count = db.prepare("SELECT count(*) FROM cpo_locations WHERE cpo_id = ?");
  count.bind(1, cpo_id);
  count.step();
  out.total = count.column_int64(0);
  auto st = db.prepare(std::string{k_select_location} + "WHERE cpo_id = ? ORDER BY seq LIMIT ? OFFSET ?");
  st.bind_all(cpo_id, page.safe_limit(), page.offset());
  while (st.step())
    out.rows.push_back(read_location(st));
  return out;
}

bool update_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id,
                         const std::optional<std::string>& name, std::string_view document_json) {
  db.prepare("UPDATE cpo_locations SET name = coalesce(?, name), document_json = ?, updated_at = ? WHERE cpo_id = ? "
             "AND location_id = ?")
      .bind_all(name, document_json, db.now(), cpo_id, location_id)
      .run();
  return db.changes() > 0;
}

bool delete_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id) {
  db.prepare("DELETE FROM cpo_locations WHERE cpo_id = ? AND location_id = ?").bind_all(cpo_id, location_id).run();
  return db.changes() > 0;
}

bool set_charger_cpo(Database& db, std::string_view charger_id, std::int64_t cpo_id, std::string_view location_id) {
  db.prepare("UPDATE chargers SET cpo_id = ?, cpo_location_id = ? WHERE id = ?")
      .bind_all(cpo_id, location_id, charger_id)
      .run();
  return db.changes() > 0;
}

std::vector<std::pair<std::string, std::string>> cpo_chargers(Database& db, std::int64_t cpo_id) {
  std::vector<std::pair<std::string, std::string>> out;
  auto st = db.prepare("SELECT id, status FROM chargers WHERE cpo_id = ? AND deleted_at IS NULL ORDER BY rowid");
  st.bind(1, cpo_id);
  while (st.step())
    out.emplace_back(st.column_text(0), st.column_text(1));
  return out;
}

void adjust_cpo_topology(Database& db, std::int64_t id, std::int64_t locations, std::int64_t evses,
                         std::int64_t connectors, std::int64_t chargers) {
  db.prepare("UPDATE cpos SET locations_count = locations_count + ?, evses_count = evses_count + ?, "
             "connectors_count = connectors_count + ?, chargers_total = chargers_total + ?, updated_at = ? "
             "WHERE id = ?")
      .bind_all(locations, evses, connectors, chargers, db.now(), id)
      .run();
}

void recount_cpo_chargers_ready(Database& db, std::int64_t id) {
  db.prepare("UPDATE cpos SET chargers_ready = (SELECT count(*) FROM chargers WHERE cpo_id = ?1 AND "
             "deleted_at IS NULL AND status = 'READY'), updated_at = ?2 WHERE id = ?1")
      .bind_all(id, db.now())
      .run();
}

std::vector<std::string> cpo_identities(Database& db, std::int64_t cpo_id) {
  std::vector<std::string> out;
  auto st = db.prepare("SELECT identity FROM chargers WHERE cpo_id = ? AND deleted_at IS NULL");
  st.bind(1, cpo_id);
  while (st.step())
    out.push_back(st.column_text(0));
  return out;
}

} // namespace ocppfleet::store
