#pragma once
// A minimal sqlite3 wrapper for the CSMS store (csms/ may not use control-api/store). One
// connection, used by one thread at a time (opened without SQLite's mutex). Throws
// std::runtime_error with SQLite's message.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace ocppfleet::csms::detail {

class SqliteDb;

class SqliteStmt {
public:
  SqliteStmt(SqliteDb& db, std::string_view sql);
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;
  ~SqliteStmt();

  // Parameters are 1-based.
  SqliteStmt& bind(int index, std::int64_t value);
  SqliteStmt& bind(int index, double value);
  SqliteStmt& bind(int index, std::string_view value);
  SqliteStmt& bind(int index, const std::optional<double>& value);
  bool step(); // true: a row is ready
  void run();  // to completion, then reset for the next bindings

  [[nodiscard]] std::int64_t column_int64(int column) const;
  [[nodiscard]] std::string column_text(int column) const; // NULL reads as ""
  [[nodiscard]] std::optional<double> column_optional_double(int column) const;

private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
public:
  // WAL, synchronous=NORMAL, 5 s busy timeout; incremental auto-vacuum on a new file (the
  // control API store expects that mode when it shares the file).
  explicit SqliteDb(const std::string& path);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(std::string_view sql);
  [[noreturn]] void fail(int rc, std::string_view context) const;
  [[nodiscard]] sqlite3* handle() const { return db_; }

private:
  void configure(const std::string& path);

  sqlite3* db_ = nullptr;
};

} // namespace ocppfleet::csms::detail
