#pragma once
// OCPI 2.2.1 Sessions, our CPO as SENDER (mod_sessions), and the materialisation behind
// Sessions and CDRs: every OCPP transaction the CPO's backend (the embedded CSMS) recorded in
// csms_transactions becomes one ocpi_sessions row (id = the next integer of the CPO), and
// every ended one one ocpi_cdrs row, made once and never changed. docs/ocpi.md has the rules
// (ids, auth_method, cost). Everything here runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control-api/store/database.hpp"
#include "ocpi/module_context.hpp"
#include "ocpi/pagination.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// What the push side wants to hear about. Called on the store thread inside sync's database
// transaction (an outbox row written there commits with the session it announces; a hook that
// throws rolls the whole sync back and the exception propagates).
struct RoamingHooks {
  std::function<void(const nlohmann::json& session)> session_created;
  std::function<void(const nlohmann::json& cdr)> cdr_created;
  // A session already handed to session_created changed (kwh, status, end): its whole object.
  std::function<void(const nlohmann::json& session)> session_updated;
};

// Brings ocpi_sessions and ocpi_cdrs up to date with the CPO's backend transactions, in one DB
// transaction; calls the hooks for what it created. Idempotent.
//
// The hooks see each session and CDR that no hooks have seen yet, whichever sync made it: a
// GET handler's sync (which passes none) never swallows a creation the push side must send.
// Cheap when nothing is new: two counts, and a scan of the CPO's sessions still open.
void sync_sessions_and_cdrs(store::Database& db, const CpoParty& cpo, const RoamingHooks& hooks = {});

// The Session of one backend transaction, as materialised by the last sync (nullopt before).
std::optional<nlohmann::json> find_session_for_transaction(store::Database& db, const CpoParty& cpo,
                                                           const std::string& identity,
                                                           const std::string& transaction_id);

struct SessionPage {
  std::vector<nlohmann::json> items; // oldest last_updated first, then id
  std::int64_t total = 0;            // matching the dates, before offset/limit
};

// One page of the CPO's Sessions, straight from the index on (cpo_id, last_updated, id).
SessionPage list_ocpi_sessions(store::Database& db, const CpoParty& cpo, const PageQuery& query);

// GET sessions (date_from required, paged), listed as SENDER.
void add_sessions_module(ModuleContext& module);

} // namespace ocppfleet::ocpi
