#include "simulator/catalog/network_generator.hpp"
#include "simulator/catalog/network_parts.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "simulator/catalog/ocpi_vocabulary.hpp"
#include "simulator/core/prng.hpp"

namespace ocppfleet::catalog {
namespace {

std::string pad(std::int64_t n, std::size_t width) {
  std::string s = std::to_string(n);
  return s.size() < width ? std::string(width - s.size(), '0') + s : s;
}

// Scaled integer -> fixed decimals: (48856613, 6) -> "48.856613"; no float formatting.
std::string fixed(std::int64_t v, int decimals) {
  const bool negative = v < 0;
  const std::uint64_t a = negative ? static_cast<std::uint64_t>(-(v + 1)) + 1 : static_cast<std::uint64_t>(v);
  std::uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i)
    scale *= 10;
  return (negative ? "-" : "") + std::to_string(a / scale) + '.' +
         pad(static_cast<std::int64_t>(a % scale), static_cast<std::size_t>(decimals));
}

// Index drawn with probability weight / sum(weights).
template <class T, class W> std::size_t weighted(core::Prng& p, const std::vector<T>& items, W weight_of) {
  std::uint64_t total = 0;
  for (const auto& i : items)
    total += static_cast<std::uint64_t>(weight_of(i));
  std::uint64_t x = p.below(total);
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto w = static_cast<std::uint64_t>(weight_of(items[k]));
    if (x < w) return k;
    x -= w;
  }
  return items.size() - 1;
}

// Countries where an address starts with the house number.
bool number_first(std::string_view cc) { return cc == "FR" || cc == "GB" || cc == "US" || cc == "IE" || cc == "CA"; }

// Digits of the location number in ids: at least 4, more when the template allows more.
std::size_t location_width(const CpoTemplate& t) {
  return std::max<std::size_t>(4, std::to_string(t.max_locations).size());
}

std::string power_type(const charger::ConnectorSpec& s) {
  if (s.current_type == charger::CurrentType::DC) return "DC";
  return s.phases == 3 ? "AC_3_PHASE" : s.phases == 2 ? "AC_2_PHASE" : "AC_1_PHASE";
}

} // namespace

namespace detail {

NetworkLocation make_location(const CpoTemplate& t, const TemplateCountry& country, const NetworkRequest& req, int n) {
  core::Prng p{core::derive_seed(req.seed, "cpo/" + t.slug + "/location/" + std::to_string(n))};
  NetworkLocation l;
  l.number = n;
  l.id = "LOC-" + pad(n, location_width(t));
  // The draw order below is part of the format: changing it changes every document.
  const TemplateCity& city = country.cities[p.below(country.cities.size())];
  const std::string& street = country.streets[p.below(country.streets.size())];
  const auto house = std::to_string(p.between(1, 199));
  l.postal_code = city.postal_code.generate(p.next_u64(), static_cast<std::uint64_t>(n));
  const std::int64_t lat =
      std::clamp<std::int64_t>(city.latitude_e6 + p.between(-city.radius_e6, city.radius_e6), -90'000'000, 90'000'000);
  std::int64_t lon = city.longitude_e6 + p.between(-city.radius_e6, city.radius_e6);
  if (lon > 180'000'000) lon -= 360'000'000;
  if (lon < -180'000'000) lon += 360'000'000;
  l.parking_type = t.pools.parking_types[p.below(t.pools.parking_types.size())];
  if (!t.pools.facilities.empty()) {
    // A partial Fisher-Yates over the indices, then the file's order.
    const auto k = static_cast<std::size_t>(p.between(t.pools.facilities_min, t.pools.facilities_max));
    std::vector<std::size_t> idx(t.pools.facilities.size());
    std::iota(idx.begin(), idx.end(), 0);
    for (std::size_t i = 0; i < k; ++i)
      std::swap(idx[i], idx[i + p.below(idx.size() - i)]);
    idx.resize(k);
    std::sort(idx.begin(), idx.end());
    for (const auto i : idx)
      l.facilities.push_back(t.pools.facilities[i]);
  }
  const auto& hours = t.pools.opening_hours[weighted(p, t.pools.opening_hours, [](auto& o) { return o.weight; })];
  l.twentyfourseven = hours.twentyfourseven;
  for (const auto& h : hours.regular_hours)
    l.regular_hours.push_back(NetworkRegularHours{h.weekday, h.period_begin, h.period_end});
  l.city = city.name;
  l.address = number_first(country.code) ? house + ' ' + street : street + ' ' + house;
  l.name = req.name_prefix + ' ' + city.name + ' ' + street;
  l.country = country.alpha3;
  l.latitude = fixed(lat, 6);
  l.longitude = fixed(lon, 6);
  l.time_zone = city.time_zone;
  return l;
}

std::vector<NetworkTariff> make_tariffs(const CpoTemplate& t, const TemplateCountry& country) {
  std::vector<NetworkTariff> out;
  for (const auto& tt : t.tariffs) {
    NetworkTariff tr{tt.id, country.currency, tt.power_type, {}};
    for (const auto& el : tt.elements) {
      std::vector<NetworkPriceComponent> pcs;
      for (const auto& pc : el)
        pcs.push_back(NetworkPriceComponent{pc.type, fixed(pc.price_e4, 4), pc.step_size});
      tr.elements.push_back(std::move(pcs));
    }
    out.push_back(std::move(tr));
  }
  return out;
}

NetworkCharger make_charger(const CpoTemplate& t, const NetworkRequest& req, const std::vector<NetworkTariff>& tariffs,
                            const ModelProfile& prof, const std::string& ocpp_version, const std::string& group,
                            core::Prng& p, NetworkLocation& l, int m) {
  const int n = l.number;
  NetworkCharger c;
  c.location_number = n;
  c.charger_number = m;
  c.location_id = l.id;
  c.identity = cpo_charger_identity(req.name_prefix, req.party_id, n, t.max_locations, m);
  c.group = group;
  c.brand = prof.identity.brand_slug;
  c.model = prof.identity.model_slug;
  c.vendor = prof.identity.vendor;
  c.model_name = prof.identity.model;
  c.ocpp_version = ocpp_version;
  // {index:N} in a serial pattern gets a number that depends on the caps, not on k.
  const auto index = static_cast<std::uint64_t>(n - 1) * static_cast<std::uint64_t>(t.max_chargers_per_location) +
                     static_cast<std::uint64_t>(m - 1);
  c.serial_number = prof.identity.serial_pattern.generate(p.next_u64(), index);
  c.connector_count = prof.hardware.connector_count();
  const std::string evse_prefix = req.country_code + '*' + req.party_id + "*E" + pad(n, location_width(t)) + pad(m, 2);
  for (int cn = 1; cn <= c.connector_count; ++cn) {
    const ConnectorProfile& cp = *prof.hardware.connector(cn);
    const bool dc = cp.spec.current_type == charger::CurrentType::DC;
    NetworkEvse e;
    e.uid = l.id + '-' + pad(m, 2) + '-' + std::to_string(cn);
    e.evse_id = evse_prefix + '*' + std::to_string(cn);
    e.charger_identity = c.identity;
    e.connector_id = cn;
    NetworkConnector& con = e.connector;
    con.standard = ocpi_connector_standard(cp.type, dc);
    con.format = cp.cable ? "CABLE" : "SOCKET";
    con.power_type = power_type(cp.spec);
    con.max_voltage = std::llround(cp.spec.voltage_v);
    con.max_amperage = std::llround(cp.spec.max_current_a);
    con.max_electric_power = std::llround(cp.spec.max_power_w);
    for (const auto& tr : tariffs)
      if (tr.power_type == "ANY" || tr.power_type == (dc ? "DC" : "AC")) con.tariff_ids.push_back(tr.id);
    l.evses.push_back(std::move(e));
  }
  return c;
}

} // namespace detail

namespace {

// Count mode: the groups' counts scaled to k chargers by largest remainder (ties to the
// earlier group), listed group by group. The same at every location: no draw.
std::vector<std::size_t> count_allocation(const CpoTemplate& t, int k) {
  std::int64_t total = 0;
  for (const auto& g : t.groups)
    total += g.count;
  std::vector<std::int64_t> quota(t.groups.size());
  std::vector<std::pair<std::int64_t, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < t.groups.size(); ++i) {
    quota[i] = t.groups[i].count * k / total;
    given += quota[i];
    remainders.emplace_back(-(t.groups[i].count * k % total), i);
  }
  std::sort(remainders.begin(), remainders.end());
  for (std::size_t r = 0; given < k; ++r, ++given)
    ++quota[remainders[r % remainders.size()].second];
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < t.groups.size(); ++i)
    out.insert(out.end(), static_cast<std::size_t>(quota[i]), i);
  return out;
}

void add_charger(const CpoTemplate& t, const NetworkRequest& req, const std::vector<NetworkTariff>& tariffs,
                 std::size_t count_group, NetworkLocation& l, Network& net, int m) {
  const int n = l.number;
  core::Prng p{
      core::derive_seed(req.seed, "cpo/" + t.slug + "/charger/" + std::to_string(n) + '/' + std::to_string(m))};
  const std::size_t gi =
      t.allocation == GroupAllocation::Share ? weighted(p, t.groups, [](auto& g) { return g.share; }) : count_group;
  const ChargerGroup& g = t.groups[gi];
  const auto version = "OCPP" + g.ocpp_versions[weighted(p, g.ocpp_versions, [](auto& v) { return v.weight; })].version;
  net.chargers.push_back(detail::make_charger(t, req, tariffs, *g.profile, version, g.name, p, l, m));
}

} // namespace

GenerationResult generate_network(const CpoTemplate& t, const NetworkRequest& req) {
  GenerationResult out;
  out.errors = check_request(t, req);
  if (!out.errors.empty()) return out;
  for (const auto& g : t.groups) {
    if (g.profile) continue;
    out.errors.push_back(GenerationError{GenerationErrorCode::UnknownTemplate, "template",
                                         "the template '" + t.slug + "' was loaded without its brand/model profiles"});
    return out;
  }
  const TemplateCountry& country = *t.pools.country(req.country_code);
  Network net;
  net.template_slug = t.slug;
  net.template_version = t.version;
  net.seed = req.seed;
  net.country_code = req.country_code;
  net.party_id = req.party_id;
  net.name_prefix = req.name_prefix;
  net.locations_requested = static_cast<int>(req.overrides.locations.value_or(t.default_locations));
  net.chargers_per_location =
      static_cast<int>(req.overrides.chargers_per_location.value_or(t.default_chargers_per_location));
  net.tariffs = detail::make_tariffs(t, country);
  const int k = net.chargers_per_location;
  const std::vector<std::size_t> slots =
      t.allocation == GroupAllocation::Count ? count_allocation(t, k) : std::vector<std::size_t>(k, 0);
  net.locations.reserve(static_cast<std::size_t>(net.locations_requested));
  net.chargers.reserve(static_cast<std::size_t>(net.locations_requested) * static_cast<std::size_t>(k));
  for (int n = 1; n <= net.locations_requested; ++n) {
    NetworkLocation l = detail::make_location(t, country, req, n);
    for (int m = 1; m <= k; ++m)
      add_charger(t, req, net.tariffs, slots[static_cast<std::size_t>(m - 1)], l, net, m);
    net.locations.push_back(std::move(l));
  }
  out.network = std::move(net);
  return out;
}

} // namespace ocppfleet::catalog
