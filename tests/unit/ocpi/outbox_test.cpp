// The outbox (what a CPO owes its eMSP) and the pusher that delivers it: coalescing, per-CPO
// order with head-of-line holding, retries with backoff against a real loopback HTTP peer,
// CommandResults given up after their attempts, nothing else ever dropped.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "../api/store_test_support.hpp"
#include "control-api/http/errors.hpp"
#include "control-api/store/cpo_repo.hpp"
#include "control-api/store/store.hpp"
#include "ocpi/outbox_repo.hpp"
#include "ocpi/peer_repo.hpp"
#include "ocpi/pusher.hpp"
#include "tests/unit/ocpi/loopback_http.hpp"

namespace ocppfleet::ocpi {
namespace {

using namespace std::chrono_literals;

std::int64_t new_cpo(store::Store& s, const std::string& party) {
  return s
      .submit([&](store::Database& db) {
        store::CpoRow row;
        row.org_id = "org1";
        row.template_slug = "small-urban-ac";
        row.country_code = "FR";
        row.requested_party = row.party_id = party;
        row.name_prefix = "p" + party;
        row.workflow_run_id = "wfr_" + party;
        const auto id = store::insert_cpo(db, row).id;
        PeerRow peer;
        peer.cpo_id = id;
        peer.token_c_hash = "hash-" + party;
        peer.token_b = "token-b-" + party;
        peer.versions_url = peer.version_url = "http://127.0.0.1:1/versions";
        save_peer(db, peer);
        return id;
      })
      .get();
}

OutboxItem item(std::int64_t cpo, std::string kind, std::optional<std::string> key, std::string method, std::string url,
                std::string body) {
  return OutboxItem{0, cpo, std::move(kind), std::move(key), std::move(method), std::move(url), std::move(body), 0};
}

class OutboxTest : public ::testing::Test {
protected:
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_ = store::Store::open(dir_.file("api.db"));

  template <class F> auto on_store(F&& f) { return store_->submit(std::forward<F>(f)).get(); }
  std::vector<DueItem> due(const std::string& now = "2999-01-01T00:00:00.000Z") {
    return on_store([&](store::Database& db) { return due_outbox(db, now, 100); });
  }
};

TEST_F(OutboxTest, a_newer_patch_of_the_same_object_replaces_the_unsent_one_in_place) {
  const auto cpo = new_cpo(*store_, "AAA");
  on_store([&](store::Database& db) {
    enqueue_outbox(db, item(cpo, "location", "loc:1:put", "PUT", "http://e/l/1", "full"));
    enqueue_outbox(db, item(cpo, "location", "evse:1/a", "PATCH", "http://e/l/1/a", "{\"status\":\"CHARGING\"}"));
    enqueue_outbox(db, item(cpo, "cdr", std::nullopt, "POST", "http://e/cdrs", "cdr-1"));
    enqueue_outbox(db, item(cpo, "location", "evse:1/a", "PATCH", "http://e/l/1/a", "{\"status\":\"AVAILABLE\"}"));
  });
  const auto rows = due();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].item.body, "cdr-1"); // kinds are independent queues
  EXPECT_EQ(rows[1].item.method, "PUT");
  EXPECT_EQ(rows[2].item.body, "{\"status\":\"AVAILABLE\"}") << "kept its place after the PUT, took the newer body";
  EXPECT_EQ(rows[0].token_b, "token-b-AAA");
  EXPECT_TRUE(rows[0].base64);
}

TEST_F(OutboxTest, a_row_refreshed_while_in_flight_is_not_lost_when_the_old_body_is_delivered) {
  const auto cpo = new_cpo(*store_, "AAA");
  on_store([&](store::Database& db) { enqueue_outbox(db, item(cpo, "session", "s:1", "PATCH", "http://e/s/1", "1")); });
  const auto sent = due().at(0).item;
  on_store([&](store::Database& db) {
    enqueue_outbox(db, item(cpo, "session", "s:1", "PATCH", "http://e/s/1", "2")); // arrives during the send
    outbox_delivered(db, sent);
  });
  const auto rows = due();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].item.body, "2");
  on_store([&](store::Database& db) { outbox_delivered(db, rows[0].item); });
  EXPECT_TRUE(due().empty());
}

TEST_F(OutboxTest, a_failing_head_holds_back_its_kind_of_its_cpo_but_not_the_others) {
  const auto a = new_cpo(*store_, "AAA");
  const auto b = new_cpo(*store_, "BBB");
  on_store([&](store::Database& db) {
    enqueue_outbox(db, item(a, "session", std::nullopt, "PUT", "http://e/s/1", "put"));
    enqueue_outbox(db, item(a, "session", std::nullopt, "PATCH", "http://e/s/1", "patch"));
    enqueue_outbox(db, item(a, "cdr", std::nullopt, "POST", "http://e/cdrs", "cdr-a"));
    enqueue_outbox(db, item(b, "cdr", std::nullopt, "POST", "http://e/cdrs", "cdr"));
  });
  const auto head = due().at(1).item; // A's cdr comes first (kind order), then A's sessions
  ASSERT_EQ(head.body, "put");
  on_store([&](store::Database& db) { outbox_retry_later(db, head.id, "2999-06-01T00:00:00.000Z", "HTTP 500"); });
  const auto rows = due("2999-01-01T00:00:00.000Z");
  ASSERT_EQ(rows.size(), 2u) << "the PATCH must not overtake its PUT";
  EXPECT_EQ(rows[0].item.body, "cdr-a") << "A's other kinds still go";
  EXPECT_EQ(rows[1].item.cpo_id, b);
  EXPECT_EQ(due("2999-07-01T00:00:00.000Z").size(), 4u) << "once the retry is due, A's sessions go again, in order";
  EXPECT_EQ(on_store([&](store::Database& db) { return outbox_pending(db, a); }), 3);
  EXPECT_EQ(on_store([&](store::Database& db) { return *outbox_next_due(db); }).substr(0, 4), "2026")
      << "B's row is due now";
}

// A loopback eMSP that refuses the first `refuse` calls with HTTP 500, then takes them.
class FakeEmsp {
public:
  explicit FakeEmsp(int refuse) : refuse_(refuse) {}
  std::string url(const std::string& what) const { return http_.base() + "/emsp/" + what; }
  std::vector<std::string> taken() {
    const std::lock_guard lock{mutex_};
    return taken_;
  }
  int refused() {
    const std::lock_guard lock{mutex_};
    return refused_;
  }

private:
  void take(http::HttpRequest& req, http::Responder res) {
    const std::lock_guard lock{mutex_};
    if (refuse_ != 0) {
      if (refuse_ > 0) --refuse_;
      ++refused_;
      return res.send(http::json_response(500, {{"status_code", 3000}}));
    }
    taken_.push_back(req.method + " " + req.path_params.at("what") + " " + req.body + " " +
                     std::string{req.header("Authorization").value_or("-")});
    res.send(http::json_response(200, {{"status_code", 1000}}));
  }

  std::mutex mutex_;
  int refuse_ = 0, refused_ = 0; // refuse_ < 0: refuse forever
  std::vector<std::string> taken_;
  testing::LoopbackHttp http_{[this](http::Router& router) {
    for (const char* method : {"POST", "PUT", "PATCH"})
      router.add(method, "/emsp/{what}",
                 [this](http::HttpRequest& req, http::Responder res) { take(req, std::move(res)); });
  }}; // last: stops before the members its handler uses
};

PushConfig fast() {
  PushConfig c;
  c.retry_base = 20ms;
  c.retry_max = 100ms;
  c.idle_poll = 20ms;
  c.timeout = 2'000ms;
  c.max_command_result_attempts = 3;
  return c;
}

template <class P> bool wait_for(P pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

TEST_F(OutboxTest, the_pusher_retries_until_the_emsp_takes_each_call_in_order_with_token_b) {
  FakeEmsp emsp{2};
  const auto cpo = new_cpo(*store_, "AAA");
  on_store([&](store::Database& db) {
    enqueue_outbox(db, item(cpo, "session", std::nullopt, "PUT", emsp.url("s1"), "put"));
    enqueue_outbox(db, item(cpo, "session", std::nullopt, "PATCH", emsp.url("s1"), "patch"));
    enqueue_outbox(db, item(cpo, "cdr", std::nullopt, "POST", emsp.url("cdrs"), "cdr"));
  });
  Pusher pusher{*store_, fast()};
  pusher.wake();
  ASSERT_TRUE(wait_for([&] { return emsp.taken().size() == 3; })) << emsp.taken().size();
  auto taken = emsp.taken();
  const auto at = [&](const std::string& call) { return std::find(taken.begin(), taken.end(), call) - taken.begin(); };
  const std::string token = " Token dG9rZW4tYi1BQUE="; // base64("token-b-AAA")
  EXPECT_LT(at("PUT s1 put" + token), at("PATCH s1 patch" + token)) << "the PATCH never overtakes its PUT";
  EXPECT_LT(at("POST cdrs cdr" + token), 3);
  EXPECT_EQ(emsp.refused(), 2);
  EXPECT_TRUE(wait_for([&] { return on_store([&](store::Database& db) { return outbox_pending(db, cpo); }) == 0; }));
  EXPECT_EQ(pusher.counters().delivered, 3u);
  EXPECT_EQ(pusher.counters().failed_attempts, 2u);
}

TEST_F(OutboxTest, command_results_go_before_other_pushes) {
  const auto a = new_cpo(*store_, "AAA");
  on_store([&](store::Database& db) {
    for (int i = 0; i < 3; ++i)
      enqueue_outbox(db, item(a, "location", std::nullopt, "PUT", "http://e/l/" + std::to_string(i), "l"));
    enqueue_outbox(db, item(a, "command_result", std::nullopt, "POST", "http://e/r/1", "r"));
  });
  EXPECT_EQ(due().at(0).item.kind, "command_result");
}

TEST_F(OutboxTest, a_command_result_is_given_up_after_its_attempts_but_a_cdr_never_is) {
  FakeEmsp emsp{-1};
  const auto a = new_cpo(*store_, "AAA");
  const auto b = new_cpo(*store_, "BBB");
  on_store([&](store::Database& db) {
    enqueue_outbox(db, item(a, "command_result", std::nullopt, "POST", emsp.url("r1"), "{\"result\":\"ACCEPTED\"}"));
    enqueue_outbox(db, item(b, "cdr", std::nullopt, "POST", emsp.url("cdrs"), "cdr"));
  });
  Pusher pusher{*store_, fast()};
  ASSERT_TRUE(wait_for([&] { return pusher.counters().dropped == 1; }));
  ASSERT_TRUE(wait_for([&] { return emsp.refused() >= 8; }));
  EXPECT_EQ(on_store([&](store::Database& db) { return outbox_pending(db, a); }), 0);
  EXPECT_EQ(on_store([&](store::Database& db) { return outbox_pending(db, b, "cdr"); }), 1)
      << "still waiting for the eMSP after " << emsp.refused() << " refusals";
}

} // namespace
} // namespace ocppfleet::ocpi
