#include "csms/sqlite_db.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace ocppfleet::csms::detail {

SqliteStmt::SqliteStmt(SqliteDb& db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    db.fail(rc, "prepare");
  }
}

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

SqliteStmt& SqliteStmt::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

SqliteStmt& SqliteStmt::bind(int index, double value) {
  const int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

SqliteStmt& SqliteStmt::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

SqliteStmt& SqliteStmt::bind(int index, const std::optional<double>& value) {
  if (value) return bind(index, *value);
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.fail(rc, "bind");
  return *this;
}

bool SqliteStmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, "step");
}

void SqliteStmt::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStmt::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStmt::column_text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<double> SqliteStmt::column_optional_double(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_double(stmt_, column);
}

SqliteDb::SqliteDb(const std::string& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open CSMS database '" + path + "': " + msg);
  }
  try {
    configure(path);
  } catch (...) {
    sqlite3_close_v2(db_); // the destructor does not run for a throwing constructor
    throw;
  }
}

// Each statement is finalized before the next: a live one keeps a read transaction open,
// and journal_mode cannot change inside a transaction.
void SqliteDb::configure(const std::string& path) {
  sqlite3_busy_timeout(db_, 5000);
  bool empty = false;
  {
    SqliteStmt pages{*this, "PRAGMA page_count"};
    empty = pages.step() && pages.column_int64(0) == 0;
  }
  // Only a file without pages can still switch auto_vacuum; an existing file keeps its mode.
  if (empty) exec("PRAGMA auto_vacuum=INCREMENTAL");
  std::string got;
  {
    SqliteStmt mode{*this, "PRAGMA journal_mode=WAL"};
    got = mode.step() ? mode.column_text(0) : std::string{};
  }
  if (got != "wal" && path != ":memory:")
    throw std::runtime_error("CSMS database '" + path + "': WAL journal mode refused (got '" + got + "')");
  exec("PRAGMA synchronous=NORMAL");
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::exec(std::string_view sql) {
  const std::string text{sql};
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw std::runtime_error("CSMS database: " + msg);
  }
}

void SqliteDb::fail(int rc, std::string_view context) const {
  throw std::runtime_error("CSMS database " + std::string{context} + ": " +
                           (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
}

} // namespace ocppfleet::csms::detail
