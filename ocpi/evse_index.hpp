#pragma once
// Which charger connector an OCPI EVSE is, and back: the topology routing of a CPO (one OCPP
// connector = one OCPI EVSE with one Connector), read from its locations' documents
// (cpo_locations) on the store thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control-api/store/database.hpp"

namespace ocppfleet::ocpi {

struct EvseTarget {
  std::string location_id, evse_uid;
  std::string identity; // the charger
  int connector_id = 0; // OCPP connector (1.6) / EVSE (2.0.1) number on it
};

class EvseIndex {
public:
  // Every EVSE of the CPO's locations.
  static EvseIndex load(store::Database& db, std::int64_t cpo_id);

  [[nodiscard]] std::optional<EvseTarget> by_uid(const std::string& location_id, const std::string& evse_uid) const;
  [[nodiscard]] std::optional<EvseTarget> by_charger(const std::string& identity, int connector_id) const;
  [[nodiscard]] std::vector<EvseTarget> of_location(const std::string& location_id) const;
  [[nodiscard]] bool has_location(const std::string& location_id) const;
  [[nodiscard]] std::size_t size() const { return targets_.size(); }

private:
  std::vector<EvseTarget> targets_; // in location order, then EVSE order
  std::map<std::pair<std::string, std::string>, std::size_t> by_uid_;
  std::map<std::pair<std::string, int>, std::size_t> by_charger_;
};

} // namespace ocppfleet::ocpi
