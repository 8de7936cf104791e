#include "control-api/store/location_repo.hpp"

#include "control-api/store/ids.hpp"

#include <variant>
#include <vector>

namespace ocppfleet::store {

namespace {

constexpr std::string_view k_select_location_row =
    "SELECT id, org_id, name, address, city, country, latitude, longitude, "
    "created_at, updated_at FROM locations ";

LocationRow read_location_row(const Statement& st) {
  return {st.column_text(0),
          st.column_text(1),
          st.column_text(2),
          st.column_optional_text(3),
          st.column_optional_text(4),
          st.column_optional_text(5),
          st.column_optional_double(6),
          st.column_optional_double(7),
          st.column_text(8),
          st.column_text(9)};
}

} // namespace

LocationRow insert_location(Database& db, LocationRow row) {
  if (row.id.empty()) row.id = new_id("loc_");
  row.created_at = row.updated_at = db.now();
  db.prepare("INSERT INTO locations(id, org_id, name, address, city, country, latitude, longitude, created_at, "
             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind_all(row.id, row.org_id, row.name, row.address, row.city, row.country, row.latitude, row.longitude,
                row.created_at, row.updated_at)
      .run();
  return row;
}

bool location_id_taken(Database& db, std::string_view id) {
  auto st = db.prepare("SELECT 1 FROM locations WHERE id = ?");
  st.bind(1, id);
  return st.step();
}

std::optional<LocationRow> get_location(Database& db, std::string_view org_id, std::string_view id) {
  auto st = db.prepare(std::string{k_select_location_row} + "WHERE id = ? AND org_id = ?");
  st.bind_all(id, org_id);
  if (!st.step()) return std::nullopt;
  return read_location_row(st);
}

Page<LocationRow> list_locations(Database& db, std::string_view org_id, PageRequest page) {
  Page<LocationRow> out;
  auto count = db.prepare("SELECT count(*) FROM locations WHERE org_id = ?");
  count.bind(1, org_id);
  count.step();
  out.total = count.column_int64(0);
  auto st = db.prepare(std::string{k_select_location_row} + "WHERE org_id = ? ORDER BY rowid LIMIT ? OFFSET ?");
  st.bind_all(org_id, page.safe_limit(), page.offset());
  while (st.step())
    out.rows.push_back(read_location_row(st));
  return out;
}

std::optional<LocationRow> update_location(Database& db, std::string_view org_id, std::string_view id,
                                           const LocationUpdate& update) {
  using Value = std::variant<OptText, std::optional<double>>;
  std::vector<std::pair<std::string_view, Value>> sets;
  if (update.name) sets.emplace_back("name", OptText{*update.name});
  if (update.address) sets.emplace_back("address", *update.address);
  if (update.city) sets.emplace_back("city", *update.city);
  if (update.country) sets.emplace_back("country", *update.country);
  if (update.latitude) sets.emplace_back("latitude", *update.latitude);
  if (update.longitude) sets.emplace_back("longitude", *update.longitude);

  std::string sql = "UPDATE locations SET updated_at = ?";
  for (const auto& [column, value] : sets) {
    sql += ", ";
    sql += column;
    sql += " = ?";
  }
  sql += " WHERE id = ? AND org_id = ?";
  auto st = db.prepare(sql);
  int i = 1;
  st.bind(i++, db.now());
  for (const auto& [column, value] : sets)
    std::visit([&](const auto& v) { st.bind(i++, v); }, value);
  st.bind(i++, id);
  st.bind(i, org_id);
  st.run();
  if (db.changes() == 0) return std::nullopt;
  return get_location(db, org_id, id);
}

bool delete_location(Database& db, std::string_view org_id, std::string_view id) {
  db.prepare("DELETE FROM locations WHERE id = ? AND org_id = ?").bind_all(id, org_id).run();
  return db.changes() > 0;
}

} // namespace ocppfleet::store
