#include "simulator/catalog/canonical_json.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <array>

namespace ocppfleet::catalog {
namespace {

// nlohmann::json objects are std::map-backed: keys come out sorted by byte order, and we
// put only strings, integers and booleans in, so dump() has one possible spelling.
using json = nlohmann::json;

json to_json(const NetworkEvse& e) {
  const NetworkConnector& c = e.connector;
  json connector{{"id", c.id},
                 {"standard", c.standard},
                 {"format", c.format},
                 {"power_type", c.power_type},
                 {"max_voltage", c.max_voltage},
                 {"max_amperage", c.max_amperage},
                 {"max_electric_power", c.max_electric_power},
                 {"tariff_ids", c.tariff_ids}};
  return json{{"uid", e.uid},
              {"evse_id", e.evse_id},
              {"charger_identity", e.charger_identity},
              {"connector_id", e.connector_id},
              {"connectors", json::array({std::move(connector)})}};
}

json to_json(const NetworkLocation& l) {
  json hours = json::array();
  for (const auto& h : l.regular_hours)
    hours.push_back({{"weekday", h.weekday}, {"period_begin", h.period_begin}, {"period_end", h.period_end}});
  json evses = json::array();
  for (const auto& e : l.evses)
    evses.push_back(to_json(e));
  return json{{"id", l.id},
              {"number", l.number},
              {"name", l.name},
              {"address", l.address},
              {"city", l.city},
              {"postal_code", l.postal_code},
              {"country", l.country},
              {"coordinates", {{"latitude", l.latitude}, {"longitude", l.longitude}}},
              {"time_zone", l.time_zone},
              {"parking_type", l.parking_type},
              {"facilities", l.facilities},
              {"opening_times", {{"twentyfourseven", l.twentyfourseven}, {"regular_hours", std::move(hours)}}},
              {"evses", std::move(evses)}};
}

json to_json(const NetworkCharger& c) {
  return json{{"identity", c.identity},
              {"location_id", c.location_id},
              {"location_number", c.location_number},
              {"charger_number", c.charger_number},
              {"group", c.group},
              {"brand", c.brand},
              {"model", c.model},
              {"vendor", c.vendor},
              {"model_name", c.model_name},
              {"serial_number", c.serial_number},
              {"ocpp_version", c.ocpp_version},
              {"connector_count", c.connector_count}};
}

json to_json(const NetworkTariff& t) {
  json elements = json::array();
  for (const auto& el : t.elements) {
    json pcs = json::array();
    for (const auto& pc : el)
      pcs.push_back({{"type", pc.type}, {"price", pc.price}, {"step_size", pc.step_size}});
    elements.push_back({{"price_components", std::move(pcs)}});
  }
  return json{{"id", t.id}, {"currency", t.currency}, {"power_type", t.power_type}, {"elements", std::move(elements)}};
}

} // namespace

std::string canonical_json(const Network& n) {
  json locations = json::array();
  for (const auto& l : n.locations)
    locations.push_back(to_json(l));
  json chargers = json::array();
  for (const auto& c : n.chargers)
    chargers.push_back(to_json(c));
  json tariffs = json::array();
  for (const auto& t : n.tariffs)
    tariffs.push_back(to_json(t));
  const json doc{{"template", n.template_slug},
                 {"template_version", n.template_version},
                 // A string: a 64-bit seed does not fit a JSON number every reader keeps exact.
                 {"seed", std::to_string(n.seed)},
                 {"country_code", n.country_code},
                 {"party_id", n.party_id},
                 {"name_prefix", n.name_prefix},
                 {"size", {{"locations", n.locations_requested}, {"chargers_per_location", n.chargers_per_location}}},
                 {"locations", std::move(locations)},
                 {"chargers", std::move(chargers)},
                 {"tariffs", std::move(tariffs)}};
  // Template strings are UTF-8 checked by yaml-cpp; `replace` keeps a stray byte from throwing.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 0xF];
  }
  return out;
}

} // namespace ocppfleet::catalog
