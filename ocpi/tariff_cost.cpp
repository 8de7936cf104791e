#include "ocpi/tariff_cost.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// n / d rounded half away from zero (d > 0).
std::int64_t div_round(std::int64_t n, std::int64_t d) { return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d); }

// ceil(n / d) for n >= 0, d > 0.
std::int64_t div_ceil(std::int64_t n, std::int64_t d) { return (n + d - 1) / d; }

// A JSON number (or a decimal string, as the network document spells prices) scaled by 10^digits.
std::int64_t scaled(const Json& v, int digits) {
  const double factor = std::pow(10.0, digits);
  if (v.is_number()) return std::llround(v.get<double>() * factor);
  if (v.is_string()) {
    try {
      return std::llround(std::stod(v.get<std::string>()) * factor);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

struct Component {
  std::int64_t price_e4 = 0;
  std::int64_t step = 1;
  std::optional<std::int64_t> vat_e2; // percent, two decimals; nullopt: no VAT applicable
};

// The first unrestricted element's component of this dimension.
std::optional<Component> component(const Json& tariff, const char* type) {
  const auto elements = tariff.find("elements");
  if (elements == tariff.end() || !elements->is_array()) return std::nullopt;
  for (const auto& element : *elements) {
    if (!element.is_object()) continue;
    if (const auto r = element.find("restrictions"); r != element.end() && !r->is_null() && !r->empty()) continue;
    const auto pcs = element.find("price_components");
    if (pcs == element.end() || !pcs->is_array()) continue;
    for (const auto& pc : *pcs) {
      if (!pc.is_object() || pc.value("type", "") != type) continue;
      Component c;
      c.price_e4 = scaled(pc.value("price", Json{0}), 4);
      c.step = std::max<std::int64_t>(1, pc.value("step_size", std::int64_t{1}));
      if (const auto vat = pc.find("vat"); vat != pc.end() && !vat->is_null()) c.vat_e2 = scaled(*vat, 2);
      return c;
    }
  }
  return std::nullopt;
}

PriceE4 with_vat(std::int64_t excl, const Component& c) {
  const auto incl = c.vat_e2 ? div_round(excl * (10'000 + *c.vat_e2), 10'000) : excl;
  return PriceE4{excl, incl};
}

} // namespace

TariffCost tariff_cost(const Json& tariff, const SessionUsage& usage) {
  TariffCost out;
  out.energy_wh_e1 = std::llround(std::max(0.0, usage.energy_wh) * 10);
  const auto ms = std::max<std::int64_t>(0, usage.duration_ms);
  if (const auto c = component(tariff, "ENERGY")) {
    // Billed in whole step_size blocks of Wh (price per kWh).
    out.billed_wh = div_ceil(out.energy_wh_e1, 10 * c->step) * c->step;
    out.energy = with_vat(div_round(out.billed_wh * c->price_e4, 1000), *c);
  }
  if (const auto c = component(tariff, "TIME")) {
    // Billed in whole step_size blocks of seconds (price per hour).
    out.billed_seconds = div_ceil(ms, 1000 * c->step) * c->step;
    out.time = with_vat(div_round(out.billed_seconds * c->price_e4, 3600), *c);
  }
  if (const auto c = component(tariff, "FLAT")) out.fixed = with_vat(c->price_e4, *c);
  out.total += out.energy;
  out.total += out.time;
  out.total += out.fixed;
  return out;
}

Json amount_json(std::int64_t e4) { return static_cast<double>(e4) / 10'000.0; }

Json price_json(const PriceE4& price) {
  return Json{{"excl_vat", amount_json(price.excl_vat)}, {"incl_vat", amount_json(price.incl_vat)}};
}

} // namespace ocppfleet::ocpi
