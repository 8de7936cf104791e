#include "control-api/store/token_repo.hpp"

#include "control-api/store/errors.hpp"

#include <openssl/evp.h>

namespace ocppfleet::store {

std::string hash_token(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw StoreError{"hash_token: SHA-256 failed"};
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0x0f];
  }
  return out;
}

void insert_token(Database& db, std::string_view token_hash, std::string_view org_id, bool admin,
                  const std::optional<std::string>& label) {
  db.prepare("INSERT INTO api_tokens(token_hash, org_id, admin, label, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind_all(token_hash, org_id, admin, label, db.now())
      .run();
}

std::optional<TokenRow> find_token(Database& db, std::string_view token_hash) {
  auto st = db.prepare("SELECT token_hash, org_id, admin, label, created_at, revoked_at IS NOT NULL "
                       "FROM api_tokens WHERE token_hash = ?");
  st.bind(1, token_hash);
  if (!st.step()) return std::nullopt;
  return TokenRow{st.column_text(0),          st.column_text(1), st.column_int64(2) != 0,
                  st.column_optional_text(3), st.column_text(4), st.column_int64(5) != 0};
}

bool revoke_token(Database& db, std::string_view token_hash) {
  db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
      .bind_all(db.now(), token_hash)
      .run();
  return db.changes() > 0;
}

} // namespace ocppfleet::store
