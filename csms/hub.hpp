#pragma once
// What every connection of a Server shares: options, the backends, the store, the event
// subscribers and the network threads (one io_context each). Internal to csms/.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "csms/handlers.hpp"
#include "csms/server.hpp"
#include "csms/state.hpp"
#include "csms/store.hpp"

namespace ocppfleet::csms::detail {

class Hub {
public:
  explicit Hub(ServerOptions options);
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;
  ~Hub();

  const ServerOptions options;
  const HandlerEnv env;
  BackendMap backends;
  std::unique_ptr<Store> store;                      // null when options.db_path is empty
  std::atomic<std::int64_t> next_remote_start_id{1}; // 2.0.1 RequestStartTransaction.remoteStartId

  // Round robin over the network threads' contexts.
  boost::asio::io_context& next_context();
  boost::asio::io_context& context(std::size_t i) { return *contexts_[i]; }

  // Persists the rows and tells the subscribers. Call without any station lock held.
  void commit(Changes&& changes);
  void publish(const ConnectionChanged& event);

  void subscribe(std::shared_ptr<EventListener> listener);
  void unsubscribe(const std::shared_ptr<EventListener>& listener);

  // Lets the threads finish what is queued for at most `grace`, then stops and joins them.
  void stop_threads(std::chrono::milliseconds grace);
  [[nodiscard]] bool stopping() const { return stopping_.load(); }

private:
  using Listeners = std::vector<std::shared_ptr<EventListener>>;
  [[nodiscard]] std::shared_ptr<const Listeners> listeners() const;
  void load_state();

  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopping_{false};

  mutable std::mutex listeners_mutex_; // taken per event (status/transaction changes), not per frame
  std::shared_ptr<const Listeners> listeners_ = std::make_shared<Listeners>();
};

} // namespace ocppfleet::csms::detail
