#include "ocpi/cdrs_module.hpp"

#include "ocpi/envelope.hpp"
#include "ocpi/paged_sql.hpp"
#include "ocpi/sessions_module.hpp"

namespace ocppfleet::ocpi {

using Json = nlohmann::json;

CdrPage list_ocpi_cdrs(store::Database& db, const CpoParty& cpo, const PageQuery& query) {
  return page_of_stored_json<CdrPage>(db, "ocpi_cdrs", "cdr_json", cpo.id, query);
}

void add_cdrs_module(ModuleContext& module) {
  module.endpoint("cdrs", "SENDER");
  auto& store = module.store;
  module.route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/cdrs", false,
               [&store, url = module.version_url](const http::HttpRequest& req, Authed& a) {
                 auto parsed = parse_page_query(req);
                 if (auto* bad = std::get_if<std::string>(&parsed))
                   return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
                 const auto& q = std::get<PageQuery>(parsed);
                 auto page = store
                                 .submit([&](store::Database& db) {
                                   sync_sessions_and_cdrs(db, a.cpo);
                                   return list_ocpi_cdrs(db, a.cpo, q);
                                 })
                                 .get();
                 return page_response(req, Json(std::move(page.items)), page.total, q, url(a.cpo) + "/cdrs");
               });
}

} // namespace ocppfleet::ocpi
