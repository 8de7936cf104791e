#include "ocpi/locations_module.hpp"
#include "ocpi/pagination.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include "control-api/store/errors.hpp"
#include "ocpi/envelope.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

struct ConnectorState {
  std::string status, timestamp;
};
using Statuses = std::map<std::pair<std::string, std::int64_t>, ConnectorState>; // (identity, evse) -> state

Statuses backend_statuses(store::Database& db, std::int64_t cpo_id) {
  Statuses out;
  try {
    auto st = db.prepare("SELECT identity, evse_id, status, timestamp FROM csms_connectors WHERE backend = ? AND "
                         "evse_id > 0");
    st.bind(1, std::to_string(cpo_id));
    while (st.step())
      out[{st.column_text(0), st.column_int64(1)}] = {st.column_text(2), normalised_timestamp(st.column_text(3))};
  } catch (const store::StoreError&) {
    // serve --ocpp-listen off: no backend, no statuses (every EVSE reads UNKNOWN).
  }
  return out;
}

Json location_object(const CpoParty& cpo, const std::string& id, const std::string& name, const std::string& doc_json,
                     const std::string& updated_at, const Statuses& statuses) {
  const auto doc = Json::parse(doc_json, nullptr, false);
  std::string last = normalised_timestamp(updated_at);
  Json evses = Json::array();
  if (doc.is_object() && doc.contains("evses") && doc["evses"].is_array())
    for (const auto& e : doc["evses"]) {
      std::string status = "UNKNOWN", evse_updated = normalised_timestamp(updated_at);
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

namespace {

// A CPO's locations as the list needs them: everything but the statuses, which change all the
// time and are read per request.
struct TopologyRow {
  std::string id, name, document_json, updated_at;         // updated_at normalised
  std::vector<std::pair<std::string, std::int64_t>> evses; // (charger identity, connector)
};

std::shared_ptr<const std::vector<TopologyRow>> load_topology(store::Database& db, std::int64_t cpo_id) {
  auto rows = std::make_shared<std::vector<TopologyRow>>();
  auto st = db.prepare("SELECT location_id, name, document_json, updated_at FROM cpo_locations WHERE cpo_id = ?");
  st.bind(1, cpo_id);
  while (st.step()) {
    TopologyRow r{st.column_text(0), st.column_text(1), st.column_text(2), normalised_timestamp(st.column_text(3)), {}};
    const auto doc = Json::parse(r.document_json, nullptr, false);
    if (doc.is_object() && doc.contains("evses") && doc["evses"].is_array())
      for (const auto& e : doc["evses"])
        if (e.is_object()) r.evses.emplace_back(e.value("charger_identity", ""), e.value("connector_id", 0));
    rows->push_back(std::move(r));
  }
  return rows;
}

// What identifies the version of a CPO's locations: any added, removed or changed moves it.
std::string topology_version(store::Database& db, std::int64_t cpo_id) {
  auto st = db.prepare("SELECT count(*), coalesce(max(updated_at), '') FROM cpo_locations WHERE cpo_id = ?");
  st.bind(1, cpo_id);
  st.step();
  return std::to_string(st.column_int64(0)) + "/" + st.column_text(1);
}

} // namespace

struct LocationCache::Entry {
  std::string version;
  std::shared_ptr<const std::vector<TopologyRow>> rows;
};

LocationCache::LocationCache() = default;
LocationCache::~LocationCache() = default;

LocationPage list_ocpi_locations(store::Database& db, const CpoParty& cpo, const PageQuery& query,
                                 LocationCache* cache) {
  const auto statuses = backend_statuses(db, cpo.id);
  std::shared_ptr<const std::vector<TopologyRow>> topology;
  if (cache) {
    auto& entry = cache->entries_[cpo.id];
    if (!entry) entry = std::make_unique<LocationCache::Entry>();
    auto version = topology_version(db, cpo.id);
    if (!entry->rows || entry->version != version) {
      entry->rows = load_topology(db, cpo.id);
      entry->version = std::move(version);
    }
    topology = entry->rows;
  } else {
    topology = load_topology(db, cpo.id);
  }
  // Each location's last_updated (its own, or its EVSEs' latest status) without building it;
  // then only the page's Locations are built.
  std::vector<std::pair<std::string, const TopologyRow*>> matching; // (last_updated, row)
  for (const auto& row : *topology) {
    std::string last = row.updated_at;
    for (const auto& evse : row.evses)
      if (const auto it = statuses.find(evse); it != statuses.end()) last = std::max(last, it->second.timestamp);
    if (in_date_range(query, last)) matching.emplace_back(std::move(last), &row);
  }
  std::sort(matching.begin(), matching.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second->id) < std::tie(b.first, b.second->id);
  });
  LocationPage page;
  page.total = static_cast<std::int64_t>(matching.size());
  for (auto i = query.offset; i < page.total && i < query.offset + query.limit; ++i) {
    const auto* row = matching[static_cast<std::size_t>(i)].second;
    page.items.push_back(location_object(cpo, row->id, row->name, row->document_json, row->updated_at, statuses));
  }
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

void add_locations_module(ModuleContext& module) {
  module.endpoint("locations", "SENDER");
  auto& store = module.store;
  // Only touched on the store thread (inside store.submit).
  auto cache = std::make_shared<LocationCache>();
  module.route(
      "GET", "/ocpi/cpo/{cpo_id}/2.2.1/locations", false,
      [&store, cache, url = module.version_url](const http::HttpRequest& req, Authed& a) {
        auto parsed = parse_page_query(req);
        if (auto* bad = std::get_if<std::string>(&parsed))
          return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
        const auto& q = std::get<PageQuery>(parsed);
        auto page =
            store.submit([&](store::Database& db) { return list_ocpi_locations(db, a.cpo, q, cache.get()); }).get();
        return page_response(req, Json(std::move(page.items)), page.total, q, url(a.cpo) + "/locations");
      });
  const auto one_location = [&store](const http::HttpRequest& req, Authed& a) {
    return store
        .submit([&](store::Database& db) { return find_ocpi_location(db, a.cpo, req.path_params.at("location_id")); })
        .get();
  };
  const auto unknown = [](const http::HttpRequest& req, const char* what) {
    return envelope(req, 404, nullptr, status_code::unknown_object, std::string{"Unknown "} + what);
  };
  const auto find_evse = [](const Json& location, const std::string& uid) -> std::optional<Json> {
    for (const auto& e : location["evses"])
      if (e["uid"] == uid) return e;
    return std::nullopt;
  };
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/locations/{location_id}", false,
               [one_location, unknown](const http::HttpRequest& req, Authed& a) {
                 auto l = one_location(req, a);
                 return l ? ok(req, std::move(*l)) : unknown(req, "Location");
               });
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/locations/{location_id}/{evse_uid}", false,
               [one_location, unknown, find_evse](const http::HttpRequest& req, Authed& a) {
                 auto l = one_location(req, a);
                 if (!l) return unknown(req, "Location");
                 auto e = find_evse(*l, req.path_params.at("evse_uid"));
                 return e ? ok(req, std::move(*e)) : unknown(req, "EVSE");
               });
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/locations/{location_id}/{evse_uid}/{connector_id}", false,
               [one_location, unknown, find_evse](const http::HttpRequest& req, Authed& a) {
                 auto l = one_location(req, a);
                 if (!l) return unknown(req, "Location");
                 auto e = find_evse(*l, req.path_params.at("evse_uid"));
                 if (!e) return unknown(req, "EVSE");
                 for (const auto& c : (*e)["connectors"])
                   if (c["id"] == req.path_params.at("connector_id")) return ok(req, c);
                 return unknown(req, "Connector");
               });
}

} // namespace ocppfleet::ocpi
