#include "ocpi/locations_module.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "control-api/store/errors.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

struct ConnectorState {
  std::string status, timestamp;
};
using Statuses = std::map<std::pair<std::string, std::int64_t>, ConnectorState>; // (identity, evse) -> state

// RFC 3339 in, our one format out (so dates compare as text); the input when unparsable.
std::string normalised(const std::string& t) {
  const auto parsed = core::parse_timestamp(t);
  return parsed ? core::format_timestamp(*parsed) : t;
}

Statuses backend_statuses(store::Database& db, std::int64_t cpo_id) {
  Statuses out;
  try {
    auto st = db.prepare("SELECT identity, evse_id, status, timestamp FROM csms_connectors WHERE backend = ? AND "
                         "evse_id > 0");
    st.bind(1, std::to_string(cpo_id));
    while (st.step())
      out[{st.column_text(0), st.column_int64(1)}] = {st.column_text(2), normalised(st.column_text(3))};
  } catch (const store::StoreError&) {
    // serve --ocpp-listen off: no backend, no statuses (every EVSE reads UNKNOWN).
  }
  return out;
}

Json location_object(const CpoParty& cpo, const std::string& id, const std::string& name, const std::string& doc_json,
                     const std::string& updated_at, const Statuses& statuses) {
  const auto doc = Json::parse(doc_json, nullptr, false);
  std::string last = normalised(updated_at);
  Json evses = Json::array();
  if (doc.is_object() && doc.contains("evses") && doc["evses"].is_array())
    for (const auto& e : doc["evses"]) {
      std::string status = "UNKNOWN", evse_updated = normalised(updated_at);
      const auto it = statuses.find({e.value("charger_identity", ""), e.value("connector_id", 0)});
      if (it != statuses.end()) {
        status = evse_status_of(it->second.status);
        evse_updated = std::max(evse_updated, it->second.timestamp);
      }
      last = std::max(last, evse_updated);
      Json connector = e.value("connector", Json::object());
      connector["id"] = "1";
      connector["last_updated"] = evse_updated;
      evses.push_back(Json{{"uid", e.value("uid", "")},
                           {"evse_id", e.value("evse_id", "")},
                           {"status", status},
                           {"capabilities", Json::array({"REMOTE_START_STOP_CAPABLE", "UNLOCK_CAPABLE"})},
                           {"connectors", Json::array({std::move(connector)})},
                           {"last_updated", evse_updated}});
    }
  Json out{{"country_code", cpo.country_code},
           {"party_id", cpo.party_id},
           {"id", id},
           {"publish", true},
           {"name", name},
           {"address", doc.value("address", "")},
           {"city", doc.value("city", "")},
           {"postal_code", doc.value("postal_code", "")},
           {"country", doc.value("country", "")},
           {"coordinates", doc.value("coordinates", Json::object())},
           {"parking_type", doc.value("parking_type", "")},
           {"evses", std::move(evses)},
           {"facilities", doc.value("facilities", Json::array())},
           {"time_zone", doc.value("time_zone", "")},
           {"opening_times", doc.value("opening_times", Json{{"twentyfourseven", true}})},
           {"last_updated", last}};
  if (out["parking_type"] == "") out.erase("parking_type");
  return out;
}

} // namespace

std::string evse_status_of(const std::string& s) {
  if (s == "Available") return "AVAILABLE";
  if (s == "Preparing" || s == "Charging" || s == "SuspendedEV" || s == "SuspendedEVSE" || s == "Finishing" ||
      s == "Occupied")
    return "CHARGING";
  if (s == "Reserved") return "RESERVED";
  if (s == "Unavailable") return "INOPERATIVE";
  if (s == "Faulted") return "OUTOFORDER";
  return "UNKNOWN";
}

LocationPage list_ocpi_locations(store::Database& db, const CpoParty& cpo, const LocationQuery& query) {
  const auto statuses = backend_statuses(db, cpo.id);
  std::vector<Json> all;
  auto st = db.prepare("SELECT location_id, name, document_json, updated_at FROM cpo_locations WHERE cpo_id = ?");
  st.bind(1, cpo.id);
  while (st.step()) {
    auto l = location_object(cpo, st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), statuses);
    const auto& t = l["last_updated"].get_ref<const std::string&>();
    if (query.date_from && t < *query.date_from) continue; // date_from inclusive
    if (query.date_to && t >= *query.date_to) continue;    // date_to exclusive
    all.push_back(std::move(l));
  }
  std::sort(all.begin(), all.end(), [](const Json& a, const Json& b) {
    return std::tie(a["last_updated"].get_ref<const std::string&>(), a["id"].get_ref<const std::string&>()) <
           std::tie(b["last_updated"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
  });
  LocationPage page;
  page.total = static_cast<std::int64_t>(all.size());
  for (auto i = query.offset; i < page.total && i < query.offset + query.limit; ++i)
    page.items.push_back(std::move(all[static_cast<std::size_t>(i)]));
  return page;
}

std::optional<Json> find_ocpi_location(store::Database& db, const CpoParty& cpo, const std::string& location_id) {
  auto st = db.prepare(
      "SELECT location_id, name, document_json, updated_at FROM cpo_locations WHERE cpo_id = ? AND location_id = ?");
  st.bind_all(cpo.id, location_id);
  if (!st.step()) return std::nullopt;
  return location_object(cpo, st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3),
                         backend_statuses(db, cpo.id));
}

} // namespace ocppfleet::ocpi
