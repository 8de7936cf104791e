#include "ocpi/tariffs_module.hpp"
#include "ocpi/pagination.hpp"

#include <array>
#include <utility>

#include "control-api/store/errors.hpp"
#include "ocpi/envelope.hpp"
#include "ocpi/paged_sql.hpp"
#include "ocpi/tariff_cost.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// A tariff of the network document ({id, currency, power_type, elements[{price_components[
// {type, price: "0.3900", step_size}]}]}) as an OCPI Tariff. power_type only chose which
// connectors list it; OCPI has no such field.
Json ocpi_tariff(const CpoParty& cpo, const Json& doc, const std::string& last_updated) {
  const auto vat = standard_vat_percent(cpo.country_code);
  Json elements = Json::array();
  for (const auto& el : doc.value("elements", Json::array())) {
    Json components = Json::array();
    for (const auto& pc : el.value("price_components", Json::array())) {
      Json c{{"type", pc.value("type", "")}, {"price", amount_json(0)}, {"step_size", pc.value("step_size", 1)}};
      if (const auto p = pc.find("price"); p != pc.end())
        c["price"] = p->is_string() ? Json::parse(p->get<std::string>(), nullptr, false) : *p;
      if (c["price"].is_discarded()) c["price"] = amount_json(0);
      if (vat) c["vat"] = *vat;
      components.push_back(std::move(c));
    }
    elements.push_back(Json{{"price_components", std::move(components)}});
  }
  return Json{{"country_code", cpo.country_code},      {"party_id", cpo.party_id}, {"id", doc.value("id", "")},
              {"currency", doc.value("currency", "")}, {"type", "REGULAR"},        {"elements", std::move(elements)},
              {"last_updated", last_updated}};
}

} // namespace

std::optional<double> standard_vat_percent(std::string_view country_code) {
  // The countries of templates/_pools-europe.yaml (standard rates, 2026).
  static constexpr std::array<std::pair<std::string_view, double>, 5> rates{
      {{"BE", 21.0}, {"DE", 19.0}, {"FR", 20.0}, {"GB", 20.0}, {"NL", 21.0}}};
  for (const auto& [code, rate] : rates)
    if (code == country_code) return rate;
  return std::nullopt;
}

void ensure_ocpi_tariffs(store::Database& db, const CpoParty& cpo) {
  {
    auto exists = db.prepare("SELECT EXISTS (SELECT 1 FROM ocpi_tariffs WHERE cpo_id = ?)");
    exists.bind(1, cpo.id);
    if (exists.step() && exists.column_int64(0) != 0) return;
  } // statements finalised before the write below: a live one would hold its read open
  Json tariffs;
  std::string last_updated;
  {
    // SQLite's JSON extraction hands us only the tariffs of a document that may be megabytes.
    auto doc = db.prepare("SELECT json_extract(document_json, '$.tariffs'), created_at FROM cpos WHERE id = ? AND "
                          "document_json IS NOT NULL");
    doc.bind(1, cpo.id);
    if (!doc.step() || doc.is_null(0)) return;
    tariffs = Json::parse(doc.column_text(0), nullptr, false);
    last_updated = normalised_timestamp(doc.column_text(1));
  }
  if (!tariffs.is_array()) return;
  store::Transaction tx{db};
  auto insert =
      db.prepare("INSERT OR IGNORE INTO ocpi_tariffs (cpo_id, id, tariff_json, last_updated) VALUES (?, ?, ?, ?)");
  for (const auto& t : tariffs) {
    if (!t.is_object() || !t.contains("id") || !t["id"].is_string()) continue;
    const auto tariff = ocpi_tariff(cpo, t, last_updated);
    insert.bind_all(cpo.id, tariff["id"].get<std::string>(), tariff.dump(), last_updated).run();
    insert.reset();
  }
  tx.commit();
}

TariffPage list_ocpi_tariffs(store::Database& db, const CpoParty& cpo, const PageQuery& query) {
  ensure_ocpi_tariffs(db, cpo);
  return page_of_stored_json<TariffPage>(db, "ocpi_tariffs", "tariff_json", cpo.id, query);
}

std::optional<Json> find_ocpi_tariff(store::Database& db, const CpoParty& cpo, const std::string& tariff_id) {
  ensure_ocpi_tariffs(db, cpo);
  auto st = db.prepare("SELECT tariff_json FROM ocpi_tariffs WHERE cpo_id = ? AND id = ?");
  st.bind_all(cpo.id, tariff_id);
  if (!st.step()) return std::nullopt;
  return Json::parse(st.column_text(0));
}

void add_tariffs_module(ModuleContext& module) {
  module.endpoint("tariffs", "SENDER");
  auto& store = module.store;
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/tariffs", false,
               [&store, url = module.version_url](const http::HttpRequest& req, Authed& a) {
                 auto parsed = parse_page_query(req);
                 if (auto* bad = std::get_if<std::string>(&parsed))
                   return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
                 const auto& q = std::get<PageQuery>(parsed);
                 auto page = store.submit([&](store::Database& db) { return list_ocpi_tariffs(db, a.cpo, q); }).get();
                 return page_response(req, Json(std::move(page.items)), page.total, q, url(a.cpo) + "/tariffs");
               });
}

} // namespace ocppfleet::ocpi
