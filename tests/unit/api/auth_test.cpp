// Token helpers and the Authenticator against a fake asynchronous token store.
#include "control-api/auth/authenticator.hpp"
#include "control-api/auth/token.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>
#include <set>
#include <thread>

namespace ocppfleet::auth {
namespace {

using nlohmann::json;
using Result = std::variant<Principal, http::HttpResponse>;

// Answers like the store thread would: on another thread, counting lookups.
class FakeStore {
public:
  ~FakeStore() {
    for (auto& t : threads_)
      t.join();
  }
  void add(const std::string& token, std::string org, bool admin, bool revoked = false) {
    records_[sha256_hex(token)] = TokenRecord{sha256_hex(token), std::move(org), admin, revoked};
  }
  TokenLookup lookup() {
    return [this](std::string hash, std::function<void(std::optional<TokenRecord>)> done) {
      ++lookups;
      std::optional<TokenRecord> found;
      if (auto it = records_.find(hash); it != records_.end()) found = it->second;
      threads_.emplace_back([found, done = std::move(done)] { done(found); });
    };
  }
  std::atomic<int> lookups{0};

private:
  std::map<std::string, TokenRecord> records_;
  std::vector<std::thread> threads_; // lookups come from the test thread only
};

class AuthTest : public ::testing::Test {
protected:
  AuthTest() {
    store.add(user_token, "org-a", false);
    store.add(admin_token, "org-admin", true);
    store.add(revoked_token, "org-a", false, true);
  }

  Result run(std::vector<std::pair<std::string, std::string>> headers) {
    http::HttpRequest request;
    request.headers = std::move(headers);
    std::promise<Result> promise;
    auto future = promise.get_future();
    authenticator.authenticate(request, [&promise](Result r) { promise.set_value(std::move(r)); });
    EXPECT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    return future.get();
  }
  static void expect_error(const Result& r, unsigned status, const std::string& detail) {
    ASSERT_TRUE(std::holds_alternative<http::HttpResponse>(r));
    const auto& response = std::get<http::HttpResponse>(r);
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(json::parse(response.body), json({{"detail", detail}}));
    const bool challenge =
        std::find(response.headers.begin(), response.headers.end(),
                  std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}) != response.headers.end();
    EXPECT_EQ(challenge, status == 401);
  }

  const std::string user_token = generate_token();
  const std::string admin_token = generate_token();
  const std::string revoked_token = generate_token();
  FakeStore store;
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  Authenticator authenticator{store.lookup(), [this] { return now; }};
};

TEST(TokenTest, sha256_of_abc_is_the_fips_180_vector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TokenTest, generated_tokens_are_unique_and_well_formed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto token = generate_token();
    ASSERT_EQ(token.size(), 47u);
    ASSERT_EQ(token.substr(0, 4), "ocf_");
    ASSERT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
              std::string::npos);
    ASSERT_TRUE(looks_like_token(token)) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TokenTest, looks_like_token_rejects_other_shapes) {
  const auto token = generate_token();
  EXPECT_FALSE(looks_like_token(""));
  EXPECT_FALSE(looks_like_token("ocf_"));
  EXPECT_FALSE(looks_like_token("xyz_" + token.substr(4)));
  EXPECT_FALSE(looks_like_token(token + "A"));
  EXPECT_FALSE(looks_like_token(token.substr(0, 46) + "="));
  EXPECT_FALSE(looks_like_token(token.substr(0, 46) + "B")); // low bits set: not 32 bytes
}

TEST_F(AuthTest, user_token_authenticates_for_its_org) {
  const auto r = run({{"Authorization", "Bearer " + user_token}});
  ASSERT_TRUE(std::holds_alternative<Principal>(r));
  const auto& p = std::get<Principal>(r);
  EXPECT_EQ(p.org_id, "org-a");
  EXPECT_FALSE(p.admin);
  EXPECT_EQ(p.token_hash_prefix, sha256_hex(user_token).substr(0, 8));
}

TEST_F(AuthTest, missing_or_malformed_authorization_is_401_not_authenticated) {
  expect_error(run({}), 401, "Not authenticated");
  expect_error(run({{"Authorization", ""}}), 401, "Not authenticated");
  expect_error(run({{"Authorization", "Basic dXNlcjpwdw=="}}), 401, "Not authenticated");
  expect_error(run({{"Authorization", "Bearer"}}), 401, "Not authenticated");
  expect_error(run({{"Authorization", "Bearer   "}}), 401, "Not authenticated");
  expect_error(run({{"Authorization", "Bearer a b"}}), 401, "Not authenticated");
  expect_error(run({{"Authorization", user_token}}), 401, "Not authenticated");
  EXPECT_EQ(store.lookups, 0); // none of these reached the store
}

TEST_F(AuthTest, scheme_is_case_insensitive_and_header_name_too) {
  EXPECT_TRUE(std::holds_alternative<Principal>(run({{"authorization", "bearer " + user_token}})));
  EXPECT_TRUE(std::holds_alternative<Principal>(run({{"AUTHORIZATION", "BEARER  " + user_token}})));
}

TEST_F(AuthTest, unknown_or_revoked_token_is_401_invalid_credentials) {
  expect_error(run({{"Authorization", "Bearer " + generate_token()}}), 401, "Invalid authentication credentials");
  expect_error(run({{"Authorization", "Bearer " + revoked_token}}), 401, "Invalid authentication credentials");
  expect_error(run({{"Authorization", "Bearer not-one-of-ours"}}), 401, "Invalid authentication credentials");
  // Negative answers are not cached: a token created a moment later must work.
  expect_error(run({{"Authorization", "Bearer " + revoked_token}}), 401, "Invalid authentication credentials");
  EXPECT_EQ(store.lookups, 4);
  EXPECT_EQ(authenticator.cache_size(), 0u);
}

TEST_F(AuthTest, user_token_acting_for_another_org_is_403) {
  expect_error(run({{"Authorization", "Bearer " + user_token}, {"X-Organization-Id", "org-b"}}), 403,
               "Not allowed to act for another organisation");
  const auto same = run({{"Authorization", "Bearer " + user_token}, {"X-Organization-Id", "org-a"}});
  ASSERT_TRUE(std::holds_alternative<Principal>(same));
  EXPECT_EQ(std::get<Principal>(same).org_id, "org-a");
  // Cached path gives the same answer.
  expect_error(run({{"Authorization", "Bearer " + user_token}, {"x-organization-id", "org-b"}}), 403,
               "Not allowed to act for another organisation");
}

TEST_F(AuthTest, admin_with_organization_header_acts_for_that_org) {
  const auto own = run({{"Authorization", "Bearer " + admin_token}});
  ASSERT_TRUE(std::holds_alternative<Principal>(own));
  EXPECT_EQ(std::get<Principal>(own).org_id, "org-admin");
  EXPECT_TRUE(std::get<Principal>(own).admin);
  const auto other = run({{"Authorization", "Bearer " + admin_token}, {"X-Organization-Id", "org-b"}});
  ASSERT_TRUE(std::holds_alternative<Principal>(other));
  EXPECT_EQ(std::get<Principal>(other).org_id, "org-b");
  EXPECT_TRUE(std::get<Principal>(other).admin);
}

TEST_F(AuthTest, cache_hit_avoids_a_second_lookup_until_it_expires) {
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  EXPECT_EQ(store.lookups, 1);
  now += Authenticator::cache_ttl - std::chrono::seconds(1);
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  EXPECT_EQ(store.lookups, 1);
  now += std::chrono::seconds(2); // 31 s after the lookup
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  EXPECT_EQ(store.lookups, 2);
}

TEST_F(AuthTest, invalidate_forces_a_fresh_lookup) {
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  authenticator.invalidate(sha256_hex(user_token));
  ASSERT_TRUE(std::holds_alternative<Principal>(run({{"Authorization", "Bearer " + user_token}})));
  EXPECT_EQ(store.lookups, 2);
}

TEST(AuthCacheTest, cache_is_bounded_and_evicts_the_least_recently_used) {
  int lookups = 0;
  Authenticator authenticator{[&lookups](std::string hash, auto done) {
    ++lookups;
    done(TokenRecord{hash, "org", false, false}); // synchronous lookups are fine too
  }};
  auto auth = [&](int i) {
    http::HttpRequest request;
    request.headers = {{"Authorization", "Bearer t" + std::to_string(i)}};
    authenticator.authenticate(request, [](Result r) { ASSERT_TRUE(std::holds_alternative<Principal>(r)); });
  };
  auth(0);
  for (int i = 1; i < static_cast<int>(Authenticator::cache_capacity); ++i)
    auth(i);
  auth(0); // touch 0 so 1 is the least recently used
  EXPECT_EQ(authenticator.cache_size(), Authenticator::cache_capacity);
  auth(-1); // evicts 1
  EXPECT_EQ(authenticator.cache_size(), Authenticator::cache_capacity);
  const int before = lookups;
  auth(0);
  EXPECT_EQ(lookups, before);
  auth(1);
  EXPECT_EQ(lookups, before + 1);
}

TEST(AuthLookupFailureTest, throwing_lookup_is_500_not_a_crash) {
  Authenticator authenticator{[](std::string, auto) -> void { throw std::runtime_error("store down"); }};
  http::HttpRequest request;
  request.headers = {{"Authorization", "Bearer whatever"}};
  std::optional<Result> result;
  authenticator.authenticate(request, [&result](Result r) { result = std::move(r); });
  ASSERT_TRUE(result && std::holds_alternative<http::HttpResponse>(*result));
  EXPECT_EQ(std::get<http::HttpResponse>(*result).status, 500u);
}

} // namespace
} // namespace ocppfleet::auth
