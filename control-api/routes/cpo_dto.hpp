#pragma once
// The JSON shapes of the CPO routes (reference: cpo-create, cpo-status) and the report.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "control-api/store/cpo_repo.hpp"
#include "control-api/workflows/cpo_runtime.hpp"

namespace ocppfleet::api {

// "<public_url>/ocpi/cpo/<id>/versions": the OCPI versions endpoint an eMSP starts from.
std::string ocpi_peer_url(const std::string& public_url, std::int64_t cpo_id);

// The 202 of POST /ocpi/cpos: the only place Token A ever appears.
nlohmann::json cpo_created_json(const store::CpoRow& cpo, const std::string& token_a, const std::string& public_url);
// GET /ocpi/cpos/{id} and the items of the list: never the token.
nlohmann::json cpo_json(const store::CpoRow& cpo, const std::string& public_url);
// GET /ocpi/cpos/{id}/status, as the reference's CpoStatusResponse.
nlohmann::json cpo_status_json(const store::CpoRow& cpo);
nlohmann::json template_json(const CpoTemplateSummary& t);
// The report: party, backend, locations with their chargers. Token A is not in it (only the
// 202 shows it; docs/cpos.md says why).
std::string cpo_report_markdown(store::Database& db, const store::CpoRow& cpo, const std::string& public_url);

} // namespace ocppfleet::api
