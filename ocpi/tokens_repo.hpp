#pragma once
// The eMSP's Tokens as stored per CPO (table ocpi_tokens), on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control-api/store/database.hpp"
#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {

struct TokenKey {
  std::string country_code, party_id, uid, type;
};

std::optional<nlohmann::json> find_token(store::Database& db, std::int64_t cpo_id, const TokenKey& key);
// Inserts or replaces; `token` is a checked Token object (ocpi/token_object.hpp).
void save_token(store::Database& db, std::int64_t cpo_id, const nlohmann::json& token);
// Every stored token of the CPOs that have a registered eMSP, as (cpo_id, entry).
std::vector<std::pair<std::int64_t, TokenEntry>> load_registered_tokens(store::Database& db);
// The CPOs with a registered eMSP: their backends decide on tokens strictly.
std::vector<std::int64_t> cpos_with_peer(store::Database& db);
// The CPO's tokens go with the eMSP that pushed them.
void delete_tokens(store::Database& db, std::int64_t cpo_id);

} // namespace ocppfleet::ocpi
