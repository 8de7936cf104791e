#include "control-api/auth/authenticator.hpp"

#include "control-api/auth/token.hpp"
#include "control-api/http/errors.hpp"
#include "simulator/core/log.hpp"

#include "simulator/core/text.hpp"
#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>

namespace ocppfleet::auth {

namespace {
using core::trim;

using Result = std::variant<Principal, http::HttpResponse>;

http::HttpResponse unauthorized(std::string detail) {
  auto response = http::error_response(401, std::move(detail));
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

// "Bearer <token>" with the scheme case-insensitive (RFC 9110 §11.1); nullopt otherwise.
std::optional<std::string_view> bearer_token(std::string_view header) {
  header = trim(header);
  constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), header.begin(),
                  [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); }) ||
      (header[scheme.size()] != ' ' && header[scheme.size()] != '\t')) {
    return std::nullopt;
  }
  auto token = trim(header.substr(scheme.size()));
  // A token is one visible-ASCII word (token68 and our base64url); anything else cannot be
  // a token of ours, and is not worth a store round trip.
  if (token.empty() || token.size() > 512 ||
      std::any_of(token.begin(), token.end(), [](char c) { return c <= ' ' || c > '~'; })) {
    return std::nullopt;
  }
  return token;
}

Result decide(const TokenRecord& record, const std::optional<std::string>& org_header) {
  Principal principal{record.org_id, record.admin, record.token_hash.substr(0, 8)};
  if (org_header && *org_header != record.org_id) {
    if (!record.admin) {
      return http::error_response(403, "Not allowed to act for another organisation");
    }
    principal.org_id = *org_header;
  }
  return principal;
}

} // namespace

Authenticator::Authenticator(TokenLookup lookup, Clock now) : lookup_(std::move(lookup)), now_(std::move(now)) {}

void Authenticator::authenticate(const http::HttpRequest& request, std::function<void(Result)> done) {
  const auto header = request.header("Authorization");
  const auto token = header ? bearer_token(*header) : std::nullopt;
  if (!token) {
    done(unauthorized("Not authenticated"));
    return;
  }
  std::optional<std::string> org_header;
  if (auto org = request.header("X-Organization-Id")) {
    if (auto t = trim(*org); !t.empty()) org_header = std::string{t};
  }
  auto hash = sha256_hex(*token);
  if (auto record = cached(hash)) {
    done(decide(*record, org_header));
    return;
  }
  // Shared so both the lookup's callback and the catch below can reach done; the flag keeps
  // it to one call if a lookup both answers and throws.
  struct Pending {
    std::function<void(Result)> done;
    std::optional<std::string> org_header;
    std::atomic<bool> finished{false};
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  pending->org_header = std::move(org_header);
  const std::string prefix = hash.substr(0, 8);
  try {
    lookup_(hash, [this, pending, hash](std::optional<TokenRecord> record) {
      const std::string prefix = hash.substr(0, 8);
      if (pending->finished.exchange(true)) return;
      if (!record || record->revoked) {
        core::logger()->debug("auth: rejected token {}… ({})", prefix, record ? "revoked" : "unknown");
        pending->done(unauthorized("Invalid authentication credentials"));
        return;
      }
      record->token_hash = hash; // the cache key, whatever the store filled in
      remember(*record);
      pending->done(decide(*record, pending->org_header));
    });
  } catch (const std::exception& e) {
    core::logger()->error("auth: token lookup for {}… failed: {}", prefix, e.what());
    if (!pending->finished.exchange(true)) {
      pending->done(http::error_response(500, "Internal Server Error"));
    }
  }
}

std::optional<TokenRecord> Authenticator::cached(const std::string& hash) {
  std::lock_guard lock{mutex_};
  const auto it = cache_.find(hash);
  if (it == cache_.end()) return std::nullopt;
  if (now_() >= it->second.expires) {
    lru_.erase(it->second.lru);
    cache_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.record;
}

void Authenticator::remember(const TokenRecord& record) {
  std::lock_guard lock{mutex_};
  const auto expires = now_() + cache_ttl;
  if (auto it = cache_.find(record.token_hash); it != cache_.end()) {
    it->second.record = record;
    it->second.expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  if (cache_.size() >= cache_capacity) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(record.token_hash);
  cache_.emplace(record.token_hash, Entry{record, expires, lru_.begin()});
}

void Authenticator::invalidate(const std::string& token_hash) {
  std::lock_guard lock{mutex_};
  if (auto it = cache_.find(token_hash); it != cache_.end()) {
    lru_.erase(it->second.lru);
    cache_.erase(it);
  }
}

void Authenticator::clear_cache() {
  std::lock_guard lock{mutex_};
  cache_.clear();
  lru_.clear();
}

std::size_t Authenticator::cache_size() const {
  std::lock_guard lock{mutex_};
  return cache_.size();
}

} // namespace ocppfleet::auth
