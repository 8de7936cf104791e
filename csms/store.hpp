#pragma once
// The CSMS's durable state: its own SQLite connection, its own csms_* tables and migrations,
// and its own writer thread. Network threads only post rows (never block on SQLite); rows
// with the same key coalesce while queued, so a station heartbeating every second costs one
// write per flush, and the queue is bounded by the number of entities, not of frames.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "csms/types.hpp"

namespace ocppfleet::csms::detail {

class SqliteDb;

struct LoadedState {
  std::vector<StationSnapshot> stations; // with their connectors
  std::vector<TransactionSnapshot> transactions;
  std::vector<IdTokenSnapshot> id_tokens;
};

// Migrations applied so far are recorded in csms_schema_migrations (the control API's own
// schema_migrations table, if the file is shared, is left alone).
int csms_schema_version_latest();

class Store {
public:
  // Opens (creating) the file and migrates it. Throws std::runtime_error.
  Store(const std::string& path, std::chrono::milliseconds flush_interval);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Writes what is queued, then stops the writer thread.
  ~Store();

  // Start-up only (the writer is idle then): everything persisted.
  LoadedState load();

  void put(const StationSnapshot& station); // connectors are not written from here
  void put(const StatusChanged& connector);
  void put(const TransactionSnapshot& transaction);
  void put(const IdTokenSnapshot& token);

  // Blocks until every row put before the call is committed.
  void flush();
  [[nodiscard]] std::uint64_t write_errors() const;
  [[nodiscard]] int schema_version();

private:
  using Row = std::variant<StationSnapshot, StatusChanged, TransactionSnapshot, IdTokenSnapshot>;
  void enqueue(std::string key, Row row);
  void run();
  void write_batch(const std::map<std::string, Row>& batch);

  std::mutex db_mutex_; // the connection: the writer's batches, load() at start-up
  std::unique_ptr<SqliteDb> db_;
  std::chrono::milliseconds flush_interval_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::map<std::string, Row> pending_;
  std::uint64_t put_seq_ = 0;     // rows put so far
  std::uint64_t written_seq_ = 0; // rows committed (or failed) so far
  std::uint64_t flush_waiters_ = 0;
  std::uint64_t write_errors_ = 0;
  bool stop_ = false;
  std::thread writer_;
};

} // namespace ocppfleet::csms::detail
