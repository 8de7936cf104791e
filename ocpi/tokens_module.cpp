#include "ocpi/tokens_module.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <variant>

#include "ocpi/envelope.hpp"
#include "ocpi/token_object.hpp"
#include "ocpi/tokens_repo.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

constexpr const char* k_token_route = "/ocpi/cpo/{cpo_id}/2.2.1/tokens/{country_code}/{party_id}/{token_uid}";

// The token the URL names, or why the URL is not acceptable.
std::variant<TokenKey, std::string> key_of(const http::HttpRequest& req, const Authed& a) {
  TokenKey key{req.path_params.at("country_code"), req.path_params.at("party_id"), req.path_params.at("token_uid"),
               req.query_param("type").value_or("RFID")};
  if (key.country_code.size() != 2 || key.party_id.size() != 3)
    return std::string{"country_code (2 characters) and party_id (3 characters) of the eMSP are required"};
  if (key.uid.empty() || key.uid.size() > 36) return std::string{"token_uid: 1 to 36 characters"};
  if (key.type != "AD_HOC_USER" && key.type != "APP_USER" && key.type != "OTHER" && key.type != "RFID")
    return std::string{"type: one of AD_HOC_USER, APP_USER, OTHER, RFID"};
  // An eMSP writes only the tokens of the parties it registered with (its credentials roles).
  const auto roles = Json::parse(a.peer ? a.peer->roles_json : std::string{"[]"}, nullptr, false);
  bool ours = false;
  if (roles.is_array())
    for (const auto& r : roles)
      ours = ours || (r.is_object() && r.value("country_code", "") == key.country_code &&
                      r.value("party_id", "") == key.party_id);
  if (!ours)
    return "party " + key.country_code + "/" + key.party_id + " is not one of the roles this eMSP registered with";
  return key;
}

std::string mismatch(const Json& token, const TokenKey& key) {
  if (token.at("country_code") != key.country_code || token.at("party_id") != key.party_id)
    return "country_code and party_id of the Token must match the URL";
  if (token.at("uid") != key.uid) return "uid of the Token must match the URL's token_uid";
  if (token.at("type") != key.type) return "type of the Token must match the URL's type parameter (default RFID)";
  return {};
}

// What a PUT or PATCH names and carries: the token's key and the parsed body, or the answer
// refusing the request (a bad URL is 2001, a body that is not JSON 400).
struct Write {
  TokenKey key;
  Json body;
};
std::variant<Write, http::HttpResponse> read_write(const http::HttpRequest& req, const Authed& a) {
  auto key = key_of(req, a);
  if (auto* bad = std::get_if<std::string>(&key))
    return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
  auto body = Json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    return envelope(req, 400, nullptr, status_code::invalid_parameters, "The body is not valid JSON");
  return Write{std::move(std::get<TokenKey>(key)), std::move(body)};
}

} // namespace

void add_tokens_module(ModuleContext& module) {
  module.endpoint("tokens", "RECEIVER");
  auto& store = module.store;
  auto* tokens = module.tokens;

  module.route("GET", k_token_route, false, [&store](const http::HttpRequest& req, Authed& a) {
    auto key = key_of(req, a);
    if (auto* bad = std::get_if<std::string>(&key))
      return envelope(req, 200, nullptr, status_code::invalid_parameters, *bad);
    auto token =
        store.submit([&](store::Database& db) { return find_token(db, a.cpo.id, std::get<TokenKey>(key)); }).get();
    if (!token) return envelope(req, 404, nullptr, status_code::unknown_token, "Unknown Token");
    return ok(req, std::move(*token));
  });

  // PUT and PATCH both end here: store the whole, checked Token, then decide on it.
  const auto keep = [&store, tokens](std::int64_t cpo_id, const Json& token) {
    store.submit([&](store::Database& db) { save_token(db, cpo_id, token); }).get();
    if (tokens) tokens->of(cpo_id)->put(token_entry(token));
  };

  module.route("PUT", k_token_route, false, [keep](const http::HttpRequest& req, Authed& a) {
    auto write = read_write(req, a);
    if (auto* refused = std::get_if<http::HttpResponse>(&write)) return std::move(*refused);
    const auto& [key, body] = std::get<Write>(write);
    if (auto why = check_token_object(body); !why.empty())
      return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
    if (auto why = mismatch(body, key); !why.empty())
      return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
    keep(a.cpo.id, body);
    return ok(req, nullptr);
  });

  module.route("PATCH", k_token_route, false, [&store, keep](const http::HttpRequest& req, Authed& a) {
    auto write = read_write(req, a);
    if (auto* refused = std::get_if<http::HttpResponse>(&write)) return std::move(*refused);
    const auto& [key, patch] = std::get<Write>(write);
    if (auto why = check_token_patch(patch); !why.empty())
      return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
    auto token = store.submit([&](store::Database& db) { return find_token(db, a.cpo.id, key); }).get();
    if (!token || !token->is_object()) return envelope(req, 404, nullptr, status_code::unknown_token, "Unknown Token");
    token->merge_patch(patch); // RFC 7386: a null removes an optional field
    if (auto why = check_token_object(*token); !why.empty())
      return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
    keep(a.cpo.id, *token);
    return ok(req, nullptr);
  });
}

} // namespace ocppfleet::ocpi
