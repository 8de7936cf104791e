#include "control-api/store/database.hpp"

#include "simulator/core/timestamp.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ocppfleet::store {

namespace {
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
  std::string msg{context};
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  throw StoreError{msg, code};
}
// The database holds Basic auth passwords and token hashes: owner-only. SQLite creates a
// missing file 0644 and gives its -wal/-shm the main file's mode, so the file is created
// here first with 0600; files an older version left readable are tightened.
void restrict_file_mode(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return; // sqlite3_open_v2 reports why with the file's name
  ::close(fd);
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string file = path + suffix;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 077) == 0) continue;
    if (::chmod(file.c_str(), st.st_mode & 0700) != 0)
      throw StoreError{"cannot make '" + file + "' owner-only: " + std::strerror(errno)};
  }
}

// New databases give freed pages back to the file system (purge_deleted_chargers runs
// incremental_vacuum after deleting); an older file is rebuilt once to get there. Must run
// before the first table is created, and before journal_mode, which writes the first page.
std::int64_t pragma_value(Database& db, std::string_view pragma) {
  auto st = db.prepare(pragma); // finalized on return: VACUUM refuses to run beside a live statement
  return st.step() ? st.column_int64(0) : 0;
}

void enable_incremental_vacuum(Database& db) {
  if (pragma_value(db, "PRAGMA auto_vacuum") == 2) return;
  db.exec("PRAGMA auto_vacuum=INCREMENTAL");
  if (pragma_value(db, "PRAGMA page_count") > 0) db.exec("VACUUM");
}
} // namespace

// ---- Statement ----

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    fail(db.handle(), rc, "prepare");
  }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  db_->check(sqlite3_bind_int64(stmt_, index, value), "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  db_->check(sqlite3_bind_double(stmt_, index, value), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // TRANSIENT: SQLite copies, so temporaries bound by the caller are safe.
  db_->check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT), "bind");
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  db_->check(sqlite3_bind_null(stmt_, index), "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_->handle(), rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int64(column);
}

std::optional<double> Statement::column_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}

// ---- Database ----

Database Database::open(const std::string& path, const core::Clock& clock) {
  try {
    restrict_file_mode(path);
  } catch (const StoreError& e) {
    throw StoreError{"cannot open database '" + path + "': " + e.what()};
  }
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg =
        "cannot open database '" + path + "': " + (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    sqlite3_close(raw);
    throw StoreError{msg, rc};
  }
  sqlite3_extended_result_codes(raw, 1);
  Database db{raw, path, clock};
  const std::string where = "cannot open database '" + path + "': ";
  try {
    // busy_timeout first: the journal_mode switch itself may wait on another process's lock.
    db.check(sqlite3_busy_timeout(raw, 5000), "busy_timeout");
    enable_incremental_vacuum(db);
    // journal_mode answers with the mode in force; a file system without shared memory (some
    // network mounts) silently stays in "delete", which we refuse rather than run slow.
    // This is also the first read of the file, so "not a database" surfaces here.
    auto st = db.prepare("PRAGMA journal_mode=WAL");
    const std::string mode = st.step() ? st.column_text(0) : std::string{};
    if (mode != "wal" && path != ":memory:") throw StoreError{"WAL journal mode refused (got '" + mode + "')"};
    db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  } catch (const StoreError& e) {
    throw StoreError{where + e.what(), e.code()};
  }
  return db;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)), clock_(other.clock_),
      savepoint_depth_(other.savepoint_depth_) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    clock_ = other.clock_;
    savepoint_depth_ = other.savepoint_depth_;
  }
  return *this;
}

Database::~Database() {
  // close_v2 defers the close until any leaked statement is finalized instead of failing.
  sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  const std::string s{sql};
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = "exec: ";
    msg += err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw StoreError{msg, sqlite3_extended_errcode(db_)};
  }
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::string Database::now() const { return core::format_timestamp(clock_->wall_now()); }

void Database::check(int rc, std::string_view context) const {
  if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db_, rc, context);
}

// ---- Transaction ----

Transaction::Transaction(Database& db) : db_(db) {
  if (db_.in_transaction()) {
    savepoint_ = "sp" + std::to_string(++db_.savepoint_depth_);
    try {
      db_.exec("SAVEPOINT " + savepoint_);
    } catch (...) {
      --db_.savepoint_depth_;
      throw;
    }
  } else {
    // IMMEDIATE takes the write lock now, so a read-then-write cannot fail halfway with BUSY.
    db_.exec("BEGIN IMMEDIATE");
  }
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    if (savepoint_.empty()) {
      db_.exec("ROLLBACK");
    } else {
      db_.exec("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
      --db_.savepoint_depth_;
    }
  } catch (...) {
    // A destructor runs during unwinding: the original exception is the one worth reporting,
    // and SQLite rolls back by itself when the connection closes.
  }
}

void Transaction::commit() {
  if (done_) throw StoreError{"transaction already finished"};
  if (savepoint_.empty()) {
    db_.exec("COMMIT");
  } else {
    db_.exec("RELEASE " + savepoint_);
    --db_.savepoint_depth_;
  }
  done_ = true;
}

} // namespace ocppfleet::store
