#pragma once
// The one thread that touches SQLite. HTTP I/O threads and the workflow thread never block on
// the database: they hand work to the store and get a future (or nothing, for post()).
//
//   auto fut = store.submit([id](Database& db) { return get_charger(db, org, id); });
//
// Work runs in submission order (FIFO), one item at a time, so each caller's items run in the
// order it submitted them. Repository functions (*_repo.hpp) are synchronous and are meant to
// be called inside submit()/post().
#include "control-api/store/database.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

namespace ocppfleet::store {

struct StoreOptions {
  // Work items waiting at most; past this submit()/post() throw StoreBusy (HTTP 503) rather
  // than let a slow disk grow memory without bound.
  std::size_t max_queue = 100'000;
  // Stamps created_at/updated_at and dates the purge cutoff; must outlive the store.
  const core::Clock* clock = &core::system_clock();
  // Soft-deleted chargers older than this go for good, with their logs and runs
  // (purge_deleted_chargers), once at open and then every purge_interval (steady time).
  // nullopt keeps them forever; `ocppfleet serve --deleted-retention` sets it (default 24h).
  std::optional<std::chrono::seconds> deleted_retention;
  std::chrono::milliseconds purge_interval = std::chrono::minutes{10};
};

class Store {
public:
  // Opens the database and runs the migrations on the store thread. Throws StoreError
  // (unreadable file, newer schema, failed migration).
  static std::unique_ptr<Store> open(const std::string& path, StoreOptions options = {});

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Runs every item already queued, then closes the database and joins the thread.
  ~Store();

  // Runs fn(db) on the store thread. Its result, or the exception it threw, arrives through
  // the future. Throws StoreBusy (at once, on the caller's thread) when the queue is full.
  template <class F> auto submit(F&& fn) -> std::future<std::invoke_result_t<F, Database&>> {
    using R = std::invoke_result_t<F, Database&>;
    // std::function needs a copyable target and packaged_task is move-only: share it.
    auto task = std::make_shared<std::packaged_task<R(Database&)>>(std::forward<F>(fn));
    auto result = task->get_future();
    enqueue([task = std::move(task)](Database& db) { (*task)(db); });
    return result;
  }

  // Fire and forget; an exception fn throws is logged. Throws StoreBusy when full.
  void post(std::function<void(Database&)> fn);
  // Like post() but answers false instead of throwing when the queue is full (log batches:
  // the caller counts the drop instead of failing a hot path).
  [[nodiscard]] bool try_post(std::function<void(Database&)> fn);

  // Items waiting (not counting the one running).
  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  using Task = std::function<void(Database&)>;
  Store(std::string path, StoreOptions options);
  void enqueue(Task task);
  bool try_enqueue(Task& task);
  void run(std::promise<void>& opened);
  void purge(Database& db) const; // deleted_retention's purge; failures are logged

  std::string path_;
  StoreOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace ocppfleet::store
