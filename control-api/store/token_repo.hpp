#pragma once
// API tokens, stored only as SHA-256 hex of the bearer token: a leaked database leaks no token.
#include "control-api/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::store {

struct TokenRow {
  std::string token_hash;
  std::string org_id;
  bool admin = false;
  std::optional<std::string> label;
  std::string created_at;
  bool revoked = false;
};

// SHA-256 of the bearer token, lowercase hex (64 chars): what token_hash holds.
std::string hash_token(std::string_view token);

// Throws StoreError with is_constraint() for an unknown org_id or a hash already stored.
void insert_token(Database& db, std::string_view token_hash, std::string_view org_id, bool admin,
                  const std::optional<std::string>& label = std::nullopt);
// Revoked tokens are found too (revoked = true), so auth can tell "revoked" from "unknown".
std::optional<TokenRow> find_token(Database& db, std::string_view token_hash);
// True when the token was live and is now revoked; false when unknown or already revoked.
bool revoke_token(Database& db, std::string_view token_hash);

} // namespace ocppfleet::store
