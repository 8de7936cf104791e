#pragma once
// OCPI 2.2.1 Locations, our CPO as SENDER (mod_locations): the CPO's locations as OCPI
// Location objects, each EVSE's status following the OCPP status its charger connector last
// reported to the CPO's backend (the embedded CSMS's csms_connectors), `last_updated` bumped
// up the tree. Runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control-api/store/database.hpp"
#include "ocpi/module_context.hpp"
#include "ocpi/pagination.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// OCPP 1.6 ChargePointStatus / 2.0.1 ConnectorStatusEnumType -> OCPI Status.
std::string evse_status_of(const std::string& ocpp_status);

struct LocationPage {
  std::vector<nlohmann::json> items; // oldest last_updated first, then id
  std::int64_t total = 0;            // matching the dates, before offset/limit
};

// Each CPO's parsed locations, kept between list requests while they do not change (the
// statuses are read per request). Use it on the store thread only.
class LocationCache {
public:
  LocationCache();
  ~LocationCache();
  LocationCache(const LocationCache&) = delete;
  LocationCache& operator=(const LocationCache&) = delete;

private:
  friend LocationPage list_ocpi_locations(store::Database&, const CpoParty&, const PageQuery&, LocationCache*);
  struct Entry;
  std::map<std::int64_t, std::unique_ptr<Entry>> entries_;
};

// Every Location of the CPO, sorted, filtered and sliced as the query says: each location's
// last_updated is worked out from the statuses first, and only the page's are built.
LocationPage list_ocpi_locations(store::Database& db, const CpoParty& cpo, const PageQuery& query,
                                 LocationCache* cache = nullptr);
// One Location (nullopt when the CPO has no such id).
std::optional<nlohmann::json> find_ocpi_location(store::Database& db, const CpoParty& cpo,
                                                 const std::string& location_id);

// GET locations[/{location_id}[/{evse_uid}[/{connector_id}]]], listed as SENDER.
void add_locations_module(ModuleContext& module);

} // namespace ocppfleet::ocpi
