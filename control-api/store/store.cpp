#include "control-api/store/store.hpp"

#include "control-api/store/migrations.hpp"
#include "control-api/store/retention_repo.hpp"
#include "simulator/core/log.hpp"

#include <optional>

namespace ocppfleet::store {

std::unique_ptr<Store> Store::open(const std::string& path, StoreOptions options) {
  std::unique_ptr<Store> store{new Store{path, options}};
  std::promise<void> opened;
  auto ready = opened.get_future();
  // The promise moves into the thread: open() may return while set_value() is still running.
  store->thread_ = std::thread{[s = store.get(), p = std::move(opened)]() mutable { s->run(p); }};
  ready.get(); // rethrows an open/migration failure; ~Store then only joins the ended thread
  return store;
}

Store::Store(std::string path, StoreOptions options) : path_(std::move(path)), options_(options) {}

Store::~Store() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Store::enqueue(Task task) {
  if (!try_enqueue(task)) {
    std::lock_guard lock{mutex_};
    throw StoreBusy{stopping_ ? "store is closing"
                              : "store queue is full (" + std::to_string(queue_.size()) + " items)"};
  }
}

bool Store::try_enqueue(Task& task) {
  {
    std::lock_guard lock{mutex_};
    if (stopping_ || queue_.size() >= options_.max_queue) return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

namespace {
// Posted work has nobody to report to: log its failure so the store thread keeps going.
std::function<void(Database&)> logging_failures(std::function<void(Database&)> fn) {
  return [fn = std::move(fn)](Database& db) {
    try {
      fn(db);
    } catch (const std::exception& e) {
      core::logger()->error("store: posted work failed: {}", e.what());
    } catch (...) {
      core::logger()->error("store: posted work failed with a non-standard exception");
    }
  };
}
} // namespace

void Store::post(std::function<void(Database&)> fn) { enqueue(logging_failures(std::move(fn))); }

bool Store::try_post(std::function<void(Database&)> fn) {
  Task task = logging_failures(std::move(fn));
  return try_enqueue(task);
}

std::size_t Store::queued() const {
  std::lock_guard lock{mutex_};
  return queue_.size();
}

void Store::run(std::promise<void>& opened) {
  // The connection is created, used and closed on this thread only.
  std::optional<Database> db;
  try {
    db.emplace(Database::open(path_, *options_.clock));
    migrate(*db);
  } catch (...) {
    opened.set_exception(std::current_exception());
    return;
  }
  opened.set_value();

  const bool purging = options_.deleted_retention.has_value();
  if (purging) purge(*db);
  auto next_purge = std::chrono::steady_clock::now() + options_.purge_interval;
  for (;;) {
    Task task;
    {
      std::unique_lock lock{mutex_};
      const auto ready = [this] { return stopping_ || !queue_.empty(); };
      if (!purging) {
        wake_.wait(lock, ready);
      } else if (!wake_.wait_until(lock, next_purge, ready)) {
        // Due between two work items, on this thread: the purge needs no lock of its own.
        lock.unlock();
        purge(*db);
        next_purge = std::chrono::steady_clock::now() + options_.purge_interval;
        continue;
      }
      // Drain before stopping: a queued write was promised to its caller.
      if (queue_.empty()) break;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(*db);
    if (db->in_transaction()) {
      // A task that began a transaction by hand and returned without ending it would make every
      // later task part of it; roll it back so one bug cannot hold the write lock forever.
      core::logger()->error("store: work item left a transaction open; rolling it back");
      try {
        db->exec("ROLLBACK");
      } catch (const StoreError& e) {
        core::logger()->error("store: rollback failed: {}", e.what());
      }
    }
  }
}

void Store::purge(Database& db) const {
  try {
    const auto done = purge_deleted_chargers(db, *options_.deleted_retention);
    if (done.chargers > 0)
      core::logger()->info("store: purged {} deleted chargers ({} log rows, {} runs) past their retention",
                           done.chargers, done.logs, done.runs);
  } catch (const std::exception& e) {
    core::logger()->error("store: purging deleted chargers failed: {}", e.what());
  }
}

} // namespace ocppfleet::store
