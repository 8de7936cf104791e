// EV profiles: seeded weighted picks (same seed => same EV and arrival SoC), connector
// compatibility, and the EvSpec handed to the charger model.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include "simulator/catalog/ev_profiles.hpp"
#include "tests/unit/catalog/test_paths.hpp"

using namespace ocppfleet::catalog;
using ocppfleet::catalog::test::brands_dir;

namespace {

std::shared_ptr<const EvCatalog> shipped_evs() {
  const EvCatalogLoad load = load_ev_catalog(brands_dir() / "evs.yaml");
  for (const auto& e : load.errors)
    ADD_FAILURE() << e.to_string();
  return load.catalog;
}

} // namespace

TEST(EvProfiles, same_seed_same_picks_different_seed_different_picks) {
  const auto evs = shipped_evs();
  ASSERT_NE(evs, nullptr);
  std::vector<std::string> a, b, c;
  for (std::uint64_t session = 0; session < 200; ++session) {
    a.push_back(evs->pick(ev_seed(1, 42, 1, session), "CCS2")->id);
    b.push_back(evs->pick(ev_seed(1, 42, 1, session), "CCS2")->id);
    c.push_back(evs->pick(ev_seed(2, 42, 1, session), "CCS2")->id);
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const auto s1 = evs->session(ev_seed(1, 3, 1, 0), "Type2");
  const auto s2 = evs->session(ev_seed(1, 3, 1, 0), "Type2");
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(s1->ev, s2->ev);
  EXPECT_DOUBLE_EQ(s1->spec.initial_soc, s2->spec.initial_soc);
}

TEST(EvProfiles, picks_follow_the_weights) {
  const auto evs = shipped_evs();
  ASSERT_NE(evs, nullptr);
  std::map<std::string, int> counts;
  constexpr int draws = 20'000;
  for (int i = 0; i < draws; ++i)
    counts[evs->pick(ev_seed(9, static_cast<std::uint64_t>(i), 1, 0))->id]++;
  std::uint64_t total_weight = 0;
  for (const auto& ev : evs->evs())
    total_weight += ev.weight;
  for (const auto& ev : evs->evs()) {
    const double expected = draws * static_cast<double>(ev.weight) / static_cast<double>(total_weight);
    EXPECT_NEAR(counts[ev.id], expected, 5.0 * std::sqrt(expected) + 5.0) << ev.id;
  }
}

TEST(EvProfiles, only_evs_with_a_fitting_inlet_are_picked) {
  const auto evs = shipped_evs();
  ASSERT_NE(evs, nullptr);
  for (std::uint64_t i = 0; i < 500; ++i) {
    const EvProfile* ev = evs->pick(ev_seed(5, i, 1, 0), "CHAdeMO");
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(ev->fits("CHAdeMO")) << ev->id;
  }
  EXPECT_EQ(evs->pick(1, "GBT"), nullptr);
  EXPECT_FALSE(evs->session(1, "GBT").has_value());
}

TEST(EvProfiles, session_spec_carries_battery_phases_curve_and_arrival_soc) {
  const auto evs = shipped_evs();
  ASSERT_NE(evs, nullptr);
  for (std::uint64_t i = 0; i < 300; ++i) {
    const auto s = evs->session(ev_seed(11, i, 1, 0), "CCS2");
    ASSERT_TRUE(s.has_value());
    const EvProfile& ev = *s->ev;
    EXPECT_DOUBLE_EQ(s->spec.battery_wh, ev.battery_wh);
    EXPECT_DOUBLE_EQ(s->spec.battery_voltage_v, ev.battery_voltage_v);
    EXPECT_EQ(s->spec.ac_phases, ev.ac_phases);
    EXPECT_EQ(s->spec.dc_curve, &ev.dc_curve);
    EXPECT_GE(s->spec.initial_soc, ev.arrival_soc_min);
    EXPECT_LE(s->spec.initial_soc, ev.arrival_soc_max);
  }
}

TEST(EvProfiles, curves_rise_in_soc_and_stay_within_the_dc_limit) {
  const auto evs = shipped_evs();
  ASSERT_NE(evs, nullptr);
  for (const auto& ev : evs->evs()) {
    ASSERT_FALSE(ev.dc_curve.points.empty()) << ev.id;
    for (std::size_t i = 1; i < ev.dc_curve.points.size(); ++i)
      EXPECT_GT(ev.dc_curve.points[i].soc, ev.dc_curve.points[i - 1].soc) << ev.id;
    for (const auto& pt : ev.dc_curve.points)
      EXPECT_LE(pt.max_power_w, ev.max_dc_power_w) << ev.id;
    // DC tapers towards full.
    EXPECT_LT(ev.dc_curve.max_power_at(0.95), ev.dc_curve.max_power_at(0.3)) << ev.id;
  }
}

TEST(EvProfiles, bad_ev_file_reports_field_and_line) {
  const auto dir = std::filesystem::temp_directory_path() / "ocppfleet_ev_profiles_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "evs.yaml";
  {
    std::ofstream out{file};
    out << "evs:\n"
           "  - id: a\n"
           "    name: A\n"
           "    weight: 0\n"
           "    inlets: [Type2, Plug9]\n"
           "    battery_kwh: 50\n"
           "    battery_voltage_v: 400\n"
           "    max_ac_kw: 11\n"
           "    ac_phases: 3\n"
           "    max_dc_kw: 100\n"
           "    dc_curve: [[0, 100], [0, 90]]\n"
           "    arrival_soc_percent: [60, 20]\n"
           "    colour: blue\n";
  }
  const EvCatalogLoad load = load_ev_catalog(file);
  EXPECT_EQ(load.catalog, nullptr);
  std::map<std::string, int> lines;
  for (const auto& e : load.errors)
    lines[e.path] = e.line;
  EXPECT_EQ(lines["evs[0].weight"], 4);
  EXPECT_EQ(lines["evs[0].inlets[1]"], 5);
  EXPECT_EQ(lines["evs[0].dc_curve[1][0]"], 11);
  EXPECT_EQ(lines["evs[0].arrival_soc_percent"], 12);
  EXPECT_EQ(lines["evs[0].colour"], 13);
  std::filesystem::remove_all(dir);
}
