// Load shaping: the token bucket and the connect gate on virtual time (exact checks), then
// Links against the fake server on real time (lenient lower bounds, bounded waits).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

#include "fake_ws_server.hpp"
#include "link_harness.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/core/prng.hpp"
#include "simulator/transport/connect_gate.hpp"

namespace ocppfleet::transport::testing {
namespace {

using std::chrono::nanoseconds;

ConnectGateOptions rate_only(double rate, std::uint32_t burst) {
  ConnectGateOptions o;
  o.rate_per_s = rate;
  o.burst = burst;
  return o;
}

ConnectGateOptions handshakes_only(std::uint32_t max) {
  ConnectGateOptions o;
  o.max_handshakes = max;
  return o;
}

// Most grants that fall in one closed window [t, t + w], over every window starting at a
// grant (a fullest window can always be slid to start at one).
std::size_t fullest_window(const std::vector<GateTime>& grants, nanoseconds w) {
  std::size_t best = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    j = std::max(j, i);
    while (j < grants.size() && grants[j] - grants[i] <= w)
      ++j;
    best = std::max(best, j - i);
  }
  return best;
}

// ---------------------------------------------------------------- TokenBucket

TEST(TokenBucket, spends_the_burst_then_one_token_per_interval) {
  core::VirtualClock clock;
  TokenBucket bucket{10.0, 3};
  const auto t0 = clock.steady_now();
  EXPECT_EQ(bucket.interval(), 100ms);
  EXPECT_EQ(bucket.available(t0), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(bucket.try_take(t0)) << i;
  EXPECT_FALSE(bucket.try_take(t0));
  EXPECT_EQ(bucket.due_for(0, t0), t0 + 100ms);
  EXPECT_EQ(bucket.due_for(2, t0), t0 + 300ms);
  EXPECT_EQ(bucket.available(t0 + 99ms), 0u);
  EXPECT_EQ(bucket.available(t0 + 100ms), 1u);
  EXPECT_EQ(bucket.available(t0 + 250ms), 2u);
  EXPECT_EQ(bucket.available(t0 + 10s), 3u) << "never more than the burst";
  EXPECT_EQ(bucket.due_for(2, t0 + 10s), t0 + 10s) << "three are available at once";
  EXPECT_EQ(bucket.due_for(3, t0 + 10s), t0 + 10s + 100ms);
}

TEST(TokenBucket, interval_is_rounded_up_so_the_rate_is_never_exceeded) {
  EXPECT_EQ(TokenBucket(3.0, 1).interval(), nanoseconds{333'333'334});
  EXPECT_EQ(TokenBucket(7.5, 1).interval(), nanoseconds{133'333'334});
  EXPECT_EQ(TokenBucket(2e9, 1).interval(), nanoseconds{1});
}

TEST(TokenBucket, rejects_nonsense) {
  EXPECT_THROW(TokenBucket(0.0, 1), std::invalid_argument);
  EXPECT_THROW(TokenBucket(-1.0, 1), std::invalid_argument);
  EXPECT_THROW(TokenBucket(std::nan(""), 1), std::invalid_argument);
  EXPECT_THROW(TokenBucket(10.0, 0), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1e-6, 1), std::invalid_argument);
}

// ---------------------------------------------------------------- ConnectGate on virtual time

TEST(ConnectGate, rejects_bad_options) {
  EXPECT_THROW(ConnectGate(rate_only(-1, 1)), std::invalid_argument);
  EXPECT_THROW(ConnectGate(rate_only(std::nan(""), 1)), std::invalid_argument);
  EXPECT_THROW(ConnectGate(rate_only(10, 0)), std::invalid_argument);
  auto o = handshakes_only(2);
  o.min_slot_poll = 0ns;
  EXPECT_THROW(ConnectGate{o}, std::invalid_argument);
  o.min_slot_poll = 2ms;
  o.max_slot_poll = 1ms;
  EXPECT_THROW(ConnectGate{o}, std::invalid_argument);
  EXPECT_NO_THROW(ConnectGate(ConnectGateOptions{})); // unlimited
}

TEST(ConnectGate, without_limits_grants_everything) {
  ConnectGate gate{ConnectGateOptions{}};
  core::VirtualClock clock;
  std::vector<GateTicket> tickets(1000);
  for (auto& t : tickets)
    EXPECT_TRUE(gate.try_acquire(t, clock.steady_now()).granted);
  EXPECT_EQ(gate.stats().handshakes, 1000u);
  for (auto& t : tickets)
    gate.release(t, clock.steady_now());
  EXPECT_EQ(gate.stats().handshakes, 0u);
  EXPECT_EQ(gate.stats().refused_total, 0u);
}

TEST(ConnectGate, refusal_names_the_time_of_the_next_token_and_grants_resume_then) {
  ConnectGate gate{rate_only(20, 2)}; // 50 ms per token
  core::VirtualClock clock;
  const auto t0 = clock.steady_now();
  GateTicket a, b, c;
  EXPECT_TRUE(gate.try_acquire(a, t0).granted);
  EXPECT_TRUE(gate.try_acquire(b, t0).granted);
  auto d = gate.try_acquire(c, t0);
  ASSERT_FALSE(d.granted);
  EXPECT_EQ(d.retry_at, t0 + 50ms);
  EXPECT_TRUE(c.waiting());
  EXPECT_EQ(gate.stats().waiting, 1u);
  clock.advance(50ms - 1ns); // too early: still refused, same time named
  d = gate.try_acquire(c, clock.steady_now());
  ASSERT_FALSE(d.granted);
  EXPECT_EQ(d.retry_at, t0 + 50ms);
  clock.advance(1ns);
  EXPECT_TRUE(gate.try_acquire(c, clock.steady_now()).granted);
  EXPECT_FALSE(c.waiting());
  EXPECT_TRUE(c.holds_slot());
  const auto s = gate.stats();
  EXPECT_EQ(s.granted_total, 3u);
  EXPECT_EQ(s.refused_total, 2u);
  EXPECT_EQ(s.waiting, 0u);
}

TEST(ConnectGate, grants_in_any_window_stay_within_rate_times_window_plus_burst) {
  struct Case {
    double rate;
    std::uint32_t burst;
  };
  for (const Case k : {Case{50, 1}, Case{7.5, 3}, Case{1000, 20}, Case{0.5, 2}, Case{3, 1}}) {
    SCOPED_TRACE("rate " + std::to_string(k.rate) + " burst " + std::to_string(k.burst));
    ConnectGate gate{rate_only(k.rate, k.burst)};
    core::VirtualClock clock;
    core::Prng prng{core::derive_seed(7, "gate-window")};
    const auto t0 = clock.steady_now();
    const auto interval = nanoseconds{static_cast<std::int64_t>(1e9 / k.rate)};
    // 64 callers: bursts of demand (think times well below the interval) alternate with
    // idle stretches that let the burst refill.
    struct Caller {
      GateTicket ticket;
      GateTime next;
    };
    std::vector<Caller> callers(64);
    for (auto& c : callers)
      c.next =
          t0 + nanoseconds{static_cast<std::int64_t>(prng.below(static_cast<std::uint64_t>(interval.count()) * 4))};
    std::vector<GateTime> grants;
    const auto horizon = t0 + interval * 600;
    for (;;) {
      auto it = std::min_element(callers.begin(), callers.end(),
                                 [](const Caller& a, const Caller& b) { return a.next < b.next; });
      if (it->next > horizon) break;
      if (it->next > clock.steady_now()) clock.advance(it->next - clock.steady_now());
      const auto now = clock.steady_now();
      const auto d = gate.try_acquire(it->ticket, now);
      if (d.granted) {
        grants.push_back(now);
        gate.release(it->ticket, now);
        const bool idle = prng.below(10) == 0;
        it->next =
            now +
            (idle ? interval * static_cast<std::int64_t>(10 + prng.below(200))
                  : nanoseconds{static_cast<std::int64_t>(prng.below(static_cast<std::uint64_t>(interval.count())))});
      } else {
        ASSERT_GT(d.retry_at, now);
        it->next = d.retry_at;
      }
    }
    ASSERT_GT(grants.size(), 100u);
    for (const nanoseconds w :
         {nanoseconds{0}, interval / 2, interval, nanoseconds{1'000'000}, interval * 3 + interval / 3,
          nanoseconds{100'000'000}, nanoseconds{1'000'000'000}, interval * 25, nanoseconds{10'000'000'000}}) {
      const double bound = k.rate * std::chrono::duration<double>(w).count() + k.burst;
      EXPECT_LE(static_cast<double>(fullest_window(grants, w)), bound) << "window " << w.count() << " ns";
    }
    // Demand is always there, so grants keep coming at about the rate (time advancing is
    // all it takes: no refusal is final).
    const double span = std::chrono::duration<double>(grants.back() - grants.front()).count();
    EXPECT_GE(static_cast<double>(grants.size()), 0.5 * k.rate * span);
  }
}

TEST(ConnectGate, queued_links_wake_one_interval_apart_in_arrival_order) {
  ConnectGate gate{rate_only(100, 1)}; // 10 ms
  core::VirtualClock clock;
  const auto t0 = clock.steady_now();
  GateTicket first;
  ASSERT_TRUE(gate.try_acquire(first, t0).granted);
  std::vector<GateTicket> queued(50);
  std::vector<GateTime> at;
  for (auto& t : queued) {
    const auto d = gate.try_acquire(t, t0);
    ASSERT_FALSE(d.granted);
    at.push_back(d.retry_at);
  }
  for (std::size_t k = 0; k < at.size(); ++k)
    EXPECT_EQ(at[k], t0 + 10ms * static_cast<int>(k + 1)) << k; // not all at t0 + 10 ms
  // A newcomer does not jump the queue, even with a token lying there.
  clock.advance(10ms);
  GateTicket late;
  const auto d = gate.try_acquire(late, clock.steady_now());
  ASSERT_FALSE(d.granted);
  EXPECT_EQ(d.retry_at, t0 + 10ms * 51);
  // Each queued link, back at its time, gets its token.
  for (std::size_t k = 0; k < queued.size(); ++k) {
    if (at[k] > clock.steady_now()) clock.advance(at[k] - clock.steady_now());
    EXPECT_TRUE(gate.try_acquire(queued[k], clock.steady_now()).granted) << k;
  }
  clock.advance(d.retry_at - clock.steady_now());
  EXPECT_TRUE(gate.try_acquire(late, clock.steady_now()).granted);
  EXPECT_EQ(gate.stats().waiting, 0u);
}

TEST(ConnectGate, a_due_link_that_lost_its_token_to_a_faster_one_waits_only_for_the_next) {
  ConnectGate gate{rate_only(100, 1)}; // 10 ms
  core::VirtualClock clock;
  const auto t0 = clock.steady_now();
  GateTicket x, b, c, d, e;
  ASSERT_TRUE(gate.try_acquire(x, t0).granted);
  for (GateTicket* t : {&b, &c, &d, &e})
    ASSERT_FALSE(gate.try_acquire(*t, t0).granted); // due at 10, 20, 30, 40 ms
  clock.advance(12ms);                              // b's timer fired 2 ms late: the next token is at 22 ms
  ASSERT_TRUE(gate.try_acquire(b, clock.steady_now()).granted);
  clock.advance(8ms); // c is on time, at 20 ms
  const auto r = gate.try_acquire(c, clock.steady_now());
  ASSERT_FALSE(r.granted);
  EXPECT_EQ(r.retry_at, t0 + 22ms) << "not behind d and e (42 ms): that would waste a token";
  clock.advance(2ms);
  EXPECT_TRUE(gate.try_acquire(c, clock.steady_now()).granted);
  EXPECT_EQ(gate.stats().waiting, 2u);
}

TEST(ConnectGate, links_that_gave_up_waiting_do_not_delay_newcomers) {
  ConnectGate gate{rate_only(10, 1)}; // 100 ms
  core::VirtualClock clock;
  const auto t0 = clock.steady_now();
  GateTicket first;
  ASSERT_TRUE(gate.try_acquire(first, t0).granted);
  std::vector<GateTicket> queued(20);
  for (auto& t : queued)
    ASSERT_FALSE(gate.try_acquire(t, t0).granted);
  EXPECT_EQ(gate.stats().waiting, 20u);
  for (auto& t : queued)
    gate.release(t, t0); // stopped or destroyed while queued
  EXPECT_EQ(gate.stats().waiting, 0u);
  GateTicket next;
  const auto d = gate.try_acquire(next, t0);
  ASSERT_FALSE(d.granted);
  EXPECT_EQ(d.retry_at, t0 + 100ms) << "the next token, not after 20 ghosts";
}

TEST(ConnectGate, max_handshakes_caps_concurrency_and_release_frees_a_slot) {
  ConnectGate gate{handshakes_only(3)};
  core::VirtualClock clock;
  const auto now = clock.steady_now();
  std::vector<GateTicket> t(5);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(gate.try_acquire(t[i], now).granted) << i;
  const auto d = gate.try_acquire(t[3], now);
  ASSERT_FALSE(d.granted);
  EXPECT_GT(d.retry_at, now);
  EXPECT_LE(d.retry_at, now + gate.options().max_slot_poll);
  EXPECT_EQ(gate.stats().handshakes, 3u);
  gate.release(t[0], now); // attempt 0 opened (or failed)
  EXPECT_EQ(gate.stats().handshakes, 2u);
  // The freed slot goes to the queued link, not to a newcomer.
  EXPECT_FALSE(gate.try_acquire(t[4], now).granted);
  EXPECT_TRUE(gate.try_acquire(t[3], now).granted);
  EXPECT_FALSE(gate.try_acquire(t[4], now).granted);
  const auto s = gate.stats();
  EXPECT_EQ(s.handshakes, 3u);
  EXPECT_EQ(s.peak_handshakes, 3u);
  EXPECT_EQ(s.waiting, 1u);
}

TEST(ConnectGate, release_is_idempotent_so_a_slot_is_never_released_twice) {
  ConnectGate gate{handshakes_only(2)};
  core::VirtualClock clock;
  const auto now = clock.steady_now();
  GateTicket a, b, never;
  ASSERT_TRUE(gate.try_acquire(a, now).granted);
  ASSERT_TRUE(gate.try_acquire(b, now).granted);
  gate.release(a, now);
  gate.release(a, now); // e.g. session_open, then session_closed, then the destructor
  gate.release(a, now);
  gate.release(never, now);
  EXPECT_EQ(gate.stats().handshakes, 1u) << "b still holds its slot";
  EXPECT_FALSE(a.holds_slot());
  EXPECT_TRUE(b.holds_slot());
  // A second attempt on a ticket that never released the first one does not leak a slot.
  ASSERT_TRUE(gate.try_acquire(b, now).granted);
  EXPECT_EQ(gate.stats().handshakes, 1u);
  gate.release(b, now);
  EXPECT_EQ(gate.stats().handshakes, 0u);
}

TEST(ConnectGate, releasing_a_queued_ticket_leaves_the_queue) {
  ConnectGate gate{handshakes_only(1)};
  core::VirtualClock clock;
  const auto now = clock.steady_now();
  GateTicket a, b;
  ASSERT_TRUE(gate.try_acquire(a, now).granted);
  ASSERT_FALSE(gate.try_acquire(b, now).granted);
  EXPECT_TRUE(b.waiting());
  gate.release(b, now);
  EXPECT_FALSE(b.waiting());
  const auto s = gate.stats();
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.handshakes, 1u) << "releasing a queued ticket frees no slot";
}

TEST(ConnectGate, queued_slot_waiters_poll_spread_out_at_the_pace_slots_free_up) {
  auto o = handshakes_only(1);
  o.min_slot_poll = 100us;
  o.max_slot_poll = 50ms;
  ConnectGate gate{o};
  core::VirtualClock clock;
  // Handshakes that take 4 ms, one after the other: the gate learns that pace.
  for (int i = 0; i < 64; ++i) {
    GateTicket t;
    ASSERT_TRUE(gate.try_acquire(t, clock.steady_now()).granted);
    clock.advance(4ms);
    gate.release(t, clock.steady_now());
  }
  GateTicket busy;
  ASSERT_TRUE(gate.try_acquire(busy, clock.steady_now()).granted);
  const auto now = clock.steady_now();
  std::vector<GateTicket> queued(10);
  std::vector<GateTime> at;
  for (auto& t : queued) {
    const auto d = gate.try_acquire(t, now);
    ASSERT_FALSE(d.granted);
    at.push_back(d.retry_at);
  }
  using Millis = std::chrono::duration<double, std::milli>;
  for (std::size_t k = 0; k < at.size(); ++k)
    EXPECT_NEAR(Millis(at[k] - now).count(), 4.0 * static_cast<double>(k + 1), 0.5) << k;
}

TEST(ConnectGate, rate_and_handshake_limits_hold_together_in_a_simulated_ramp) {
  auto o = rate_only(100, 5);
  o.max_handshakes = 4;
  ConnectGate gate{o};
  core::VirtualClock clock;
  core::Prng prng{core::derive_seed(11, "gate-ramp")};
  struct Caller {
    GateTicket ticket;
    GateTime next;
    bool connecting = false;
    int opens = 0;
  };
  std::vector<Caller> callers(40);
  const auto t0 = clock.steady_now();
  for (auto& c : callers)
    c.next = t0;
  std::vector<GateTime> grants;
  std::uint32_t connecting = 0;
  std::uint32_t peak = 0;
  for (int step = 0; step < 100'000; ++step) {
    auto it = std::min_element(callers.begin(), callers.end(),
                               [](const Caller& a, const Caller& b) { return a.next < b.next; });
    if (it->next == GateTime::max()) break; // everyone opened
    if (it->next > clock.steady_now()) clock.advance(it->next - clock.steady_now());
    const auto now = clock.steady_now();
    if (it->connecting) { // the handshake ends: open (3 in 4) or failed, then retries
      it->connecting = false;
      --connecting;
      gate.release(it->ticket, now);
      if (prng.below(4) != 0) {
        ++it->opens;
        it->next = GateTime::max();
      } else {
        it->next = now + 20ms;
      }
      continue;
    }
    const auto d = gate.try_acquire(it->ticket, now);
    if (d.granted) {
      grants.push_back(now);
      it->connecting = true;
      peak = std::max(peak, ++connecting);
      it->next = now + nanoseconds{static_cast<std::int64_t>(5'000'000 + prng.below(55'000'000))};
    } else {
      it->next = d.retry_at;
    }
  }
  for (const auto& c : callers)
    EXPECT_EQ(c.opens, 1);
  EXPECT_LE(peak, 4u);
  EXPECT_EQ(gate.stats().peak_handshakes, peak);
  EXPECT_EQ(gate.stats().handshakes, 0u);
  EXPECT_EQ(gate.stats().waiting, 0u);
  for (const nanoseconds w :
       {nanoseconds{0}, nanoseconds{10'000'000}, nanoseconds{95'000'000}, nanoseconds{1'000'000'000}})
    EXPECT_LE(static_cast<double>(fullest_window(grants, w)), 100 * std::chrono::duration<double>(w).count() + 5);
}

TEST(ConnectGate, is_safe_to_share_between_threads) {
  ConnectGate gate{handshakes_only(8)};
  std::atomic<int> inside{0};
  std::atomic<int> worst{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      std::vector<GateTicket> tickets(16);
      for (int i = 0; i < 20'000; ++i) {
        auto& t = tickets[static_cast<std::size_t>(i) % tickets.size()];
        if (t.holds_slot()) {
          inside.fetch_sub(1);
          gate.release(t, std::chrono::steady_clock::now());
        } else if (gate.try_acquire(t, std::chrono::steady_clock::now()).granted) {
          const int now_inside = inside.fetch_add(1) + 1;
          int w = worst.load();
          while (now_inside > w && !worst.compare_exchange_weak(w, now_inside)) {
          }
        }
      }
      for (auto& t : tickets) {
        if (t.holds_slot()) inside.fetch_sub(1);
        gate.release(t, std::chrono::steady_clock::now());
      }
    });
  }
  for (auto& th : threads)
    th.join();
  const auto s = gate.stats();
  EXPECT_LE(worst.load(), 8);
  EXPECT_LE(s.peak_handshakes, 8u);
  EXPECT_EQ(s.handshakes, 0u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_GT(s.granted_total, 1000u);
}

// ---------------------------------------------------------------- Links through a gate (real time)

class GatedLinkTest : public LinkFixture {
protected:
  void TearDown() override {
    loop.call([&] { links.clear(); }); // on the loop thread, like the fixture's own link
    LinkFixture::TearDown();
  }

  void make_links(std::size_t n, const std::shared_ptr<const LinkConfig>& config) {
    loop.call([&] {
      for (std::size_t i = 0; i < n; ++i) {
        auto l = std::make_shared<Link>(loop.executor(), config, "CP" + std::to_string(100 + i), i + 1);
        l->set_listener(&listener);
        links.push_back(std::move(l));
      }
    });
  }
  void start_all() {
    loop.call([&] {
      for (auto& l : links)
        l->start();
    });
  }
  std::size_t count_in(LinkState s) {
    return loop.call([&] {
      return static_cast<std::size_t>(
          std::count_if(links.begin(), links.end(), [&](const auto& l) { return l && l->state() == s; }));
    });
  }
  static std::chrono::steady_clock::duration span(const std::vector<std::chrono::steady_clock::time_point>& times,
                                                  std::size_t from, std::size_t to) {
    const auto [lo, hi] = std::minmax_element(times.begin() + static_cast<std::ptrdiff_t>(from),
                                              times.begin() + static_cast<std::ptrdiff_t>(to));
    return *hi - *lo;
  }

  std::vector<std::shared_ptr<Link>> links;
};

TEST_F(GatedLinkTest, twenty_links_at_50_per_second_connect_spread_over_time) {
  FakeWsServer server;
  auto config = config_for(server.url());
  auto gate = std::make_shared<ConnectGate>(rate_only(50, 1));
  config->connect_gate = gate;
  make_links(20, config);
  start_all();
  ASSERT_TRUE(listener.wait_for_opens(20, 5s));
  // Grants at 0, 20, ..., 380 ms: the opens cannot be closer together than that.
  EXPECT_GE(span(listener.open_times(), 0, 20), 350ms);
  const auto s = gate->stats();
  EXPECT_EQ(s.granted_total, 20u);
  EXPECT_EQ(s.handshakes, 0u) << "every open gives its slot back";
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(server.connections(), 20u);
}

TEST_F(GatedLinkTest, max_handshakes_never_lets_more_than_two_links_be_connecting) {
  FakeWsServerOptions options;
  options.answer_upgrade = false; // hold every handshake until its deadline
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 250ms;
  config->backoff = BackoffPolicy{20ms, 20ms, 2.0, 0.0};
  auto gate = std::make_shared<ConnectGate>(handshakes_only(2));
  config->connect_gate = gate;
  make_links(6, config);
  start_all();
  ASSERT_TRUE(server.wait_for_connections(2));
  std::size_t worst = 0;
  const auto until = std::chrono::steady_clock::now() + 700ms;
  while (std::chrono::steady_clock::now() < until) {
    // On the loop thread, so links and gate are seen at one instant: the gate counts
    // exactly the links in Connecting.
    const auto [connecting, counted] = loop.call([&] {
      const auto n =
          std::count_if(links.begin(), links.end(), [](const auto& l) { return l->state() == LinkState::Connecting; });
      return std::pair{static_cast<std::size_t>(n), static_cast<std::size_t>(gate->stats().handshakes)};
    });
    EXPECT_EQ(connecting, counted);
    worst = std::max(worst, connecting);
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(worst, 2u);
  EXPECT_LE(gate->stats().peak_handshakes, 2u);
  // Failed handshakes (timeouts) gave their slots to the queued links.
  EXPECT_TRUE(server.wait_for_connections(6));
  EXPECT_GE(listener.closes(), 2u);
  for (const auto& e : listener.closed_events())
    EXPECT_EQ(e.failure.code, LinkError::HandshakeTimeout);
}

TEST_F(GatedLinkTest, max_handshakes_against_a_live_server_opens_everyone) {
  FakeWsServer server;
  auto config = config_for(server.url());
  auto gate = std::make_shared<ConnectGate>(handshakes_only(2));
  config->connect_gate = gate;
  make_links(20, config);
  start_all();
  ASSERT_TRUE(listener.wait_for_opens(20, 5s));
  const auto s = gate->stats();
  EXPECT_EQ(s.granted_total, 20u);
  EXPECT_LE(s.peak_handshakes, 2u);
  EXPECT_EQ(s.handshakes, 0u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(count_in(LinkState::Open), 20u);
}

TEST_F(GatedLinkTest, reconnects_after_a_storm_go_through_the_gate) {
  FakeWsServer server;
  auto config = config_for(server.url());
  config->backoff = BackoffPolicy{20ms, 20ms, 2.0, 0.0};
  auto gate = std::make_shared<ConnectGate>(rate_only(40, 1)); // 25 ms
  config->connect_gate = gate;
  make_links(8, config);
  start_all();
  ASSERT_TRUE(listener.wait_for_opens(8, 5s));
  ASSERT_TRUE(server.wait_for_upgrades(8));
  loop.call([&] {
    for (auto& l : links)
      l->drop(); // Engine::drop_all_links does this on every shard
  });
  ASSERT_TRUE(listener.wait_for_closes(8));
  ASSERT_TRUE(listener.wait_for_opens(16, 5s));
  // All eight came back after the same 20 ms backoff, yet 25 ms apart.
  EXPECT_GE(span(listener.open_times(), 8, 16), 150ms);
  EXPECT_EQ(gate->stats().granted_total, 16u);
  EXPECT_EQ(gate->stats().handshakes, 0u);
}

TEST_F(GatedLinkTest, links_that_stop_or_die_while_queued_leave_the_queue) {
  FakeWsServer server;
  auto config = config_for(server.url());
  auto gate = std::make_shared<ConnectGate>(rate_only(0.1, 1)); // one now, the next in 10 s
  config->connect_gate = gate;
  make_links(5, config);
  start_all();
  ASSERT_TRUE(listener.wait_for_opens(1));
  EXPECT_EQ(gate->stats().waiting, 4u);
  loop.call([&] {
    EXPECT_TRUE(links[1]->waiting_for_gate());
    EXPECT_EQ(links[1]->state(), LinkState::WaitingRetry);
    links[1]->start(); // already on its way: keeps its place
    EXPECT_TRUE(links[1]->waiting_for_gate());
    links[1]->stop();
    EXPECT_FALSE(links[1]->waiting_for_gate());
    EXPECT_EQ(links[1]->state(), LinkState::Stopped);
    links[2]->restart(10s); // waits its own delay instead: queues afresh after it
    EXPECT_FALSE(links[2]->waiting_for_gate());
  });
  EXPECT_EQ(gate->stats().waiting, 2u);
  loop.call([&] {
    links[3].reset();
    links[4].reset();
  });
  EXPECT_EQ(gate->stats().waiting, 0u);
  EXPECT_EQ(gate->stats().handshakes, 0u);
}

TEST_F(GatedLinkTest, stopping_or_destroying_a_connecting_link_frees_its_slot) {
  FakeWsServerOptions options;
  options.answer_upgrade = false;
  FakeWsServer server{options};
  auto config = config_for(server.url());
  config->handshake_timeout = 5s; // only stop/destroy can end these attempts
  auto gate = std::make_shared<ConnectGate>(handshakes_only(1));
  config->connect_gate = gate;
  make_links(3, config);
  start_all();
  ASSERT_TRUE(server.wait_for_connections(1));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(server.connections(), 1u);
  const auto connecting = [&] {
    return loop.call([&] {
      for (std::size_t i = 0; i < links.size(); ++i)
        if (links[i] && links[i]->state() == LinkState::Connecting) return i;
      return links.size();
    });
  };
  const auto first = connecting();
  ASSERT_LT(first, links.size());
  loop.call([&] { links[first]->stop(); }); // the abort reports Stopped: slot released
  ASSERT_TRUE(server.wait_for_connections(2));
  ASSERT_TRUE(listener.wait_for_closes(1));
  EXPECT_EQ(listener.closed(0).failure.code, LinkError::Stopped);
  std::size_t second = links.size();
  for (int i = 0; i < 100 && second == links.size(); ++i) {
    second = connecting();
    if (second == links.size()) std::this_thread::sleep_for(5ms);
  }
  ASSERT_LT(second, links.size());
  loop.call([&] { links[second].reset(); }); // destroyed mid-handshake: no report, slot released
  ASSERT_TRUE(server.wait_for_connections(3));
  EXPECT_LE(gate->stats().peak_handshakes, 1u);
  loop.call([&] { links.clear(); });
  const auto s = gate->stats();
  EXPECT_EQ(s.handshakes, 0u);
  EXPECT_EQ(s.waiting, 0u);
}

} // namespace
} // namespace ocppfleet::transport::testing
