#include "ocpi/evse_index.hpp"

#include <nlohmann/json.hpp>

namespace ocppfleet::ocpi {

EvseIndex EvseIndex::load(store::Database& db, std::int64_t cpo_id) {
  EvseIndex index;
  auto st = db.prepare("SELECT location_id, document_json FROM cpo_locations WHERE cpo_id = ? ORDER BY seq");
  st.bind(1, cpo_id);
  while (st.step()) {
    const auto location_id = st.column_text(0);
    const auto doc = nlohmann::json::parse(st.column_text(1), nullptr, false);
    if (!doc.is_object() || !doc.contains("evses") || !doc["evses"].is_array()) continue;
    for (const auto& e : doc["evses"]) {
      if (!e.is_object()) continue;
      EvseTarget t{location_id, e.value("uid", ""), e.value("charger_identity", ""), e.value("connector_id", 0)};
      const auto i = index.targets_.size();
      index.by_uid_.emplace(std::pair{t.location_id, t.evse_uid}, i);
      index.by_charger_.emplace(std::pair{t.identity, t.connector_id}, i);
      index.targets_.push_back(std::move(t));
    }
  }
  return index;
}

std::optional<EvseTarget> EvseIndex::by_uid(const std::string& location_id, const std::string& evse_uid) const {
  const auto it = by_uid_.find({location_id, evse_uid});
  if (it == by_uid_.end()) return std::nullopt;
  return targets_[it->second];
}

std::optional<EvseTarget> EvseIndex::by_charger(const std::string& identity, int connector_id) const {
  const auto it = by_charger_.find({identity, connector_id});
  if (it == by_charger_.end()) return std::nullopt;
  return targets_[it->second];
}

std::vector<EvseTarget> EvseIndex::of_location(const std::string& location_id) const {
  std::vector<EvseTarget> out;
  for (const auto& t : targets_)
    if (t.location_id == location_id) out.push_back(t);
  return out;
}

bool EvseIndex::has_location(const std::string& location_id) const {
  for (const auto& t : targets_)
    if (t.location_id == location_id) return true;
  return false;
}

} // namespace ocppfleet::ocpi
