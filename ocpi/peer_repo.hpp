#pragma once
// The eMSP registered with a CPO (table ocpi_peers) and the CPO's Token A, as the OCPI
// interface reads and writes them on the store thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control-api/store/database.hpp"

namespace ocppfleet::ocpi {

struct PeerRow {
  std::int64_t cpo_id = 0;
  std::string token_c_hash;
  std::string token_b;
  std::string versions_url, version_url;
  std::string endpoints_json{"[]"}, roles_json{"[]"};
  std::string registered_at, updated_at;
};

// What an OCPI request sees of its CPO: live, its party, its Token A hash (null once dead).
struct CpoParty {
  std::int64_t id = 0;
  std::string country_code, party_id, name_prefix;
  std::optional<std::string> token_a_hash;
  std::string token_encoding{"base64"};
};

std::optional<CpoParty> find_live_cpo(store::Database& db, std::int64_t cpo_id);
std::optional<PeerRow> find_peer(store::Database& db, std::int64_t cpo_id);
// Inserts or replaces the CPO's peer, and kills Token A (it never works again).
void save_peer(store::Database& db, const PeerRow& row);
bool delete_peer(store::Database& db, std::int64_t cpo_id);

} // namespace ocppfleet::ocpi
