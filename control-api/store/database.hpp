#pragma once
// A thin RAII wrapper over one sqlite3 connection. A Database is used by one thread only
// (the store thread; tests use it directly), so it is opened without SQLite's own mutex.
#include "control-api/store/errors.hpp"
#include "simulator/core/clock.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ocppfleet::store {

// A nullable TEXT column.
using OptText = std::optional<std::string>;

class Database;

// One prepared statement. Parameters are 1-based (SQLite's convention), columns 0-based.
class Statement {
public:
  Statement(Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view{value}); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
  Statement& bind(int index, std::nullptr_t);
  template <class T> Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  // Binds the arguments to parameters 1..N in order.
  template <class... Args> Statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Advances: true when a row is available, false when done. Throws StoreError on failure.
  bool step();
  // Runs a statement that returns no rows to completion.
  void run();
  // Makes the statement ready to run again (bindings cleared).
  void reset();

  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t column_int64(int column) const;
  [[nodiscard]] double column_double(int column) const;
  // NULL reads as "".
  [[nodiscard]] std::string column_text(int column) const;
  [[nodiscard]] std::optional<std::string> column_optional_text(int column) const;
  [[nodiscard]] std::optional<std::int64_t> column_optional_int64(int column) const;
  [[nodiscard]] std::optional<double> column_optional_double(int column) const;

private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
public:
  // Opens (creating if missing) with WAL, synchronous=NORMAL, foreign_keys=ON and a 5 s busy
  // timeout. The clock stamps created_at/updated_at, so tests can drive time.
  static Database open(const std::string& path, const core::Clock& clock = core::system_clock());

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that take no parameters (DDL, pragmas).
  void exec(std::string_view sql);
  [[nodiscard]] Statement prepare(std::string_view sql) { return Statement{*this, sql}; }
  // Rows changed by the last INSERT/UPDATE/DELETE.
  [[nodiscard]] std::int64_t changes() const;
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  // True inside BEGIN ... COMMIT.
  [[nodiscard]] bool in_transaction() const;

  // Now, as ISO-8601 UTC with milliseconds (core::format_timestamp).
  [[nodiscard]] std::string now() const;
  [[nodiscard]] const core::Clock& clock() const { return *clock_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] sqlite3* handle() { return db_; }

  // Throws StoreError with SQLite's message for `rc` when it is an error.
  void check(int rc, std::string_view context) const;

private:
  friend class Transaction;
  Database(sqlite3* db, std::string path, const core::Clock& clock) : db_(db), path_(std::move(path)), clock_(&clock) {}

  sqlite3* db_ = nullptr;
  std::string path_;
  const core::Clock* clock_;
  int savepoint_depth_ = 0;
};

// `Transaction tx{db}; ...; tx.commit();` Rolls back when destroyed uncommitted (an exception).
// Nests: inside an open transaction it becomes a SAVEPOINT, so a repository function that
// needs atomicity can be called alone or inside a caller's larger transaction.
class Transaction {
public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

private:
  Database& db_;
  std::string savepoint_; // empty: the outermost transaction (BEGIN IMMEDIATE)
  bool done_ = false;
};

} // namespace ocppfleet::store
