#include "csms/hub.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <exception>

#include "simulator/core/log.hpp"

namespace ocppfleet::csms::detail {
namespace {

HandlerEnv make_env(const ServerOptions& o) {
  HandlerEnv env;
  env.clock = o.clock != nullptr ? o.clock : &core::system_clock();
  env.heartbeat_interval = o.heartbeat_interval;
  env.max_ended_transactions = o.max_ended_transactions_per_station;
  return env;
}

// A listener's exception must not reach the network thread (nor skip the other listeners).
template <class F> void guarded(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    core::logger()->error("csms: event listener threw: {}", e.what());
  } catch (...) {
    core::logger()->error("csms: event listener threw");
  }
}

} // namespace

Hub::Hub(ServerOptions o) : options(std::move(o)), env(make_env(options)) {
  if (!options.db_path.empty()) {
    store = std::make_unique<Store>(options.db_path, options.flush_interval);
    load_state();
  }
  const unsigned n = std::max(1U, options.threads);
  for (unsigned i = 0; i < n; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
  for (unsigned i = 0; i < n; ++i)
    threads_.emplace_back([ctx = contexts_[i].get()] {
      // Handlers catch their own exceptions; this is the last line, so a bug is logged and
      // the thread keeps serving its other connections.
      for (;;) {
        try {
          ctx->run();
          return;
        } catch (const std::exception& e) {
          core::logger()->error("csms: network thread caught: {}", e.what());
        } catch (...) {
          core::logger()->error("csms: network thread caught an unknown exception");
        }
      }
    });
}

Hub::~Hub() {
  stop_threads(std::chrono::milliseconds{0});
  contexts_.clear(); // sessions still queued die here, while the store and backends live
}

void Hub::load_state() {
  auto loaded = store->load();
  for (auto& s : loaded.stations) {
    auto backend = backends.find_or_create(s.backend);
    auto station = backend->find_or_create(s.identity);
    const std::lock_guard lock{station->mutex};
    for (auto& c : s.connectors)
      station->connectors[{c.evse_id, c.connector_id}] = c;
    s.connectors.clear();
    s.connected = false; // nobody is connected to a server that just started
    station->info = std::move(s);
  }
  for (auto& t : loaded.transactions) {
    auto backend = backends.find_or_create(t.backend);
    if (std::int64_t n = 0;
        std::from_chars(t.transaction_id.data(), t.transaction_id.data() + t.transaction_id.size(), n).ec ==
        std::errc{})
      backend->observe_transaction_id(n);
    auto station = backend->find_or_create(t.identity);
    const std::lock_guard lock{station->mutex};
    if (t.state == TransactionState::Ended) {
      station->ended.push_back(t.transaction_id);
      if (station->ended.size() > env.max_ended_transactions) {
        station->transactions.erase(station->ended.front());
        station->ended.pop_front();
      }
    }
    station->transactions[t.transaction_id] = std::move(t);
  }
  for (auto& k : loaded.id_tokens) {
    auto station = backends.find_or_create(k.backend)->find_or_create(k.identity);
    const std::lock_guard lock{station->mutex};
    station->tokens[k.id_token] = std::move(k);
  }
}

boost::asio::io_context& Hub::next_context() { return *contexts_[next_.fetch_add(1) % contexts_.size()]; }

void Hub::commit(Changes&& c) {
  if (store) {
    if (c.station) store->put(*c.station);
    for (const auto& s : c.statuses)
      store->put(s);
    for (const auto& t : c.transactions)
      store->put(t.transaction);
    for (const auto& k : c.id_tokens)
      store->put(k);
  }
  if (c.status_events.empty() && c.transactions.empty()) return;
  const auto subscribers = listeners();
  for (const auto& l : *subscribers) {
    for (const auto& s : c.status_events)
      guarded([&] { l->on_status(s); });
    for (const auto& t : c.transactions)
      guarded([&] { l->on_transaction(t); });
  }
}

void Hub::publish(const ConnectionChanged& event) {
  const auto subscribers = listeners();
  for (const auto& l : *subscribers)
    guarded([&] { l->on_connection(event); });
}

void Hub::subscribe(std::shared_ptr<EventListener> listener) {
  const std::lock_guard lock{listeners_mutex_};
  auto next = std::make_shared<Listeners>(*listeners_);
  next->push_back(std::move(listener));
  listeners_ = std::move(next);
}

void Hub::unsubscribe(const std::shared_ptr<EventListener>& listener) {
  const std::lock_guard lock{listeners_mutex_};
  auto next = std::make_shared<Listeners>(*listeners_);
  std::erase(*next, listener);
  listeners_ = std::move(next);
}

std::shared_ptr<const Hub::Listeners> Hub::listeners() const {
  const std::lock_guard lock{listeners_mutex_};
  return listeners_;
}

void Hub::stop_threads(std::chrono::milliseconds grace) {
  if (stopping_.exchange(true)) {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    return;
  }
  guards_.clear(); // each thread returns as soon as its connections have closed
  // A peer that never completes its close handshake must not hold shutdown: after the grace
  // period a watchdog stops whatever context is still running.
  std::mutex m;
  std::condition_variable cv;
  bool joined = false;
  std::thread watchdog{[&] {
    std::unique_lock lock{m};
    if (!cv.wait_for(lock, grace, [&] { return joined; }))
      for (auto& ctx : contexts_)
        ctx->stop();
  }};
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  {
    const std::lock_guard lock{m};
    joined = true;
  }
  cv.notify_one();
  watchdog.join();
}

} // namespace ocppfleet::csms::detail
