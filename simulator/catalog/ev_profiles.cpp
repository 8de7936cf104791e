#include "simulator/catalog/ev_profiles.hpp"

#include <algorithm>
#include <set>

#include "simulator/catalog/ocpp_vocabulary.hpp"
#include "simulator/catalog/yaml_fields.hpp"
#include "simulator/core/prng.hpp"

namespace ocppfleet::catalog {
namespace {

constexpr std::int64_t max_weight = 1'000'000;

std::optional<double> percent(const YamlNode& v, const std::string& path, FieldReader& r) {
  const auto n = r.number(v, path, false);
  if (n && *n > 100.0) {
    r.error(v.mark, path, "a percentage must be at most 100");
    return std::nullopt;
  }
  return n;
}

void decode_curve(const YamlNode& list, const std::string& path, FieldReader& r, charger::ChargingCurve& out) {
  if (!r.expect_list(list, path)) return;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& point = list.items[i];
    const std::string ppath = index_path(path, i);
    if (!point.is_sequence() || point.items.size() != 2) {
      r.error(point.mark, ppath, "expected [soc_percent, power_kw], found " + point.describe());
      continue;
    }
    const auto soc = percent(point.items[0], index_path(ppath, 0), r);
    const auto kw = r.number(point.items[1], index_path(ppath, 1), false);
    if (!soc || !kw) continue;
    if (!out.points.empty() && *soc / 100.0 <= out.points.back().soc) {
      r.error(point.items[0].mark, index_path(ppath, 0), "SoC points must rise strictly");
      continue;
    }
    out.points.push_back({*soc / 100.0, *kw * 1000.0});
  }
}

void decode_ev(const YamlNode& node, const std::string& path, FieldReader& r, EvProfile& ev) {
  if (!r.expect_map(node, path,
                    {"id", "name", "weight", "inlets", "battery_kwh", "battery_voltage_v", "max_ac_kw", "ac_phases",
                     "max_dc_kw", "dc_curve", "arrival_soc_percent"}))
    return;
  r.read(node, "id", path, true, ev.id);
  r.read(node, "name", path, true, ev.name);
  int weight = 1;
  if (r.read(node, "weight", path, true, weight, 1, max_weight)) ev.weight = static_cast<std::uint32_t>(weight);
  if (r.read(node, "inlets", path, true, ev.inlets)) {
    const YamlNode& list = node.find("inlets")->value;
    if (ev.inlets.empty()) r.error(list.mark, join_path(path, "inlets"), "must list at least one inlet");
    for (std::size_t i = 0; i < ev.inlets.size(); ++i)
      if (!contains(connector_types(), ev.inlets[i]))
        r.error(list.items[i].mark, index_path(join_path(path, "inlets"), i),
                "unknown connector type '" + ev.inlets[i] + "'");
  }
  double kwh = 0.0;
  if (r.read(node, "battery_kwh", path, true, kwh, true)) ev.battery_wh = kwh * 1000.0;
  r.read(node, "battery_voltage_v", path, true, ev.battery_voltage_v, true);
  double ac_kw = 0.0;
  if (r.read(node, "max_ac_kw", path, true, ac_kw, true)) ev.max_ac_power_w = ac_kw * 1000.0;
  r.read(node, "ac_phases", path, true, ev.ac_phases, 1, 3);
  double dc_kw = 0.0;
  if (r.read(node, "max_dc_kw", path, true, dc_kw, false)) ev.max_dc_power_w = dc_kw * 1000.0;
  if (const YamlNode* curve = r.get(node, "dc_curve", path, ev.max_dc_power_w > 0.0))
    decode_curve(*curve, join_path(path, "dc_curve"), r, ev.dc_curve);
  if (const YamlNode* soc = r.get(node, "arrival_soc_percent", path, true)) {
    const std::string spath = join_path(path, "arrival_soc_percent");
    if (!soc->is_sequence() || soc->items.size() != 2) {
      r.error(soc->mark, spath, "expected [min, max], found " + soc->describe());
    } else {
      const auto lo = percent(soc->items[0], index_path(spath, 0), r);
      const auto hi = percent(soc->items[1], index_path(spath, 1), r);
      if (lo && hi && *lo > *hi) r.error(soc->mark, spath, "min is above max");
      if (lo && hi) {
        ev.arrival_soc_min = *lo / 100.0;
        ev.arrival_soc_max = *hi / 100.0;
      }
    }
  }
}

} // namespace

bool EvProfile::fits(std::string_view connector_type) const {
  return connector_type.empty() || std::find(inlets.begin(), inlets.end(), connector_type) != inlets.end();
}

const EvProfile* EvCatalog::find(std::string_view id) const {
  for (const auto& ev : evs_)
    if (ev.id == id) return &ev;
  return nullptr;
}

const EvProfile* EvCatalog::pick(std::uint64_t seed, std::string_view connector_type) const {
  const auto s = session(seed, connector_type);
  return s ? s->ev : nullptr;
}

std::optional<EvCatalog::Session> EvCatalog::session(std::uint64_t seed, std::string_view connector_type) const {
  std::uint64_t total = 0;
  for (const auto& ev : evs_)
    if (ev.fits(connector_type)) total += ev.weight;
  if (total == 0) return std::nullopt;
  // Integer weights and our own PRNG: the same seed picks the same EV everywhere.
  core::Prng prng{seed};
  std::uint64_t ticket = prng.below(total);
  const EvProfile* chosen = nullptr;
  for (const auto& ev : evs_) {
    if (!ev.fits(connector_type)) continue;
    if (ticket < ev.weight) {
      chosen = &ev;
      break;
    }
    ticket -= ev.weight;
  }
  Session s;
  s.ev = chosen;
  s.spec.battery_wh = chosen->battery_wh;
  s.spec.max_ac_power_w = chosen->max_ac_power_w;
  s.spec.max_dc_power_w = chosen->max_dc_power_w;
  s.spec.battery_voltage_v = chosen->battery_voltage_v;
  s.spec.ac_phases = chosen->ac_phases;
  s.spec.dc_curve = chosen->dc_curve.points.empty() ? nullptr : &chosen->dc_curve;
  s.spec.initial_soc = prng.uniform(chosen->arrival_soc_min, chosen->arrival_soc_max);
  return s;
}

std::uint64_t ev_seed(std::uint64_t fleet_seed, std::uint64_t charger_index, int connector_id, std::uint64_t session) {
  return core::derive_seed(fleet_seed, "ev/" + std::to_string(charger_index) + '/' + std::to_string(connector_id) +
                                           '/' + std::to_string(session));
}

EvCatalogLoad load_ev_catalog(const std::filesystem::path& file) {
  EvCatalogLoad out;
  try {
    ParsedYaml parsed = parse_yaml_file(file);
    out.errors = std::move(parsed.errors);
    if (!parsed.root) return out;
    FieldReader r{out.errors, false};
    std::vector<EvProfile> evs;
    if (r.expect_map(*parsed.root, {}, {"evs"})) {
      if (const YamlNode* list = r.get(*parsed.root, "evs", {}, true); list && r.expect_list(*list, "evs")) {
        if (list->items.empty()) r.error(list->mark, "evs", "must list at least one EV");
        std::set<std::string> ids;
        for (std::size_t i = 0; i < list->items.size(); ++i) {
          EvProfile ev;
          decode_ev(list->items[i], index_path("evs", i), r, ev);
          if (!ev.id.empty() && !ids.insert(ev.id).second)
            r.error(list->items[i].mark, index_path("evs", i) + ".id", "duplicate EV id '" + ev.id + "'");
          evs.push_back(std::move(ev));
        }
      }
    }
    if (out.errors.empty()) out.catalog = std::make_shared<const EvCatalog>(std::move(evs));
  } catch (const std::exception& e) {
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, std::string{"cannot load: "} + e.what()});
    out.catalog.reset();
  }
  return out;
}

} // namespace ocppfleet::catalog
