#include "control-api/routes/cpo_dto.hpp"

#include <stdexcept>

namespace ocppfleet::api {
namespace {

using nlohmann::json;

json opt(const store::OptText& v) { return v ? json(*v) : json(nullptr); }

json party_json(const store::CpoRow& cpo) {
  return json{{"country_code", cpo.country_code}, {"party_id", cpo.party_id}, {"role", "CPO"}};
}

std::string base_of(const std::string& public_url) {
  std::string base = public_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base;
}

} // namespace

std::string ocpi_peer_url(const std::string& public_url, std::int64_t cpo_id) {
  return base_of(public_url) + "/ocpi/cpo/" + std::to_string(cpo_id) + "/versions";
}

json cpo_created_json(const store::CpoRow& cpo, const std::string& token_a, const std::string& public_url) {
  const auto id = std::to_string(cpo.id);
  const auto peer = ocpi_peer_url(public_url, cpo.id);
  const auto credentials = base_of(public_url) + "/ocpi/cpo/" + id + "/2.2.1/credentials";
  // The eMSP registers with Token A: POST its own token B and versions URL to our
  // credentials endpoint (OCPI 2.2.1 credentials module, Receiver side).
  const std::string curl = "curl -X POST " + credentials + " -H 'Authorization: Token " + token_a +
                           "' -H 'Content-Type: application/json' -d '{\"token\":\"<your token B>\",\"url\":\"<your "
                           "versions URL>\",\"roles\":[{\"role\":\"EMSP\",\"party_id\":\"<party>\",\"country_code\":"
                           "\"<cc>\",\"business_details\":{\"name\":\"<name>\"}}]}'";
  return json{
      {"cpo_id", id},
      {"party", party_json(cpo)},
      {"name_prefix", cpo.name_prefix},
      {"template", cpo.template_slug},
      {"template_version", cpo.template_version},
      {"token_a", token_a},
      {"ocpi_peer_url", peer},
      {"status_url", "/ocpi/cpos/" + id + "/status"},
      {"destroy_url", "/ocpi/cpos/" + id},
      {"roam_helper", json{{"credentials_payload", json{{"token", token_a}, {"url", peer}}}, {"curl_snippet", curl}}},
      {"workflow_run_id", cpo.workflow_run_id},
      {"status", cpo.status},
      {"seed", cpo.seed},
      {"expires_at", opt(cpo.expires_at)}};
}

json cpo_json(const store::CpoRow& cpo, const std::string& public_url) {
  const auto id = std::to_string(cpo.id);
  json overrides = json::parse(cpo.overrides_json, nullptr, false);
  if (overrides.is_discarded()) overrides = json::object();
  return json{{"cpo_id", id},
              {"party", party_json(cpo)},
              {"requested_party_id", cpo.requested_party},
              {"name_prefix", cpo.name_prefix},
              {"role", "cpo"},
              {"ocpi_version", cpo.ocpi_version},
              {"ocpi_token_encoding", cpo.ocpi_token_encoding},
              {"template", cpo.template_slug},
              {"template_version", cpo.template_version},
              {"seed", cpo.seed},
              {"overrides", overrides},
              {"status", cpo.status},
              {"topology", json{{"locations", cpo.locations_count},
                                {"chargers", cpo.chargers_total},
                                {"evses", cpo.evses_count},
                                {"connectors", cpo.connectors_count}}},
              {"network_sha256", opt(cpo.document_sha256)},
              {"ocpi_peer_url", ocpi_peer_url(public_url, cpo.id)},
              {"status_url", "/ocpi/cpos/" + id + "/status"},
              {"report_url", "/ocpi/cpos/" + id + "/report"},
              {"export_url", "/ocpi/cpos/" + id + "/export"},
              {"destroy_url", "/ocpi/cpos/" + id},
              {"workflow_run_id", cpo.workflow_run_id},
              {"expires_at", opt(cpo.expires_at)},
              {"provisioned_at", opt(cpo.provisioned_at)},
              {"created_at", cpo.created_at},
              {"updated_at", cpo.updated_at}};
}

json cpo_status_json(const store::CpoRow& cpo) {
  const auto id = std::to_string(cpo.id);
  json error = nullptr;
  if (cpo.status == store::cpo_status::failed && cpo.error_json) {
    error = json::parse(*cpo.error_json, nullptr, false);
    if (error.is_discarded()) error = json{{"code", "unknown_error"}, {"message", *cpo.error_json}};
  }
  json progress = nullptr;
  if (cpo.status == store::cpo_status::provisioning || cpo.status == store::cpo_status::ready)
    progress = json{{"current_step", opt(cpo.current_step)},
                    {"chargers_ready", cpo.chargers_ready},
                    {"chargers_total", cpo.chargers_total}};
  return json{{"cpo_id", id},
              {"status", cpo.status},
              {"workflow_run_id", cpo.workflow_run_id},
              {"error", error},
              {"progress", progress},
              {"provisioned_at", opt(cpo.provisioned_at)},
              {"created_at", cpo.created_at},
              {"updated_at", cpo.updated_at},
              {"status_url", "/ocpi/cpos/" + id + "/status"}};
}

json template_json(const CpoTemplateSummary& t) {
  return json{
      {"slug", t.slug},
      {"version", t.version},
      {"description", t.description},
      {"locations", t.locations},
      {"chargers", t.chargers},
      {"chargers_per_location", t.chargers_per_location},
      {"countries", t.countries},
      {"caps", json{{"max_locations", t.max_locations}, {"max_chargers_per_location", t.max_chargers_per_location}}}};
}

std::string cpo_report_markdown(store::Database& db, const store::CpoRow& cpo, const std::string& public_url) {
  std::string md = "# CPO " + std::to_string(cpo.id) + " — " + cpo.country_code + "*" + cpo.party_id + "\n\n";
  md += "| field | value |\n|---|---|\n";
  md += "| party | " + cpo.country_code + " / " + cpo.party_id + " (role CPO";
  md += cpo.party_id != cpo.requested_party ? ", asked for " + cpo.requested_party + ")" : ")";
  md += " |\n| template | " + cpo.template_slug + " v" + std::to_string(cpo.template_version) + " |\n";
  md += "| seed | " + std::to_string(cpo.seed) + " |\n";
  md += "| status | " + cpo.status + " |\n";
  md +=
      "| chargers ready | " + std::to_string(cpo.chargers_ready) + " / " + std::to_string(cpo.chargers_total) + " |\n";
  md += "| OCPI versions URL | " + ocpi_peer_url(public_url, cpo.id) + " |\n";
  md += "| Token A | shown once, in the create response (stored hashed) |\n";
  md += "| network sha256 | " + cpo.document_sha256.value_or("(not generated yet)") + " |\n";
  md += "| expires at | " + cpo.expires_at.value_or("never") + " |\n\n";
  md += "## Locations\n\n";
  auto locations = store::list_cpo_locations(db, cpo.id, store::PageRequest{1, 100000});
  auto st = db.prepare("SELECT identity, brand_slug, model_slug, ocpp_version, status, runtime_state FROM chargers "
                       "WHERE cpo_id = ? AND cpo_location_id = ? AND deleted_at IS NULL ORDER BY identity");
  for (const auto& l : locations.rows) {
    md += "### " + l.location_id + " — " + l.name + "\n\n";
    const auto doc = json::parse(l.document_json, nullptr, false);
    if (doc.is_object()) {
      for (const char* key : {"address", "city", "postal_code", "country", "time_zone"})
        if (doc.contains(key) && doc[key].is_string())
          md += "- " + std::string{key} + ": " + doc[key].get<std::string>() + "\n";
    }
    md += "\n| charger | model | OCPP | status | runtime |\n|---|---|---|---|---|\n";
    st.reset();
    st.bind_all(cpo.id, l.location_id);
    while (st.step())
      md += "| " + st.column_text(0) + " | " + st.column_text(1) + "/" + st.column_text(2) + " | " + st.column_text(3) +
            " | " + st.column_text(4) + " | " + st.column_text(5) + " |\n";
    md += "\n";
  }
  if (locations.rows.empty()) md += "(none yet)\n";
  return md;
}

} // namespace ocppfleet::api
