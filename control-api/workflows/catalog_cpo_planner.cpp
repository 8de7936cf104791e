#include "control-api/workflows/catalog_cpo_planner.hpp"

#include <nlohmann/json.hpp>

#include <map>

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
  catalog::NetworkRequest request;
  request.template_slug = cpo.template_slug;
  request.template_version = cpo.template_version;
  request.seed = cpo.seed;
  request.country_code = cpo.country_code;
  request.party_id = cpo.party_id;
  request.name_prefix = cpo.name_prefix;
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

} // namespace ocppfleet::api
