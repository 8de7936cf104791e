#include "control-api/store/charger_repo.hpp"

#include "control-api/store/ids.hpp"

#include <utility>

namespace ocppfleet::store {

namespace {

std::string select_columns(Secrets secrets) {
  // With Secrets::omit the password column reads as NULL: it never leaves SQLite.
  return std::string{"SELECT id, org_id, identity, brand_slug, model_slug, connector_type, ws_url, ocpp_version, "
                     "charge_point_name, location_id, location_name, "} +
         (secrets == Secrets::include ? "basic_auth_password" : "NULL") +
         ", status, runtime_state, workflow_run_id, error_json, provisioned_at, created_at, updated_at, deleted_at "
         "FROM chargers ";
}

ChargerRow read_charger(const Statement& st) {
  ChargerRow r;
  r.id = st.column_text(0);
  r.org_id = st.column_text(1);
  r.identity = st.column_text(2);
  r.brand_slug = st.column_optional_text(3);
  r.model_slug = st.column_optional_text(4);
  r.connector_type = st.column_optional_text(5);
  r.ws_url = st.column_text(6);
  r.ocpp_version = st.column_text(7);
  r.charge_point_name = st.column_optional_text(8);
  r.location_id = st.column_optional_text(9);
  r.location_name = st.column_optional_text(10);
  r.basic_auth_password = st.column_optional_text(11);
  r.status = st.column_text(12);
  r.runtime_state = st.column_text(13);
  r.workflow_run_id = st.column_optional_text(14);
  r.error_json = st.column_optional_text(15);
  r.provisioned_at = st.column_optional_text(16);
  r.created_at = st.column_text(17);
  r.updated_at = st.column_text(18);
  r.deleted_at = st.column_optional_text(19);
  return r;
}

// The partial unique index chargers_org_identity_live reports as "chargers.org_id, chargers.identity".
[[noreturn]] void rethrow_duplicate(const StoreError& e, std::string_view identity) {
  if (e.is_constraint() && std::string_view{e.what()}.find("chargers.identity") != std::string_view::npos)
    throw DuplicateIdentity{"a charger with identity '" + std::string{identity} + "' already exists", e.code()};
  throw; // called inside a catch handler: rethrows the original, type intact
}

} // namespace

ChargerRow insert_charger(Database& db, ChargerRow row) {
  if (row.id.empty()) row.id = new_id("chg_");
  row.created_at = row.updated_at = db.now();
  row.deleted_at.reset();
  try {
    db.prepare("INSERT INTO chargers(id, org_id, identity, brand_slug, model_slug, connector_type, ws_url, "
               "ocpp_version, charge_point_name, location_id, location_name, basic_auth_password, status, "
               "runtime_state, workflow_run_id, error_json, provisioned_at, created_at, updated_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind_all(row.id, row.org_id, row.identity, row.brand_slug, row.model_slug, row.connector_type, row.ws_url,
                  row.ocpp_version, row.charge_point_name, row.location_id, row.location_name, row.basic_auth_password,
                  row.status, row.runtime_state, row.workflow_run_id, row.error_json, row.provisioned_at,
                  row.created_at, row.updated_at)
        .run();
  } catch (const StoreError& e) {
    rethrow_duplicate(e, row.identity);
  }
  row.basic_auth_password.reset();
  return row;
}

std::optional<ChargerRow> get_charger(Database& db, std::string_view org_id, std::string_view id, Secrets secrets) {
  auto st = db.prepare(select_columns(secrets) + "WHERE id = ? AND org_id = ? AND deleted_at IS NULL");
  st.bind_all(id, org_id);
  if (!st.step()) return std::nullopt;
  return read_charger(st);
}

std::optional<ChargerRow> find_charger(Database& db, std::string_view id, Secrets secrets) {
  auto st = db.prepare(select_columns(secrets) + "WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_charger(st);
}

Page<ChargerRow> list_chargers(Database& db, std::string_view org_id, PageRequest page,
                               const std::optional<std::string>& location_id) {
  // ?2 IS NULL makes the location filter optional within one statement.
  const std::string where = "WHERE org_id = ?1 AND deleted_at IS NULL AND (?2 IS NULL OR location_id = ?2) ";
  Page<ChargerRow> out;
  auto count = db.prepare("SELECT count(*) FROM chargers " + where);
  count.bind_all(org_id, location_id);
  count.step();
  out.total = count.column_int64(0);

  auto st = db.prepare(select_columns(Secrets::omit) + where + "ORDER BY rowid LIMIT ?3 OFFSET ?4");
  st.bind_all(org_id, location_id, page.safe_limit(), page.offset());
  while (st.step())
    out.rows.push_back(read_charger(st));
  return out;
}

std::optional<ChargerRow> update_charger(Database& db, std::string_view org_id, std::string_view id,
                                         const ChargerUpdate& update) {
  // Every updatable column is text: collect (column, value) and build one UPDATE.
  std::vector<std::pair<std::string_view, OptText>> sets;
  auto add = [&sets](std::string_view column, const auto& field) {
    if (field) sets.emplace_back(column, OptText{*field});
  };
  add("identity", update.identity);
  add("brand_slug", update.brand_slug);
  add("model_slug", update.model_slug);
  add("connector_type", update.connector_type);
  add("ws_url", update.ws_url);
  add("ocpp_version", update.ocpp_version);
  add("charge_point_name", update.charge_point_name);
  add("location_id", update.location_id);
  add("location_name", update.location_name);
  add("basic_auth_password", update.basic_auth_password);

  std::string sql = "UPDATE chargers SET updated_at = ?";
  for (const auto& [column, value] : sets) {
    sql += ", ";
    sql += column;
    sql += " = ?";
  }
  sql += " WHERE id = ? AND org_id = ? AND deleted_at IS NULL";
  auto st = db.prepare(sql);
  int i = 1;
  st.bind(i++, db.now());
  for (const auto& [column, value] : sets)
    st.bind(i++, value);
  st.bind(i++, id);
  st.bind(i, org_id);
  try {
    st.run();
  } catch (const StoreError& e) {
    rethrow_duplicate(e, update.identity.value_or(""));
  }
  if (db.changes() == 0) return std::nullopt;
  return get_charger(db, org_id, id);
}

bool set_charger_status(Database& db, std::string_view id, std::string_view status, const OptText& error_json,
                        const OptText& provisioned_at) {
  db.prepare("UPDATE chargers SET status = ?, error_json = ?, provisioned_at = ?, updated_at = ? WHERE id = ?")
      .bind_all(status, error_json, provisioned_at, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool set_charger_workflow_run(Database& db, std::string_view id, std::string_view workflow_run_id) {
  db.prepare("UPDATE chargers SET workflow_run_id = ?, updated_at = ? WHERE id = ?")
      .bind_all(workflow_run_id, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool set_runtime_state(Database& db, std::string_view id, std::string_view state) {
  db.prepare("UPDATE chargers SET runtime_state = ?, updated_at = ? WHERE id = ?").bind_all(state, db.now(), id).run();
  return db.changes() > 0;
}

bool set_charger_model_slug(Database& db, std::string_view id, std::string_view model_slug) {
  db.prepare("UPDATE chargers SET model_slug = ?, updated_at = ? WHERE id = ?")
      .bind_all(model_slug, db.now(), id)
      .run();
  return db.changes() > 0;
}

bool soft_delete_charger(Database& db, std::string_view org_id, std::string_view id) {
  const auto now = db.now();
  // The password goes with the charger: a deleted row keeps no secret until it is purged
  // (purge_deleted_chargers), and nothing can start it again.
  db.prepare("UPDATE chargers SET deleted_at = ?, updated_at = ?, basic_auth_password = NULL "
             "WHERE id = ? AND org_id = ? AND deleted_at IS NULL")
      .bind_all(now, now, id, org_id)
      .run();
  return db.changes() > 0;
}

std::vector<ChargerRow> list_running_chargers(Database& db) {
  auto st = db.prepare(select_columns(Secrets::include) +
                       "WHERE runtime_state = 'running' AND deleted_at IS NULL ORDER BY rowid");
  std::vector<ChargerRow> rows;
  while (st.step())
    rows.push_back(read_charger(st));
  return rows;
}

} // namespace ocppfleet::store
