#pragma once
// What a session of our CPO starts under, kept with it so its CDR shows the place and price
// as they were at the start (mod_cdrs): the CdrLocation of the EVSE the transaction runs on
// (the charger's location in cpo_locations, the EVSE whose charger and OCPP connector match)
// and the first tariff the connector lists, with its currency. Runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "control-api/store/database.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// One per sync.
class SessionContextBuilder {
public:
  // Expects the CPO's tariffs in ocpi_tariffs (ensure_ocpi_tariffs).
  SessionContextBuilder(store::Database& db, const CpoParty& cpo);

  // {cdr_location, tariff (an OCPI Tariff, or null), currency}. A charger whose location is
  // gone by now gets a CdrLocation of placeholders ("#NA" EVSE and connector).
  nlohmann::json context(const std::string& identity, std::int64_t evse_id);

private:
  std::optional<std::string> location_of(const std::string& identity);
  const nlohmann::json* location_row(const std::string& location_id); // {name, doc}, cached

  store::Database& db_;
  const CpoParty& cpo_;
  // Prepared once: a first sync of a large CPO may place thousands of sessions.
  store::Statement live_charger_, any_charger_, location_;
  std::string org_id_;
  std::string fallback_currency_;
  std::map<std::string, nlohmann::json> locations_; // location_id -> {name, doc}; null when missing
  std::map<std::string, nlohmann::json> tariffs_;   // tariff id -> OCPI Tariff; null when unknown
};

} // namespace ocppfleet::ocpi
