#include "control-api/store/org_repo.hpp"

#include "control-api/store/ids.hpp"

namespace ocppfleet::store {

namespace {
constexpr std::string_view k_columns = "SELECT id, name, created_at FROM organizations ";

OrgRow read_org(const Statement& st) { return {st.column_text(0), st.column_text(1), st.column_text(2)}; }

std::optional<OrgRow> find_one(Database& db, std::string_view where, std::string_view value) {
  auto st = db.prepare(std::string{k_columns} + std::string{where});
  st.bind(1, value);
  if (!st.step()) return std::nullopt;
  return read_org(st);
}
} // namespace

std::string create_org(Database& db, std::string_view name) {
  auto id = new_id("org_");
  db.prepare("INSERT INTO organizations(id, name, created_at) VALUES (?, ?, ?)").bind_all(id, name, db.now()).run();
  return id;
}

std::optional<OrgRow> find_org(Database& db, std::string_view id) { return find_one(db, "WHERE id = ?", id); }

std::optional<OrgRow> find_org_by_name(Database& db, std::string_view name) {
  return find_one(db, "WHERE name = ?", name);
}

std::vector<OrgRow> list_orgs(Database& db) {
  auto st = db.prepare(std::string{k_columns} + "ORDER BY rowid");
  std::vector<OrgRow> rows;
  while (st.step())
    rows.push_back(read_org(st));
  return rows;
}

} // namespace ocppfleet::store
