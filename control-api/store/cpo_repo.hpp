#pragma once
// Simulated CPOs (docs/cpos.md): one row per CPO with its provisioning state and its generated
// network document, plus its locations. Reads are scoped by organisation (another org's id
// reads as absent: the route answers 404); the provisioning runner's writes go by id alone.
#include "control-api/store/database.hpp"
#include "control-api/store/page.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::store {

namespace cpo_status {
inline constexpr std::string_view pending = "PENDING";
inline constexpr std::string_view provisioning = "PROVISIONING";
inline constexpr std::string_view ready = "READY";
inline constexpr std::string_view failed = "FAILED";
} // namespace cpo_status

struct CpoRow {
  std::int64_t id = 0; // set by insert (AUTOINCREMENT: never reused)
  std::string org_id;
  std::string template_slug;
  int template_version = 1;
  std::uint64_t seed = 0; // stored as its two's-complement int64
  std::string overrides_json{"{}"};
  std::string country_code;
  std::string party_id;        // after mangling
  std::string requested_party; // as asked
  std::string name_prefix;
  std::string role{"CPO"};
  std::string ocpi_version{"2.2.1"};
  OptText token_a_hash; // never read back into responses
  std::string status{cpo_status::pending};
  std::string workflow_run_id;
  OptText current_step;
  int attempt = 0;
  std::int64_t chargers_total = 0;
  std::int64_t chargers_ready = 0;
  OptText error_json;
  OptText document_sha256;
  std::int64_t locations_count = 0, evses_count = 0, connectors_count = 0;
  OptText expires_at;
  OptText provisioned_at;
  std::string created_at;
  std::string updated_at;
  OptText deleted_at;
  // How this CPO presents Token B to its eMSP: "base64" (OCPI 2.2.1) or "raw" (older peers).
  std::string ocpi_token_encoding{"base64"};
};

// The party id to use: `wanted` when no live CPO of the org holds (country, wanted), else the
// first free one of a deterministic sequence derived from it (docs/cpos.md, "Party ids").
std::string free_party_id(Database& db, std::string_view org_id, std::string_view country, std::string_view wanted);

// Stores a new CPO (created_at = updated_at = now) and returns it with its id.
CpoRow insert_cpo(Database& db, CpoRow row);
// Live CPO of the org; nullopt for another org's id, a deleted or an unknown one.
std::optional<CpoRow> get_cpo(Database& db, std::string_view org_id, std::int64_t id);
// PATCH /ocpi/cpos/{id}: false when the org has no such live CPO.
bool set_cpo_token_encoding(Database& db, std::string_view org_id, std::int64_t id, std::string_view encoding);
// By id alone, deleted ones included (the runner must notice a deletion).
std::optional<CpoRow> find_cpo(Database& db, std::int64_t id);
Page<CpoRow> list_cpos(Database& db, std::string_view org_id, PageRequest page);
// The generated network (canonical JSON) of a CPO, by id alone.
std::optional<std::string> cpo_document(Database& db, std::int64_t id);

// Provisioning writes (by id; a deleted CPO is left alone and false is returned).
bool set_cpo_step(Database& db, std::int64_t id, std::string_view status, std::string_view step, int attempt);
bool set_cpo_network(Database& db, std::int64_t id, std::string_view document_json, std::string_view sha256,
                     std::int64_t locations, std::int64_t evses, std::int64_t connectors, std::int64_t chargers);
bool set_cpo_progress(Database& db, std::int64_t id, std::int64_t chargers_ready);
bool set_cpo_ready(Database& db, std::int64_t id);
bool set_cpo_failed(Database& db, std::int64_t id, std::string_view error_json);

// Soft-deletes the CPO and hard-deletes its locations and its token hash; the caller stops
// and deletes its chargers. False when there was no live CPO of the org with this id.
bool delete_cpo(Database& db, std::string_view org_id, std::int64_t id);
// Live CPOs whose expires_at is at or before `now` (ISO-8601 text compares in time order).
std::vector<CpoRow> list_expired_cpos(Database& db, std::string_view now);
// Live CPOs still PENDING or PROVISIONING, oldest first: what to resume after a restart.
std::vector<CpoRow> list_unfinished_cpos(Database& db);

struct CpoLocationRow {
  std::int64_t cpo_id = 0;
  std::string location_id; // the generated "LOC-0001", stable across runs of one seed
  std::string org_id;
  std::int64_t seq = 0;
  std::string name;
  std::string document_json; // the location as generated (address, coordinates, EVSEs ...)
  std::string created_at;
  std::string updated_at;
};
// Inserts, or leaves an existing (cpo, location) row as it is (a resumed step re-runs).
void upsert_cpo_location(Database& db, const CpoLocationRow& row);
std::optional<CpoLocationRow> get_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id);
Page<CpoLocationRow> list_cpo_locations(Database& db, std::int64_t cpo_id, PageRequest page);
bool update_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id,
                         const std::optional<std::string>& name, std::string_view document_json);
bool delete_cpo_location(Database& db, std::int64_t cpo_id, std::string_view location_id);

// Marks a stored charger as one of the CPO's (at its location).
bool set_charger_cpo(Database& db, std::string_view charger_id, std::int64_t cpo_id, std::string_view location_id);
// Live chargers of a CPO, (id, status), in creation order.
std::vector<std::pair<std::string, std::string>> cpo_chargers(Database& db, std::int64_t cpo_id);

// Adds (or, negative, removes) locations, EVSEs, connectors and chargers to the CPO's topology
// counts (a location job).
void adjust_cpo_topology(Database& db, std::int64_t id, std::int64_t locations, std::int64_t evses,
                         std::int64_t connectors, std::int64_t chargers);
// chargers_ready = how many of its live chargers are READY.
void recount_cpo_chargers_ready(Database& db, std::int64_t id);

// The identities of the CPO's live chargers (what its backend lets in).
std::vector<std::string> cpo_identities(Database& db, std::int64_t cpo_id);

} // namespace ocppfleet::store
