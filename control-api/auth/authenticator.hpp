#pragma once
// Bearer-token authentication for the control API (DESIGN.md §6): tokens are looked up by
// their SHA-256 through an asynchronous lookup (the store thread), positive answers cached.
#include "control-api/http/http_types.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

namespace ocppfleet::auth {

struct TokenRecord {
  std::string token_hash; // sha256_hex(token)
  std::string org_id;
  bool admin = false;
  bool revoked = false;
};

struct Principal {
  std::string org_id; // the org the request acts for
  bool admin = false;
  std::string token_hash_prefix; // first 8 hex chars of the hash: the only part ever logged
};

// Must call done exactly once, on any thread, with the record or nullopt when unknown.
using TokenLookup = std::function<void(std::string token_hash, std::function<void(std::optional<TokenRecord>)> done)>;

using Clock = std::function<std::chrono::steady_clock::time_point()>;

// Thread-safe: authenticate() may run on several I/O threads while lookups complete on the
// store thread. Must outlive the lookups it started.
class Authenticator {
public:
  static constexpr std::chrono::seconds cache_ttl{30};
  static constexpr std::size_t cache_capacity = 10'000;

  // now: injectable for tests of the cache lifetime.
  explicit Authenticator(TokenLookup lookup, Clock now = std::chrono::steady_clock::now);

  // Reads Authorization and X-Organization-Id and calls done exactly once with a Principal
  // or the error response to send: synchronously for header errors and cache hits, else on
  // the lookup's thread.
  //  - no Authorization, or not "Bearer <token>": 401 {"detail":"Not authenticated"}
  //  - unknown or revoked token: 401 {"detail":"Invalid authentication credentials"}
  //    (both 401s carry WWW-Authenticate: Bearer)
  //  - non-admin token with X-Organization-Id of another org: 403 {"detail":"Not allowed to
  //    act for another organisation"}; its own org id is fine
  //  - admin token with X-Organization-Id: acts for that org
  //  - the lookup throwing: 500 (logged)
  void authenticate(const http::HttpRequest& request,
                    std::function<void(std::variant<Principal, http::HttpResponse>)> done);

  // Drops a cached token at once (call on revocation; otherwise a revoked token keeps working
  // until its cache entry is 30 s old).
  void invalidate(const std::string& token_hash);
  void clear_cache();
  [[nodiscard]] std::size_t cache_size() const;

private:
  struct Entry {
    TokenRecord record;
    std::chrono::steady_clock::time_point expires;
    std::list<std::string>::iterator lru; // position in lru_
  };

  std::optional<TokenRecord> cached(const std::string& hash);
  void remember(const TokenRecord& record);

  TokenLookup lookup_;
  Clock now_;
  mutable std::mutex mutex_; // guards cache_ and lru_
  std::unordered_map<std::string, Entry> cache_;
  std::list<std::string> lru_; // most recently used first
};

} // namespace ocppfleet::auth
