// MeterValues spread over the sample interval (issue 12): a fleet that starts its sessions
// on one tick does not sample on one tick. Each charger's first periodic sample comes at
// its seeded phase (ocpp::meter_phase, substream "meter-phase/<identity>") after the start,
// the next one interval later. Both versions, against the strict peer; times are the
// samples' own timestamps (the charger's clock), so network jitter does not blur them.
#include <map>
#include <set>

#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/common/meter_phase.hpp"
#include "strict_csms_fixture.hpp"

namespace ocppfleet::testing {
namespace {

constexpr int kChargers = 24;
constexpr auto kInterval = 4s;

std::chrono::milliseconds stamp(const json& iso) {
  const auto t = core::parse_timestamp(iso.get<std::string>());
  EXPECT_TRUE(t) << iso;
  return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch())
           : std::chrono::milliseconds{0};
}

template <ocpp::ProtocolVersion V> class MeterSpread : public AgainstStrictCsms {
protected:
  MeterSpread() : AgainstStrictCsms(V) {}
  static constexpr bool v16 = V == ocpp::ProtocolVersion::V16;

  // When the transaction started (charger's clock), from its first message.
  std::optional<std::chrono::milliseconds> started_at(const std::string& identity) {
    for (const auto& e : peer_->events()) {
      if (v16 && call_event(identity, "StartTransaction")(e)) return stamp(e["params"]["timestamp"]);
      if (!v16 && call_event(identity, "TransactionEvent")(e) && e["params"]["eventType"] == "Started")
        return stamp(e["params"]["timestamp"]);
    }
    return std::nullopt;
  }

  // The periodic samples' times, in order.
  std::vector<std::chrono::milliseconds> samples(const std::string& identity) {
    std::vector<std::chrono::milliseconds> out;
    for (const auto& e : peer_->events()) {
      if (v16 && call_event(identity, "MeterValues")(e) &&
          e["params"]["meterValue"][0]["sampledValue"][0].value("context", "") == "Sample.Periodic")
        out.push_back(stamp(e["params"]["meterValue"][0]["timestamp"]));
      if (!v16 && call_event(identity, "TransactionEvent")(e) &&
          e["params"].value("triggerReason", "") == "MeterValuePeriodic")
        out.push_back(stamp(e["params"]["meterValue"][0]["timestamp"]));
    }
    return out;
  }

  void fleet_samples_spread_over_the_interval() {
    start_peer();
    std::vector<std::string> names;
    for (int n = 1; n <= kChargers; ++n) {
      names.push_back((v16 ? "MS16-" : "MS201-") + std::to_string(n));
      const auto id = add_charger(names.back());
      engine_->post(id, [](ocpp::ChargePointBase& cp) { cp.set_meter_interval(kInterval); });
    }
    ASSERT_TRUE(wait_booted(kChargers, 20s));
    // Every session starts at once (as `ocppfleet run --sessions` does after a boot storm).
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      char tag[16];
      std::snprintf(tag, sizeof tag, "5A3E%04X", static_cast<unsigned>(i + 1));
      engine_->post(ids_[i], [t = std::string{tag}](ocpp::ChargePointBase& cp) { cp.start_transaction(1, t); });
    }
    ASSERT_TRUE(eventually(
        [&] {
          for (const auto& name : names)
            if (samples(name).size() < 2) return false;
          return true;
        },
        20s))
        << "every charger samples twice within two intervals";

    std::set<long long> seconds_used; // which second of the interval each first sample fell in
    std::chrono::milliseconds earliest{kInterval}, latest{0}, slack{0};
    for (const auto& name : names) {
      SCOPED_TRACE(name);
      const auto start = started_at(name);
      ASSERT_TRUE(start);
      const auto s = samples(name);
      const auto phase = ocpp::meter_phase(1, name, kInterval); // the fixture's chargers use seed 1
      const auto offset = s[0] - *start;
      // First at the charger's phase (the timer may fire late, never early), then every interval.
      EXPECT_GE(offset, phase - 5ms);
      EXPECT_LE(offset, phase + 600ms);
      EXPECT_GE(s[1] - s[0], std::chrono::milliseconds{kInterval} - 50ms);
      EXPECT_LE(s[1] - s[0], std::chrono::milliseconds{kInterval} + 600ms);
      seconds_used.insert(std::min<long long>(offset.count() / 1000, 3));
      slack = std::max(slack, offset - phase);
      earliest = std::min(earliest, offset);
      latest = std::max(latest, offset);
    }
    // 24 chargers over a 4 s interval: the first samples cover most of it (all on one tick
    // would put them in one second, 4 s after the start).
    EXPECT_GE(seconds_used.size(), 3u);
    EXPECT_GE(latest - earliest, 2s) << "first samples between " << earliest.count() << " and " << latest.count()
                                     << " ms after the start";
    std::printf("first periodic sample after the start: %lld..%lld ms over %zu of 4 seconds; at most %lld ms after "
                "the charger's phase\n",
                static_cast<long long>(earliest.count()), static_cast<long long>(latest.count()), seconds_used.size(),
                static_cast<long long>(slack.count()));
  }
};

using V16MeterSpread = MeterSpread<ocpp::ProtocolVersion::V16>;
using V201MeterSpread = MeterSpread<ocpp::ProtocolVersion::V201>;

TEST_F(V16MeterSpread, fleet_meter_values_spread_over_the_interval_by_seeded_phase) {
  fleet_samples_spread_over_the_interval();
}

TEST_F(V201MeterSpread, fleet_transaction_event_samples_spread_over_the_interval_by_seeded_phase) {
  fleet_samples_spread_over_the_interval();
}

} // namespace
} // namespace ocppfleet::testing
