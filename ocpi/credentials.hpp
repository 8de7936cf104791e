#pragma once
// The credentials handshake seen from our CPO, the Receiver of Token A (credentials module):
// with the eMSP's Token B, fetch its versions, pick 2.2.1, fetch that version's details and
// keep its endpoints. Blocking (ocpi::send_request): call it on the OCPI worker only.
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <variant>

namespace ocppfleet::ocpi {

struct PeerVersion {
  std::string version_url;  // the eMSP's 2.2.1 details URL
  nlohmann::json endpoints; // [{identifier, role, url}]
};

struct HandshakeError {
  int status_code = 3001; // 3001 peer unusable, 3002 no 2.2.1, 3003 no usable endpoints
  std::string message;
};

struct PeerCall {
  std::string token_b;
  bool base64 = true; // how Token B goes into our Authorization header
  std::chrono::milliseconds timeout{10'000};
};

std::variant<PeerVersion, HandshakeError> fetch_peer_version(const std::string& versions_url, const PeerCall& call);

// The Authorization header value for `token` in the peer's encoding.
std::string authorization_for(const std::string& token, bool base64);

// A fresh credentials token (Token C): 32 random bytes as hex.
std::string new_credentials_token();

} // namespace ocppfleet::ocpi
