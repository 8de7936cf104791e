#include "ocpi/credentials.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "ocpi/envelope.hpp"
#include "ocpi/http_client.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// GET `url` and the `data` of its envelope; a HandshakeError (3001) for anything unusable.
std::variant<Json, HandshakeError> get_data(const std::string& url, const PeerCall& call, const char* what) {
  ClientResponse answer;
  try {
    answer = send_request(ClientRequest{"GET", url, authorization_for(call.token_b, call.base64), "", call.timeout});
  } catch (const ClientError& e) {
    return HandshakeError{status_code::unable_to_use_client_api,
                          std::string{"could not fetch the eMSP's "} + what + ": " + e.what()};
  }
  if (answer.status != 200)
    return HandshakeError{status_code::unable_to_use_client_api, std::string{"the eMSP's "} + what + " at " + url +
                                                                     " answered HTTP " + std::to_string(answer.status)};
  auto body = Json::parse(answer.body, nullptr, false);
  if (!body.is_object() || !body.contains("data"))
    return HandshakeError{status_code::unable_to_use_client_api,
                          std::string{"the eMSP's "} + what + " at " + url + " is not an OCPI response"};
  if (body.value("status_code", 0) != status_code::success)
    return HandshakeError{status_code::unable_to_use_client_api, std::string{"the eMSP's "} + what +
                                                                     " answered status_code " +
                                                                     std::to_string(body.value("status_code", 0))};
  return std::move(body["data"]);
}

} // namespace

std::string authorization_for(const std::string& token, bool base64) {
  return "Token " + (base64 ? base64_encode(token) : token);
}

std::string new_credentials_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error{"the CSPRNG failed"};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

std::variant<PeerVersion, HandshakeError> fetch_peer_version(const std::string& versions_url, const PeerCall& call) {
  auto versions = get_data(versions_url, call, "versions");
  if (auto* error = std::get_if<HandshakeError>(&versions)) return *error;
  const auto& list = std::get<Json>(versions);
  std::string details_url;
  if (list.is_array())
    for (const auto& v : list)
      if (v.is_object() && v.value("version", "") == "2.2.1" && v.contains("url") && v["url"].is_string())
        details_url = v["url"].get<std::string>();
  if (details_url.empty())
    return HandshakeError{status_code::unsupported_version, "the eMSP offers no OCPI 2.2.1 (we speak only 2.2.1)"};
  auto details = get_data(details_url, call, "2.2.1 details");
  if (auto* error = std::get_if<HandshakeError>(&details)) return *error;
  const auto& d = std::get<Json>(details);
  Json endpoints = Json::array();
  if (d.is_object() && d.contains("endpoints") && d["endpoints"].is_array())
    for (const auto& e : d["endpoints"])
      if (e.is_object() && e.contains("identifier") && e["identifier"].is_string() && e.contains("url") &&
          e["url"].is_string())
        endpoints.push_back(Json{{"identifier", e["identifier"]}, {"role", e.value("role", "")}, {"url", e["url"]}});
  bool credentials = false;
  for (const auto& e : endpoints)
    credentials = credentials || e["identifier"] == "credentials";
  if (!credentials)
    return HandshakeError{status_code::no_matching_endpoints,
                          "the eMSP's 2.2.1 details list no credentials endpoint (the minimum both parties need)"};
  return PeerVersion{details_url, std::move(endpoints)};
}

} // namespace ocppfleet::ocpi
