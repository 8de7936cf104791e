#include "control-api/workflows/catalog_cpo_planner.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "simulator/catalog/added_location.hpp"
#include "simulator/catalog/canonical_json.hpp"
#include "simulator/catalog/network_generator.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

CpoTemplateSummary summary_of(const catalog::TemplateSummary& t) {
  return CpoTemplateSummary{t.slug,          t.version,
                            t.description,   t.locations,
                            t.chargers,      t.chargers_per_location,
                            t.max_locations, t.max_chargers_per_location,
                            t.countries};
}

std::string ocpp_version_text(const std::string& v) { return v.rfind("OCPP", 0) == 0 ? v : "OCPP" + v; }

// The location as the CPO's location routes serve it: the generated fields, with EVSEs.
Json location_json(const catalog::NetworkLocation& l) {
  Json evses = Json::array();
  for (const auto& e : l.evses)
    evses.push_back(Json{{"uid", e.uid},
                         {"evse_id", e.evse_id},
                         {"charger_identity", e.charger_identity},
                         {"connector_id", e.connector_id},
                         {"connector", Json{{"standard", e.connector.standard},
                                            {"format", e.connector.format},
                                            {"power_type", e.connector.power_type},
                                            {"max_voltage", e.connector.max_voltage},
                                            {"max_amperage", e.connector.max_amperage},
                                            {"max_electric_power", e.connector.max_electric_power},
                                            {"tariff_ids", e.connector.tariff_ids}}}});
  Json hours = Json::array();
  for (const auto& h : l.regular_hours)
    hours.push_back(Json{{"weekday", h.weekday}, {"period_begin", h.period_begin}, {"period_end", h.period_end}});
  return Json{{"address", l.address},
              {"city", l.city},
              {"postal_code", l.postal_code},
              {"country", l.country},
              {"coordinates", Json{{"latitude", l.latitude}, {"longitude", l.longitude}}},
              {"time_zone", l.time_zone},
              {"parking_type", l.parking_type},
              {"facilities", l.facilities},
              {"opening_times", Json{{"twentyfourseven", l.twentyfourseven}, {"regular_hours", hours}}},
              {"evses", evses}};
}

std::optional<std::string> text_of(const Json& item, const char* key) {
  if (auto it = item.find(key); it != item.end() && it->is_string()) return it->get<std::string>();
  return std::nullopt;
}

catalog::NetworkRequest request_of(const store::CpoRow& cpo) {
  catalog::NetworkRequest request;
  request.template_slug = cpo.template_slug;
  request.template_version = cpo.template_version;
  request.seed = cpo.seed;
  request.country_code = cpo.country_code;
  request.party_id = cpo.party_id;
  request.name_prefix = cpo.name_prefix;
  return request;
}

} // namespace

std::vector<CpoTemplateSummary> CatalogCpoPlanner::templates() const {
  std::vector<CpoTemplateSummary> out;
  for (const auto& t : templates_.list())
    out.push_back(summary_of(t));
  return out;
}

std::optional<CpoTemplateSummary> CatalogCpoPlanner::find_template(const std::string& slug) const {
  for (const auto& t : templates_.list())
    if (t.slug == slug) return summary_of(t);
  return std::nullopt;
}

std::vector<std::string> CatalogCpoPlanner::location_presets_json(const std::string& type,
                                                                  const std::string& ocpp_version) const {
  std::vector<std::string> out;
  for (const auto& p : templates_.presets(type, ocpp_version)) {
    Json groups = Json::array();
    for (const auto& g : p->groups)
      groups.push_back(Json{{"brand", g.brand},
                            {"model", g.model},
                            {"connector", g.connector},
                            {"ocpp_version", ocpp_version_text(g.ocpp_version)},
                            {"count", g.count},
                            {"nominal_kw", static_cast<double>(g.power_w) / 1000.0}});
    out.push_back(Json{
        {"slug", p->slug},
        {"name", p->name},
        {"type", p->type},
        {"description", p->description},
        {"parking_type", p->parking_type},
        {"facilities", p->facilities},
        {"charger_groups",
         groups}}.dump());
  }
  return out;
}

std::variant<CpoPlan, CpoPlanError> CatalogCpoPlanner::plan(const store::CpoRow& cpo) const {
  catalog::NetworkRequest request = request_of(cpo);
  const auto overrides = Json::parse(cpo.overrides_json, nullptr, false);
  if (overrides.is_object())
    for (const auto& [key, value] : overrides.items())
      if (value.is_number_integer())
        if (auto error = catalog::set_override(request.overrides, key, value.get<std::int64_t>()))
          return CpoPlanError{"invalid_override", error->message, error->field};
  auto result = catalog::generate_network(templates_, request);
  if (!result.ok()) {
    const auto& e = result.errors.front();
    const bool template_gone = e.code == catalog::GenerationErrorCode::UnknownTemplate ||
                               e.code == catalog::GenerationErrorCode::TemplateVersion;
    return CpoPlanError{template_gone ? "unknown_template" : "invalid_request", e.message, e.field};
  }
  const auto& network = *result.network;
  const auto tmpl = templates_.find(cpo.template_slug);
  CpoPlan plan;
  plan.document = catalog::canonical_json(network);
  plan.sha256 = catalog::sha256_hex(plan.document);
  for (const auto& l : network.locations) {
    plan.locations.push_back(CpoPlanLocation{l.id, l.name, location_json(l).dump()});
    plan.evses += static_cast<std::int64_t>(l.evses.size());
    plan.connectors += static_cast<std::int64_t>(l.evses.size()); // one connector per EVSE (OCPP 1.x advice)
  }
  std::map<std::string, std::string> location_names;
  for (const auto& l : network.locations)
    location_names.emplace(l.id, l.name);
  for (const auto& c : network.chargers) {
    CpoPlanCharger charger;
    charger.identity = c.identity;
    charger.brand = c.brand;
    charger.model = c.model;
    charger.ocpp_version = ocpp_version_text(c.ocpp_version);
    charger.location_id = c.location_id;
    if (tmpl)
      for (const auto& g : tmpl->groups)
        if (g.name == c.group && !g.connector_types.empty()) charger.connector_type = g.connector_types.front();
    if (auto it = location_names.find(c.location_id); it != location_names.end()) charger.location_name = it->second;
    plan.chargers.push_back(std::move(charger));
  }
  return plan;
}

std::variant<CpoAddedPlan, CpoPlanError> CatalogCpoPlanner::plan_added_locations(const store::CpoRow& cpo,
                                                                                 std::int64_t first_number,
                                                                                 const std::string& items_json) const {
  const auto tmpl = templates_.find(cpo.template_slug);
  if (!tmpl) return CpoPlanError{"unknown_template", "the CPO's template '" + cpo.template_slug + "' is gone", ""};
  const auto items = Json::parse(items_json, nullptr, false);
  if (!items.is_array()) return CpoPlanError{"invalid_request", "the location items are not a JSON array", ""};
  const catalog::NetworkRequest request = request_of(cpo);
  CpoAddedPlan plan;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    const std::string where = "locations." + std::to_string(i);
    catalog::AddedLocationSpec spec;
    std::vector<std::string> connectors; // per charger group, for the charger rows
    if (auto slug = text_of(item, "template")) {
      const auto preset = templates_.find_preset(*slug);
      if (!preset)
        return CpoPlanError{"unknown_location_template",
                            "no location template '" + *slug + "' (GET /ocpp/templates/locations lists them)",
                            where + ".template"};
      spec = catalog::spec_of_preset(*preset);
      for (const auto& g : preset->groups)
        connectors.push_back(g.connector);
    }
    if (auto it = item.find("chargers"); it != item.end() && it->is_array()) {
      spec.chargers.clear();
      connectors.clear();
      for (const auto& g : *it) {
        catalog::AddedChargerGroup group;
        group.brand = text_of(g, "brand").value_or("");
        group.model = text_of(g, "model").value_or("");
        group.ocpp_version = text_of(g, "ocpp_version").value_or("1.6");
        group.count = g.value("count", 1);
        spec.chargers.push_back(std::move(group));
        connectors.push_back(text_of(g, "connector_type").value_or(""));
      }
    }
    spec.name = text_of(item, "name");
    spec.address = text_of(item, "address");
    spec.city = text_of(item, "city");
    spec.postal_code = text_of(item, "postal_code");
    spec.time_zone = text_of(item, "time_zone");
    if (auto v = text_of(item, "parking_type")) spec.parking_type = v;
    if (auto it = item.find("coordinates"); it != item.end() && it->is_object()) {
      spec.latitude = text_of(*it, "latitude");
      spec.longitude = text_of(*it, "longitude");
    }
    if (auto it = item.find("facilities"); it != item.end() && it->is_array())
      spec.facilities = it->get<std::vector<std::string>>();
    // Each group's connector type: as asked (the model must have it), else the model's first.
    for (std::size_t g = 0; g < spec.chargers.size() && g < connectors.size(); ++g) {
      const auto profile = brands_.resolve(spec.chargers[g].brand, spec.chargers[g].model).profile;
      if (!profile) continue; // generate_added_location names the model
      std::vector<std::string> types;
      for (int cn = 1; cn <= profile->hardware.connector_count(); ++cn)
        types.push_back(profile->hardware.connector(cn)->type);
      if (connectors[g].empty() && !types.empty()) connectors[g] = types.front();
      if (std::find(types.begin(), types.end(), connectors[g]) == types.end())
        return CpoPlanError{"invalid_location",
                            spec.chargers[g].brand + "/" + spec.chargers[g].model + " has no " + connectors[g] +
                                " connector",
                            where + ".chargers." + std::to_string(g) + ".connector_type"};
    }
    const int number = static_cast<int>(first_number + static_cast<std::int64_t>(i));
    auto result = catalog::generate_added_location(*tmpl, request, number, spec, brands_);
    if (result.error) {
      const bool whole = result.error->field == "locations";
      return CpoPlanError{result.error->code == catalog::GenerationErrorCode::OverrideOutOfRange ? "over_capacity"
                                                                                                 : "invalid_location",
                          result.error->message, whole ? std::string{"locations"} : where + "." + result.error->field};
    }
    auto& added = *result.value;
    plan.locations.push_back(
        CpoPlanLocation{added.location.id, added.location.name, location_json(added.location).dump()});
    plan.evses += static_cast<std::int64_t>(added.location.evses.size());
    plan.connectors += static_cast<std::int64_t>(added.location.evses.size());
    std::size_t group = 0;
    int left = spec.chargers.empty() ? 0 : spec.chargers[0].count;
    for (const auto& c : added.chargers) {
      while (left == 0 && group + 1 < spec.chargers.size())
        left = spec.chargers[++group].count;
      --left;
      CpoPlanCharger charger;
      charger.identity = c.identity;
      charger.brand = c.brand;
      charger.model = c.model;
      charger.ocpp_version = c.ocpp_version;
      charger.location_id = c.location_id;
      charger.location_name = added.location.name;
      charger.connector_type = group < connectors.size() ? connectors[group] : "";
      plan.chargers.push_back(std::move(charger));
    }
  }
  return plan;
}

} // namespace ocppfleet::api
