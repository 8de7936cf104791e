#include "ocpi/pusher.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "ocpi/credentials.hpp"
#include "ocpi/http_client.hpp"
#include "ocpi/outbox_repo.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

// Taken: an HTTP 2xx whose OCPI status_code, when there is one, is a success (1xxx).
std::string refusal(const ClientResponse& r) {
  if (r.status < 200 || r.status >= 300) return "HTTP " + std::to_string(r.status);
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("status_code") && body["status_code"].is_number_integer()) {
    const auto code = body["status_code"].get<int>();
    if (code < 1000 || code >= 2000) return "status_code " + std::to_string(code);
  }
  return {};
}

} // namespace

Pusher::Pusher(store::Store& store, PushConfig config) : store_(store), config_(config) {
  thread_ = std::thread{[this] { run(); }};
}

Pusher::~Pusher() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Pusher::wake(bool urgent) {
  if (urgent) urgent_ = true;
  {
    const std::lock_guard lock{mutex_};
    woken_ = true;
  }
  wake_.notify_one();
}

PushCounters Pusher::counters() const {
  const std::lock_guard lock{mutex_};
  return counters_;
}

void Pusher::run() {
  for (;;) {
    bool sent = false;
    try {
      sent = deliver_due();
    } catch (const std::exception& e) {
      core::logger()->error("OCPI push: {}", e.what());
    }
    std::unique_lock lock{mutex_};
    if (stopping_) return;
    if (!sent) wake_.wait_for(lock, config_.idle_poll, [this] { return woken_ || stopping_; });
    woken_ = false;
    if (stopping_) return;
  }
}

bool Pusher::deliver_due() {
  const auto now = core::format_timestamp(config_.clock->wall_now());
  const auto due = store_.submit([&](store::Database& db) { return due_outbox(db, now, config_.batch); }).get();
  std::set<std::pair<std::int64_t, std::string>> held; // (CPO, kind) whose earlier row failed: keep the order
  for (const auto& d : due) {
    {
      const std::lock_guard lock{mutex_};
      if (stopping_) return true;
    }
    if (urgent_.exchange(false)) return true; // a CommandResult came in: query again, it goes first
    const auto& item = d.item;
    if (held.contains({item.cpo_id, item.kind})) continue;
    std::string error;
    if (!d.token_b) {
      error = "no eMSP registered";
    } else {
      try {
        ClientRequest request;
        request.method = item.method;
        request.url = item.url;
        request.authorization = authorization_for(*d.token_b, d.base64);
        request.body = item.body;
        request.timeout = config_.timeout;
        error = refusal(send_request(request));
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    if (error.empty()) {
      store_.submit([&](store::Database& db) { outbox_delivered(db, item); }).get();
      const std::lock_guard lock{mutex_};
      ++counters_.delivered;
      continue;
    }
    held.insert({item.cpo_id, item.kind});
    const auto attempts = item.attempts + 1;
    const bool give_up = item.kind == "command_result" && attempts >= config_.max_command_result_attempts;
    auto delay = config_.retry_base * (std::int64_t{1} << std::min<std::int64_t>(attempts - 1, 20));
    delay = std::min(delay, config_.retry_max);
    const auto next = core::format_timestamp(config_.clock->wall_now() + delay);
    core::logger()->warn("OCPI push: {} {} for CPO {} not taken ({}): {}", item.method, item.url, item.cpo_id, error,
                         give_up ? "given up" : "retrying");
    store_
        .submit([&](store::Database& db) {
          if (give_up)
            outbox_drop(db, item.id);
          else
            outbox_retry_later(db, item.id, next, error);
        })
        .get();
    const std::lock_guard lock{mutex_};
    ++counters_.failed_attempts;
    if (give_up) ++counters_.dropped;
  }
  return !due.empty() && held.size() < due.size();
}

} // namespace ocppfleet::ocpi
