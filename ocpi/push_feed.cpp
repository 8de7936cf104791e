#include "ocpi/push_feed.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <set>

#include "ocpi/evse_index.hpp"
#include "ocpi/locations_module.hpp"
#include "ocpi/pagination.hpp"
#include "ocpi/sessions_module.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

} // namespace

PushTargets push_targets_of(const PeerRow& peer) {
  PushTargets out;
  const auto endpoints = Json::parse(peer.endpoints_json, nullptr, false);
  if (!endpoints.is_array()) return out;
  for (const auto& e : endpoints) {
    if (!e.is_object() || e.value("role", "") != "RECEIVER" || !e.contains("url") || !e["url"].is_string()) continue;
    auto url = e["url"].get<std::string>();
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    const auto id = e.value("identifier", "");
    if (id == "locations") out.locations = url;
    if (id == "sessions") out.sessions = url;
    if (id == "cdrs") out.cdrs = url;
  }
  return out;
}

PushFeed::PushFeed(store::Store& store, PushLater push_later, std::size_t max_queue)
    : store_(store), push_later_(std::move(push_later)), max_queue_(max_queue) {
  thread_ = std::thread{[this] { run(); }};
}

PushFeed::~PushFeed() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const std::map<std::int64_t, PushTargets>> PushFeed::targets() const {
  const std::lock_guard lock{mutex_};
  return targets_;
}

void PushFeed::load_all() {
  auto all = store_
                 .submit([](store::Database& db) {
                   std::map<std::int64_t, PushTargets> out;
                   auto st = db.prepare("SELECT p.cpo_id FROM ocpi_peers p JOIN cpos c ON c.id = p.cpo_id WHERE "
                                        "c.deleted_at IS NULL");
                   std::vector<std::int64_t> ids;
                   while (st.step())
                     ids.push_back(st.column_int64(0));
                   for (const auto id : ids)
                     if (auto peer = find_peer(db, id)) out[id] = push_targets_of(*peer);
                   return out;
                 })
                 .get();
  const std::lock_guard lock{mutex_};
  targets_ = std::make_shared<const std::map<std::int64_t, PushTargets>>(std::move(all));
}

void PushFeed::refresh(std::int64_t cpo_id) {
  const auto peer = store_
                        .submit([this, cpo_id](store::Database& db) {
                          // A new registration starts from a full PUT: forget what was pushed.
                          // (On the store thread, where the feed's own work reads these.)
                          std::erase_if(last_status_, [cpo_id](const auto& kv) { return kv.first.first == cpo_id; });
                          indexes_.erase(cpo_id);
                          return find_peer(db, cpo_id);
                        })
                        .get();
  const std::lock_guard lock{mutex_};
  auto next = std::make_shared<std::map<std::int64_t, PushTargets>>(*targets_);
  if (peer)
    (*next)[cpo_id] = push_targets_of(*peer);
  else
    next->erase(cpo_id);
  targets_ = std::move(next);
}

void PushFeed::push_all_locations(const CpoParty& cpo) {
  const auto all = targets();
  const auto it = all->find(cpo.id);
  if (it == all->end() || it->second.locations.empty()) return;
  const auto base = it->second.locations + "/" + cpo.country_code + "/" + cpo.party_id + "/";
  store_
      .submit([&](store::Database& db) {
        PageQuery q;
        q.limit = std::numeric_limits<std::int64_t>::max() / 2;
        const auto page = list_ocpi_locations(db, cpo, q);
        store::Transaction tx{db};
        for (const auto& l : page.items) {
          const auto id = l["id"].get<std::string>();
          enqueue_outbox(db,
                         OutboxItem{0, cpo.id, "location", "location:" + id + ":put", "PUT", base + id, l.dump(), 0});
        }
        tx.commit();
      })
      .get();
}

void PushFeed::enqueue(Event event) {
  {
    const std::lock_guard lock{mutex_};
    if (!targets_->contains(event.cpo_id)) return; // nobody to push to
    if (events_.size() >= max_queue_) {
      ++dropped_; // the GET modules still show the truth; only this push is missed
      return;
    }
    events_.push_back(std::move(event));
  }
  wake_.notify_one();
}

void PushFeed::on_status(std::int64_t cpo_id, const std::string& identity, int evse_id, const std::string& ocpp_status,
                         const std::string& timestamp) {
  Event e;
  e.cpo_id = cpo_id;
  e.identity = identity;
  e.evse_id = evse_id;
  e.status = ocpp_status;
  e.timestamp = timestamp;
  enqueue(std::move(e));
}

void PushFeed::on_transaction(std::int64_t cpo_id, const std::string& identity, const std::string& transaction_id,
                              TransactionEvent event) {
  Event e;
  e.cpo_id = cpo_id;
  e.is_status = false;
  e.identity = identity;
  e.transaction_id = transaction_id;
  e.tx = event;
  enqueue(std::move(e));
}

std::uint64_t PushFeed::dropped_events() const {
  const std::lock_guard lock{mutex_};
  return dropped_;
}

void PushFeed::run() {
  using Clock = std::chrono::steady_clock;
  for (;;) {
    std::deque<Event> batch;
    std::set<std::int64_t> due_resyncs;
    {
      std::unique_lock lock{mutex_};
      const auto ready = [this] { return stopping_ || !events_.empty(); };
      if (resyncs_.empty())
        wake_.wait(lock, ready);
      else
        wake_.wait_until(lock, resyncs_.begin()->first, ready);
      if (stopping_) return;
      batch.swap(events_);
      const auto now = Clock::now();
      while (!resyncs_.empty() && resyncs_.begin()->first <= now) {
        due_resyncs.insert(resyncs_.begin()->second);
        resyncs_.erase(resyncs_.begin());
      }
    }
    const auto all = targets();
    std::set<std::int64_t> sessions_changed = due_resyncs; // one sync per CPO per round
    try {
      store_
          .submit([&](store::Database& db) {
            store::Transaction tx{db};
            for (const auto& e : batch) {
              const auto it = all->find(e.cpo_id);
              if (it == all->end()) continue;
              if (e.is_status)
                handle(db, e, it->second);
              else
                sessions_changed.insert(e.cpo_id);
            }
            for (const auto cpo_id : sessions_changed)
              if (all->contains(cpo_id)) push_sessions(db, cpo_id, all->at(cpo_id));
            tx.commit();
          })
          .get();
    } catch (const std::exception& ex) {
      core::logger()->error("OCPI push feed: {} events not turned into pushes: {}", batch.size(), ex.what());
    }
    // Look again after the backend's writer has surely committed (it flushes every 100 ms by
    // default; the second look covers a writer running behind under load).
    const std::lock_guard lock{mutex_};
    const auto now = Clock::now();
    for (const auto& e : batch)
      if (!e.is_status)
        for (const auto delay : {std::chrono::milliseconds{400}, std::chrono::milliseconds{3000}})
          resyncs_.emplace(now + delay, e.cpo_id);
  }
}

void PushFeed::push_sessions(store::Database& db, std::int64_t cpo_id, const PushTargets& targets) {
  if (targets.sessions.empty() && targets.cdrs.empty()) return;
  const auto cpo = find_live_cpo(db, cpo_id);
  if (!cpo) return;
  const auto sessions = targets.sessions + "/" + cpo->country_code + "/" + cpo->party_id + "/";
  RoamingHooks hooks;
  if (!targets.sessions.empty()) {
    hooks.session_created = [&](const Json& s) {
      const auto id = s["id"].get<std::string>();
      enqueue_outbox(db, OutboxItem{0, cpo_id, "session", "session:" + id + ":put", "PUT", sessions + id, s.dump(), 0});
    };
    // What changes on a Session after its PUT; a newer PATCH waiting replaces the older one.
    hooks.session_updated = [&](const Json& s) {
      const auto id = s["id"].get<std::string>();
      Json patch = Json::object();
      for (const char* field : {"kwh", "status", "end_date_time", "total_cost", "charging_periods", "last_updated"})
        if (s.contains(field)) patch[field] = s[field];
      enqueue_outbox(
          db, OutboxItem{0, cpo_id, "session", "session:" + id + ":patch", "PATCH", sessions + id, patch.dump(), 0});
    };
  }
  if (!targets.cdrs.empty())
    hooks.cdr_created = [&](const Json& cdr) {
      enqueue_outbox(db, OutboxItem{0, cpo_id, "cdr", std::nullopt, "POST", targets.cdrs, cdr.dump(), 0});
    };
  sync_sessions_and_cdrs(db, *cpo, hooks);
}

void PushFeed::catch_up() {
  for (const auto& [cpo_id, t] : *targets())
    on_transaction(cpo_id, "", "", TransactionEvent::updated);
}

void PushFeed::handle(store::Database& db, const Event& e, const PushTargets& targets) {
  const auto cpo = find_live_cpo(db, e.cpo_id);
  if (!cpo) return;
  if (e.is_status) {
    if (targets.locations.empty() || e.evse_id <= 0) return;
    // The CPO's topology, cached; a miss reloads it once (a location added since).
    auto cached = indexes_.find(e.cpo_id);
    if (cached == indexes_.end() || !cached->second.by_charger(e.identity, e.evse_id))
      cached = indexes_.insert_or_assign(e.cpo_id, EvseIndex::load(db, e.cpo_id)).first;
    const auto target = cached->second.by_charger(e.identity, e.evse_id);
    if (!target) return;
    // Preparing -> Charging is one OCPI status (CHARGING): the eMSP hears changes only.
    const auto status = evse_status_of(e.status);
    auto& last = last_status_[{e.cpo_id, target->location_id + "/" + target->evse_uid}];
    if (last == status) return;
    last = status;
    const auto last_updated = normalised_timestamp(e.timestamp);
    const auto url = targets.locations + "/" + cpo->country_code + "/" + cpo->party_id + "/" + target->location_id +
                     "/" + target->evse_uid;
    enqueue_outbox(db, OutboxItem{0, e.cpo_id, "location", "evse:" + target->location_id + "/" + target->evse_uid,
                                  "PATCH", url, Json{{"status", status}, {"last_updated", last_updated}}.dump(), 0});
    return;
  }
}

} // namespace ocppfleet::ocpi
