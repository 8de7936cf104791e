#pragma once
// OCPI 2.2.1 CDRs, our CPO as SENDER (mod_cdrs): one CDR per ended session, made once by
// sync_sessions_and_cdrs (sessions_module.hpp) and served as stored. Runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "control-api/store/database.hpp"
#include "ocpi/module_context.hpp"
#include "ocpi/pagination.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

struct CdrPage {
  std::vector<nlohmann::json> items; // oldest last_updated first, then id
  std::int64_t total = 0;            // matching the dates, before offset/limit
};

// One page of the CPO's CDRs, from the index on (cpo_id, last_updated, id).
CdrPage list_ocpi_cdrs(store::Database& db, const CpoParty& cpo, const PageQuery& query);

// GET cdrs (paged; date_from optional), listed as SENDER.
void add_cdrs_module(ModuleContext& module);

} // namespace ocppfleet::ocpi
