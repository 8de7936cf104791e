// The cost of a session under an OCPI Tariff: the spec's worked examples (mod_tariffs), step_size
// rounding per dimension, VAT per component, and what our CPO does not bill (parking, restricted
// elements).
#include "ocpi/tariff_cost.hpp"

#include <gtest/gtest.h>

using ocppfleet::ocpi::PriceE4;
using ocppfleet::ocpi::SessionUsage;
using ocppfleet::ocpi::tariff_cost;
using Json = nlohmann::json;

namespace {

Json tariff(Json components) { return Json{{"elements", Json::array({Json{{"price_components", components}}})}}; }

Json energy(double price, int step = 1) { return Json{{"type", "ENERGY"}, {"price", price}, {"step_size", step}}; }

constexpr std::int64_t hours(double h) { return static_cast<std::int64_t>(h * 3'600'000); }

} // namespace

TEST(TariffCost, SpecSimpleEnergyTariffWithVat) {
  // mod_tariffs "0.25 per kWh": 20 kWh cost 5.00 excl. VAT, 5.50 incl. 10% VAT.
  auto c = Json{{"type", "ENERGY"}, {"price", 0.25}, {"vat", 10.0}, {"step_size", 1}};
  const auto cost = tariff_cost(tariff(Json::array({c})), SessionUsage{20'000, hours(1)});
  EXPECT_EQ(cost.energy, (PriceE4{50'000, 55'000}));
  EXPECT_EQ(cost.total, (PriceE4{50'000, 55'000}));
  EXPECT_EQ(cost.billed_wh, 20'000);
  EXPECT_EQ(cost.time, PriceE4{});
}

TEST(TariffCost, SpecEnergyPlusStartFeeVatPerComponent) {
  // mod_tariffs "0.25 per kWh + start fee": 5.50 excl., 6.10 incl. (start fee 20% VAT, energy 10%).
  auto t = tariff(Json::array({Json{{"type", "FLAT"}, {"price", 0.50}, {"vat", 20.0}, {"step_size", 1}},
                               Json{{"type", "ENERGY"}, {"price", 0.25}, {"vat", 10.0}, {"step_size", 1}}}));
  const auto cost = tariff_cost(t, SessionUsage{20'000, hours(2)});
  EXPECT_EQ(cost.fixed, (PriceE4{5'000, 6'000}));
  EXPECT_EQ(cost.total, (PriceE4{55'000, 61'000}));
}

TEST(TariffCost, EnergyStepSizeRoundsTheSessionTotalUp) {
  // mod_tariffs step_size note: 115.2 Wh at 0.25/kWh.
  EXPECT_EQ(tariff_cost(tariff(Json::array({energy(0.25, 1)})), SessionUsage{115.2, 0}).billed_wh, 116);
  EXPECT_EQ(tariff_cost(tariff(Json::array({energy(0.25, 1)})), SessionUsage{115.2, 0}).energy.excl_vat, 290);
  // 125 Wh * 0.25 = 0.03125: rounded half up to 4 decimals.
  EXPECT_EQ(tariff_cost(tariff(Json::array({energy(0.25, 25)})), SessionUsage{115.2, 0}).energy.excl_vat, 313);
  EXPECT_EQ(tariff_cost(tariff(Json::array({energy(0.25, 500)})), SessionUsage{115.2, 0}).energy.excl_vat, 1'250);
  // Exactly on a step: not rounded up further.
  EXPECT_EQ(tariff_cost(tariff(Json::array({energy(0.25, 500)})), SessionUsage{1000.0, 0}).billed_wh, 1'000);
}

TEST(TariffCost, TimeIsBilledPerHourInStepSizeSeconds) {
  // mod_tariffs "2 per hour", billed per minute: 2.5 h cost 5.00 excl., 5.50 incl. 10%.
  auto time = Json{{"type", "TIME"}, {"price", 2.00}, {"vat", 10.0}, {"step_size", 60}};
  const auto cost = tariff_cost(tariff(Json::array({time})), SessionUsage{0, hours(2.5)});
  EXPECT_EQ(cost.time, (PriceE4{50'000, 55'000}));
  // 61 s at a 60 s step: 120 s billed, 2.00 * 120 / 3600 = 0.0667.
  const auto short_one = tariff_cost(tariff(Json::array({time})), SessionUsage{0, 61'000});
  EXPECT_EQ(short_one.billed_seconds, 120);
  EXPECT_EQ(short_one.time.excl_vat, 667);
  EXPECT_EQ(short_one.time.incl_vat, 734); // 0.0667 * 1.1 = 0.07337 -> 0.0734
}

TEST(TariffCost, NoVatMeansInclEqualsExcl) {
  const auto cost = tariff_cost(tariff(Json::array({energy(0.39)})), SessionUsage{1234.5, 0});
  EXPECT_EQ(cost.billed_wh, 1'235);
  EXPECT_EQ(cost.energy, (PriceE4{4'817, 4'817})); // 1.235 * 0.39 = 0.48165 -> 0.4817
}

TEST(TariffCost, PricesMayBeDecimalStringsAsInTheNetworkDocument) {
  auto c = Json{{"type", "ENERGY"}, {"price", "0.3900"}, {"step_size", 1}};
  EXPECT_EQ(tariff_cost(tariff(Json::array({c})), SessionUsage{1000, 0}).energy.excl_vat, 3'900);
}

TEST(TariffCost, ParkingTimeAndRestrictedElementsAreNotBilled) {
  Json t{
      {"elements",
       Json::array({Json{{"price_components", Json::array({energy(9.99)})},
                         {"restrictions", Json{{"start_time", "17:00"}, {"end_time", "20:00"}}}},
                    Json{{"price_components",
                          Json::array({energy(0.30), Json{{"type", "PARKING_TIME"}, {"price", 5.0}, {"step_size", 60}},
                                       Json{{"type", "TIME"}, {"price", 1.2}, {"step_size", 60}}})}}})}};
  const auto cost = tariff_cost(t, SessionUsage{2'000, hours(1)});
  EXPECT_EQ(cost.energy.excl_vat, 6'000); // the unrestricted element's 0.30, not 9.99
  EXPECT_EQ(cost.time.excl_vat, 12'000);  // TIME covers the whole session; nothing is parking
  EXPECT_EQ(cost.total.excl_vat, 18'000);
}

TEST(TariffCost, NothingNegativeAndNoTariffCostsNothing) {
  const auto cost = tariff_cost(tariff(Json::array({energy(0.25)})), SessionUsage{-50, -1'000});
  EXPECT_EQ(cost.energy_wh_e1, 0);
  EXPECT_EQ(cost.total, PriceE4{});
  const auto none = tariff_cost(Json::object(), SessionUsage{5'000, hours(1)});
  EXPECT_EQ(none.total, PriceE4{});
  EXPECT_EQ(none.energy_wh_e1, 50'000);
}

TEST(TariffCost, AmountsAreFourDecimalJsonNumbers) {
  EXPECT_EQ(ocppfleet::ocpi::amount_json(1234).dump(), "0.1234");
  EXPECT_EQ(ocppfleet::ocpi::price_json(PriceE4{55'000, 61'000}).dump(), R"({"excl_vat":5.5,"incl_vat":6.1})");
}
