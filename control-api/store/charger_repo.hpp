#pragma once
// Charger deployments. Reads are scoped by organisation (another org's id reads as absent, so
// the route answers 404); the workflow runner's writes go by id alone.
#include "control-api/store/database.hpp"
#include "control-api/store/page.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::store {

namespace charger_status {
inline constexpr std::string_view pending = "PENDING";
inline constexpr std::string_view provisioning = "PROVISIONING";
inline constexpr std::string_view ready = "READY";
inline constexpr std::string_view failed = "FAILED";
} // namespace charger_status

namespace runtime_state {
inline constexpr std::string_view running = "running";
inline constexpr std::string_view stopped = "stopped";
} // namespace runtime_state

struct ChargerRow {
  std::string id; // empty on insert: a "chg_..." id is generated
  std::string org_id;
  std::string identity;
  OptText brand_slug;
  OptText model_slug;
  OptText connector_type;
  std::string ws_url;
  std::string ocpp_version;
  OptText charge_point_name;
  OptText location_id;
  OptText location_name;
  // Needed to reconnect after a restart. Reads return it only when asked (Secrets::include),
  // so a row that ends up in a log or a response cannot carry it by accident.
  OptText basic_auth_password;
  std::string status{charger_status::pending};
  std::string runtime_state{runtime_state::stopped};
  OptText workflow_run_id;
  OptText error_json;
  OptText provisioned_at;
  std::string created_at; // set by insert
  std::string updated_at; // set by every write
  OptText deleted_at;
};

enum class Secrets { omit, include };

// Stores a new charger (created_at = updated_at = now) and returns it as stored (password
// omitted). Throws DuplicateIdentity when a live charger of the org has this identity.
ChargerRow insert_charger(Database& db, ChargerRow row);

// Live (not deleted) charger of `org_id`; nullopt for another org's id or a deleted one.
std::optional<ChargerRow> get_charger(Database& db, std::string_view org_id, std::string_view id,
                                      Secrets secrets = Secrets::omit);
// Any org, deleted rows included: for the workflow runner, which must notice a deletion.
std::optional<ChargerRow> find_charger(Database& db, std::string_view id, Secrets secrets = Secrets::omit);

// Live chargers of the org, in creation order, optionally of one location. Passwords omitted.
Page<ChargerRow> list_chargers(Database& db, std::string_view org_id, PageRequest page,
                               const std::optional<std::string>& location_id = std::nullopt);

// Fields a PUT may change; an unset member is left as is. For nullable columns the inner
// optional is the new value (nullopt = set NULL).
struct ChargerUpdate {
  std::optional<std::string> identity;
  std::optional<OptText> brand_slug;
  std::optional<OptText> model_slug;
  std::optional<OptText> connector_type;
  std::optional<std::string> ws_url;
  std::optional<std::string> ocpp_version;
  std::optional<OptText> charge_point_name;
  std::optional<OptText> location_id;
  std::optional<OptText> location_name;
  std::optional<OptText> basic_auth_password;
};
// Returns the updated row (password omitted); nullopt when not a live charger of the org.
// Throws DuplicateIdentity when the new identity is taken.
std::optional<ChargerRow> update_charger(Database& db, std::string_view org_id, std::string_view id,
                                         const ChargerUpdate& update);

// Provisioning progress, by id (the workflow runner). error_json and provisioned_at are
// written as given (nullopt clears them). False when no such charger.
bool set_charger_status(Database& db, std::string_view id, std::string_view status, const OptText& error_json,
                        const OptText& provisioned_at);
bool set_charger_workflow_run(Database& db, std::string_view id, std::string_view workflow_run_id);
bool set_runtime_state(Database& db, std::string_view id, std::string_view state);
// The catalogue's canonical spelling of the row's model (docs/control-api.md, "Model slugs"),
// written once the provisioning run has resolved it. False when no such charger.
bool set_charger_model_slug(Database& db, std::string_view id, std::string_view model_slug);

// Soft delete: true when a live charger of the org was deleted now; false when unknown or
// already deleted (idempotent: a second call changes nothing). Frees the identity and scrubs
// the Basic auth password; the row itself goes with purge_deleted_chargers (retention_repo).
bool soft_delete_charger(Database& db, std::string_view org_id, std::string_view id);

// Live chargers whose runtime should be running, all orgs, with passwords: resume on restart.
std::vector<ChargerRow> list_running_chargers(Database& db);

} // namespace ocppfleet::store
