#include "csms/store.hpp"

#include <array>
#include <exception>
#include <string_view>

#include "csms/sqlite_db.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::csms::detail {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

// CHECKs pin the vocabularies so a bug fails at the write rather than at a reader.
constexpr std::array<Migration, 1> migrations{{
    {1, R"sql(
CREATE TABLE csms_stations (
  backend          TEXT NOT NULL,
  identity         TEXT NOT NULL,
  ocpp_version     TEXT NOT NULL CHECK (ocpp_version IN ('', 'ocpp1.6', 'ocpp2.0.1')),
  vendor           TEXT NOT NULL DEFAULT '',
  model            TEXT NOT NULL DEFAULT '',
  serial_number    TEXT NOT NULL DEFAULT '',
  firmware_version TEXT NOT NULL DEFAULT '',
  boot_status      TEXT NOT NULL DEFAULT '',
  last_boot_at     TEXT NOT NULL DEFAULT '',
  last_seen        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (backend, identity)
);
CREATE TABLE csms_connectors (
  backend      TEXT NOT NULL,
  identity     TEXT NOT NULL,
  evse_id      INTEGER NOT NULL CHECK (evse_id >= 0),
  connector_id INTEGER NOT NULL CHECK (connector_id >= 0),
  status       TEXT NOT NULL,
  error_code   TEXT NOT NULL,
  timestamp    TEXT NOT NULL,
  PRIMARY KEY (backend, identity, evse_id, connector_id)
);
CREATE TABLE csms_transactions (
  backend        TEXT NOT NULL,
  identity       TEXT NOT NULL,
  transaction_id TEXT NOT NULL,
  evse_id        INTEGER NOT NULL,
  connector_id   INTEGER NOT NULL,
  id_token       TEXT NOT NULL,
  meter_start_wh REAL,
  meter_stop_wh  REAL,
  meter_last_wh  REAL,
  energy_wh      REAL NOT NULL,
  started_at     TEXT NOT NULL,
  stopped_at     TEXT NOT NULL,
  stop_reason    TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('active', 'ended')),
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (backend, identity, transaction_id)
);
CREATE TABLE csms_id_tokens (
  backend    TEXT NOT NULL,
  id_token   TEXT NOT NULL,
  type       TEXT NOT NULL,
  identity   TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen  TEXT NOT NULL,
  PRIMARY KEY (backend, id_token)
);
)sql"},
}};

void migrate(SqliteDb& db) {
  db.exec("CREATE TABLE IF NOT EXISTS csms_schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
  std::int64_t current = 0;
  {
    SqliteStmt st{db, "SELECT coalesce(max(version), 0) FROM csms_schema_migrations"};
    current = st.step() ? st.column_int64(0) : 0;
  } // finalized: a live statement would hold a read transaction open
  if (current > migrations.back().version)
    throw std::runtime_error("CSMS tables have schema version " + std::to_string(current) +
                             ", newer than this build knows (" + std::to_string(migrations.back().version) + ")");
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      SqliteStmt record{db, "INSERT INTO csms_schema_migrations (version, applied_at) VALUES (?, datetime('now'))"};
      record.bind(1, static_cast<std::int64_t>(m.version)).run();
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

std::string key_of(char kind, std::initializer_list<std::string_view> parts) {
  std::string key(1, kind);
  for (const auto p : parts) {
    key += '\x1f'; // unit separator: cannot occur in an identity (control characters are refused)
    key += p;
  }
  return key;
}

} // namespace

int csms_schema_version_latest() { return migrations.back().version; }

Store::Store(const std::string& path, std::chrono::milliseconds flush_interval)
    : db_(std::make_unique<SqliteDb>(path)), flush_interval_(flush_interval) {
  migrate(*db_);
  writer_ = std::thread{[this] { run(); }};
}

Store::~Store() {
  {
    const std::lock_guard lock{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  writer_.join();
}

int Store::schema_version() {
  flush();
  const std::lock_guard lock{db_mutex_};
  SqliteStmt st{*db_, "SELECT coalesce(max(version), 0) FROM csms_schema_migrations"};
  return st.step() ? static_cast<int>(st.column_int64(0)) : 0;
}

LoadedState Store::load() {
  flush();
  const std::lock_guard lock{db_mutex_};
  LoadedState out;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  SqliteStmt stations{*db_, "SELECT backend, identity, ocpp_version, vendor, model, serial_number, firmware_version, "
                            "boot_status, last_boot_at, last_seen FROM csms_stations ORDER BY backend, identity"};
  while (stations.step()) {
    StationSnapshot s;
    s.backend = stations.column_text(0);
    s.identity = stations.column_text(1);
    s.ocpp_version = stations.column_text(2);
    s.vendor = stations.column_text(3);
    s.model = stations.column_text(4);
    s.serial_number = stations.column_text(5);
    s.firmware_version = stations.column_text(6);
    s.boot_status = stations.column_text(7);
    s.last_boot_at = stations.column_text(8);
    s.last_seen = stations.column_text(9);
    index[{s.backend, s.identity}] = out.stations.size();
    out.stations.push_back(std::move(s));
  }
  SqliteStmt connectors{*db_, "SELECT backend, identity, evse_id, connector_id, status, error_code, timestamp "
                              "FROM csms_connectors ORDER BY backend, identity, evse_id, connector_id"};
  while (connectors.step()) {
    const auto it = index.find({connectors.column_text(0), connectors.column_text(1)});
    if (it == index.end()) continue; // a status without a station row cannot be written by us
    ConnectorStatus c;
    c.evse_id = static_cast<int>(connectors.column_int64(2));
    c.connector_id = static_cast<int>(connectors.column_int64(3));
    c.status = connectors.column_text(4);
    c.error_code = connectors.column_text(5);
    c.timestamp = connectors.column_text(6);
    out.stations[it->second].connectors.push_back(std::move(c));
  }
  SqliteStmt txs{*db_, "SELECT backend, identity, transaction_id, evse_id, connector_id, id_token, meter_start_wh, "
                       "meter_stop_wh, meter_last_wh, energy_wh, started_at, stopped_at, stop_reason, state, "
                       "updated_at FROM csms_transactions ORDER BY backend, identity, started_at"};
  while (txs.step()) {
    TransactionSnapshot t;
    t.backend = txs.column_text(0);
    t.identity = txs.column_text(1);
    t.transaction_id = txs.column_text(2);
    t.evse_id = static_cast<int>(txs.column_int64(3));
    t.connector_id = static_cast<int>(txs.column_int64(4));
    t.id_token = txs.column_text(5);
    t.meter_start_wh = txs.column_optional_double(6);
    t.meter_stop_wh = txs.column_optional_double(7);
    t.meter_last_wh = txs.column_optional_double(8);
    t.energy_wh = txs.column_optional_double(9).value_or(0);
    t.started_at = txs.column_text(10);
    t.stopped_at = txs.column_text(11);
    t.stop_reason = txs.column_text(12);
    t.state = txs.column_text(13) == "ended" ? TransactionState::Ended : TransactionState::Active;
    t.updated_at = txs.column_text(14);
    out.transactions.push_back(std::move(t));
  }
  SqliteStmt tokens{*db_, "SELECT backend, id_token, type, identity, first_seen, last_seen FROM csms_id_tokens "
                          "ORDER BY backend, id_token"};
  while (tokens.step()) {
    IdTokenSnapshot t;
    t.backend = tokens.column_text(0);
    t.id_token = tokens.column_text(1);
    t.type = tokens.column_text(2);
    t.identity = tokens.column_text(3);
    t.first_seen = tokens.column_text(4);
    t.last_seen = tokens.column_text(5);
    out.id_tokens.push_back(std::move(t));
  }
  return out;
}

void Store::put(const StationSnapshot& s) { enqueue(key_of('s', {s.backend, s.identity}), s); }

void Store::put(const StatusChanged& c) {
  const std::string evse = std::to_string(c.status.evse_id);
  const std::string connector = std::to_string(c.status.connector_id);
  enqueue(key_of('c', {c.backend, c.identity, evse, connector}), c);
}

void Store::put(const TransactionSnapshot& t) { enqueue(key_of('t', {t.backend, t.identity, t.transaction_id}), t); }

void Store::put(const IdTokenSnapshot& t) { enqueue(key_of('i', {t.backend, t.id_token}), t); }

void Store::enqueue(std::string key, Row row) {
  {
    const std::lock_guard lock{mutex_};
    pending_.insert_or_assign(std::move(key), std::move(row));
    ++put_seq_;
  }
  wake_.notify_one();
}

void Store::flush() {
  std::unique_lock lock{mutex_};
  const auto target = put_seq_;
  ++flush_waiters_;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_seq_ >= target; });
  --flush_waiters_;
}

std::uint64_t Store::write_errors() const {
  const std::lock_guard lock{mutex_};
  return write_errors_;
}

void Store::run() {
  std::unique_lock lock{mutex_};
  for (;;) {
    wake_.wait(lock, [&] { return stop_ || !pending_.empty() || flush_waiters_ > 0; });
    // Gather a batch for flush_interval unless someone is waiting for it.
    if (!stop_ && flush_waiters_ == 0)
      wake_.wait_for(lock, flush_interval_, [&] { return stop_ || flush_waiters_ > 0; });
    auto batch = std::move(pending_);
    pending_.clear();
    const auto taken = put_seq_;
    lock.unlock();
    bool failed = false;
    if (!batch.empty()) {
      try {
        write_batch(batch);
      } catch (const std::exception& e) {
        failed = true;
        core::logger()->error("csms store: a batch of {} rows was not written: {}", batch.size(), e.what());
      }
    }
    lock.lock();
    if (failed) ++write_errors_;
    written_seq_ = taken;
    written_.notify_all();
    if (stop_ && pending_.empty()) return;
  }
}

void Store::write_batch(const std::map<std::string, Row>& batch) {
  const std::lock_guard lock{db_mutex_};
  db_->exec("BEGIN IMMEDIATE");
  try {
    SqliteStmt station{*db_, R"sql(
INSERT INTO csms_stations (backend, identity, ocpp_version, vendor, model, serial_number, firmware_version,
                           boot_status, last_boot_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (backend, identity) DO UPDATE SET ocpp_version = ?3, vendor = ?4, model = ?5, serial_number = ?6,
  firmware_version = ?7, boot_status = ?8, last_boot_at = ?9, last_seen = ?10)sql"};
    SqliteStmt connector{*db_, R"sql(
INSERT INTO csms_connectors (backend, identity, evse_id, connector_id, status, error_code, timestamp)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (backend, identity, evse_id, connector_id) DO UPDATE SET status = ?5, error_code = ?6, timestamp = ?7)sql"};
    SqliteStmt transaction{*db_, R"sql(
INSERT INTO csms_transactions (backend, identity, transaction_id, evse_id, connector_id, id_token, meter_start_wh,
  meter_stop_wh, meter_last_wh, energy_wh, started_at, stopped_at, stop_reason, state, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT (backend, identity, transaction_id) DO UPDATE SET evse_id = ?4, connector_id = ?5, id_token = ?6,
  meter_start_wh = ?7, meter_stop_wh = ?8, meter_last_wh = ?9, energy_wh = ?10, started_at = ?11, stopped_at = ?12,
  stop_reason = ?13, state = ?14, updated_at = ?15)sql"};
    SqliteStmt token{*db_, R"sql(
INSERT INTO csms_id_tokens (backend, id_token, type, identity, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (backend, id_token) DO UPDATE SET type = ?3, identity = ?4, last_seen = ?6)sql"};
    const auto i64 = [](int v) { return static_cast<std::int64_t>(v); };
    for (const auto& [key, row] : batch) {
      if (const auto* s = std::get_if<StationSnapshot>(&row)) {
        station.bind(1, s->backend).bind(2, s->identity).bind(3, s->ocpp_version).bind(4, s->vendor);
        station.bind(5, s->model).bind(6, s->serial_number).bind(7, s->firmware_version).bind(8, s->boot_status);
        station.bind(9, s->last_boot_at).bind(10, s->last_seen).run();
      } else if (const auto* c = std::get_if<StatusChanged>(&row)) {
        connector.bind(1, c->backend).bind(2, c->identity).bind(3, i64(c->status.evse_id));
        connector.bind(4, i64(c->status.connector_id)).bind(5, c->status.status).bind(6, c->status.error_code);
        connector.bind(7, c->status.timestamp).run();
      } else if (const auto* t = std::get_if<TransactionSnapshot>(&row)) {
        transaction.bind(1, t->backend).bind(2, t->identity).bind(3, t->transaction_id).bind(4, i64(t->evse_id));
        transaction.bind(5, i64(t->connector_id)).bind(6, t->id_token).bind(7, t->meter_start_wh);
        transaction.bind(8, t->meter_stop_wh).bind(9, t->meter_last_wh).bind(10, t->energy_wh);
        transaction.bind(11, t->started_at).bind(12, t->stopped_at).bind(13, t->stop_reason);
        transaction.bind(14, to_string(t->state)).bind(15, t->updated_at).run();
      } else if (const auto* k = std::get_if<IdTokenSnapshot>(&row)) {
        token.bind(1, k->backend).bind(2, k->id_token).bind(3, k->type).bind(4, k->identity);
        token.bind(5, k->first_seen).bind(6, k->last_seen).run();
      }
    }
    db_->exec("COMMIT");
  } catch (...) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
      // The first error is the one worth reporting; SQLite rolls back on its own when needed.
    }
    throw;
  }
}

} // namespace ocppfleet::csms::detail
