#include "ocpi/session_context.hpp"

#include "ocpi/tariffs_module.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

Json placeholder_location(const std::string& location_id) {
  return Json{{"id", location_id},
              {"address", ""},
              {"city", ""},
              {"country", ""},
              {"coordinates", Json{{"latitude", "0.000000"}, {"longitude", "0.000000"}}},
              {"evse_uid", "#NA"},
              {"evse_id", "#NA"},
              {"connector_id", "#NA"},
              {"connector_standard", "IEC_62196_T2"},
              {"connector_format", "SOCKET"},
              {"connector_power_type", "AC_3_PHASE"}};
}

} // namespace

SessionContextBuilder::SessionContextBuilder(store::Database& db, const CpoParty& cpo)
    : db_(db), cpo_(cpo),
      // The live charger first (the unique (org_id, identity) index), else one deleted since.
      live_charger_(db, "SELECT cpo_location_id FROM chargers WHERE org_id = ? AND identity = ? AND cpo_id = ? AND "
                        "deleted_at IS NULL"),
      any_charger_(db, "SELECT cpo_location_id FROM chargers WHERE org_id = ? AND identity = ? AND cpo_id = ? "
                       "ORDER BY deleted_at DESC LIMIT 1"),
      location_(db, "SELECT name, document_json FROM cpo_locations WHERE cpo_id = ? AND location_id = ?") {
  {
    auto st = db_.prepare("SELECT org_id FROM cpos WHERE id = ?");
    st.bind(1, cpo_.id);
    if (st.step()) org_id_ = st.column_text(0);
  }
  // A session with no tariff still needs a currency: the CPO's (every tariff of a CPO has its
  // country's), EUR when it has none at all.
  auto st = db_.prepare("SELECT json_extract(tariff_json, '$.currency') FROM ocpi_tariffs WHERE cpo_id = ? LIMIT 1");
  st.bind(1, cpo_.id);
  fallback_currency_ = st.step() && !st.is_null(0) ? st.column_text(0) : "EUR";
}

std::optional<std::string> SessionContextBuilder::location_of(const std::string& identity) {
  for (auto* st : {&live_charger_, &any_charger_}) {
    st->reset();
    st->bind_all(org_id_, identity, cpo_.id);
    std::optional<std::string> out;
    if (st->step() && !st->is_null(0)) out = st->column_text(0);
    st->reset();
    if (out) return out;
  }
  return std::nullopt;
}

const Json* SessionContextBuilder::location_row(const std::string& location_id) {
  auto [it, inserted] = locations_.try_emplace(location_id, nullptr);
  if (inserted) {
    location_.reset();
    location_.bind_all(cpo_.id, location_id);
    if (location_.step()) {
      auto doc = Json::parse(location_.column_text(1), nullptr, false);
      if (doc.is_object()) it->second = Json{{"name", location_.column_text(0)}, {"doc", std::move(doc)}};
    }
    location_.reset();
  }
  return it->second.is_null() ? nullptr : &it->second;
}

Json SessionContextBuilder::context(const std::string& identity, std::int64_t evse_id) {
  const auto location_id = location_of(identity);
  const Json* row = location_id ? location_row(*location_id) : nullptr;
  const Json* evse = nullptr;
  const Json* evses = nullptr;
  if (row) {
    const auto it = row->at("doc").find("evses");
    if (it != row->at("doc").end() && it->is_array()) evses = &*it;
  }
  if (evses)
    for (const auto& e : *evses) {
      if (e.value("charger_identity", "") != identity) continue;
      if (!evse) evse = &e; // an EVSE number the network does not know: the charger's first
      if (e.value("connector_id", std::int64_t{0}) == evse_id) {
        evse = &e;
        break;
      }
    }
  if (!row || !evse)
    return Json{{"cdr_location", placeholder_location(location_id.value_or("UNKNOWN"))},
                {"tariff", nullptr},
                {"currency", fallback_currency_}};
  const auto& doc = row->at("doc");
  const auto connector = evse->value("connector", Json::object());
  Json location{{"id", *location_id},
                {"name", row->at("name")},
                {"address", doc.value("address", "")},
                {"city", doc.value("city", "")},
                {"postal_code", doc.value("postal_code", "")},
                {"country", doc.value("country", "")},
                {"coordinates", doc.value("coordinates", Json::object())},
                {"evse_uid", evse->value("uid", "")},
                {"evse_id", evse->value("evse_id", "")},
                {"connector_id", "1"}, // one Connector per EVSE, id "1" (as the locations module serves it)
                {"connector_standard", connector.value("standard", "")},
                {"connector_format", connector.value("format", "")},
                {"connector_power_type", connector.value("power_type", "")}};
  if (location["postal_code"] == "") location.erase("postal_code");
  std::optional<Json> tariff;
  const auto ids = connector.value("tariff_ids", Json::array());
  if (!ids.empty() && ids[0].is_string()) {
    auto [it, inserted] = tariffs_.try_emplace(ids[0].get<std::string>(), nullptr);
    if (inserted) it->second = find_ocpi_tariff(db_, cpo_, it->first).value_or(Json(nullptr));
    if (!it->second.is_null()) tariff = it->second;
  }
  const auto currency = tariff ? tariff->value("currency", fallback_currency_) : fallback_currency_;
  return Json{{"cdr_location", std::move(location)},
              {"tariff", tariff ? std::move(*tariff) : Json(nullptr)},
              {"currency", currency}};
}

} // namespace ocppfleet::ocpi
