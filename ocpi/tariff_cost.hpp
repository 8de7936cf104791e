#pragma once
// The cost of a charging session under one OCPI Tariff (mod_tariffs, mod_cdrs "step_size"),
// as our simulated CPO bills it in Sessions and CDRs. Our backend knows a transaction's energy
// and its start and end, not when the EV stopped drawing power, so the whole duration is
// charging TIME and nothing is PARKING_TIME. Per dimension the first TariffElement without
// restrictions that prices it applies (our generated tariffs have no restrictions; restricted
// elements are not evaluated, so they never apply).
//
// Arithmetic is in integers (ten-thousandths of the currency unit, tenths of a Wh,
// milliseconds), so a CDR's figures do not depend on float formatting and an eMSP can redo
// them from the CDR alone: each component's cost is rounded half up to 4 decimals, VAT is
// added per component (and rounded again), and the totals are sums of rounded components.
#include <nlohmann/json.hpp>

#include <cstdint>

namespace ocppfleet::ocpi {

// An amount in ten-thousandths of the currency unit.
struct PriceE4 {
  std::int64_t excl_vat = 0;
  std::int64_t incl_vat = 0;
  PriceE4& operator+=(const PriceE4& o) {
    excl_vat += o.excl_vat;
    incl_vat += o.incl_vat;
    return *this;
  }
  friend bool operator==(const PriceE4&, const PriceE4&) = default;
};

struct SessionUsage {
  double energy_wh = 0;         // negative counts as 0
  std::int64_t duration_ms = 0; // negative counts as 0
};

struct TariffCost {
  std::int64_t energy_wh_e1 = 0;   // the energy, rounded to 0.1 Wh: total_energy = energy_wh_e1 / 10000 kWh
  std::int64_t billed_wh = 0;      // energy rounded up to the ENERGY step_size (0 when not priced)
  std::int64_t billed_seconds = 0; // duration rounded up to the TIME step_size (0 when not priced)
  PriceE4 energy, time, fixed, total;
};

// `tariff` is an OCPI Tariff object (elements[].price_components[] {type, price, vat?, step_size}).
TariffCost tariff_cost(const nlohmann::json& tariff, const SessionUsage& usage);

// A 4-decimal amount as a JSON number (1234 -> 0.1234).
nlohmann::json amount_json(std::int64_t e4);
// {excl_vat, incl_vat} as OCPI's Price class.
nlohmann::json price_json(const PriceE4& price);

} // namespace ocppfleet::ocpi
