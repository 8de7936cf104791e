#pragma once
// The OCPI 2.2.1 Token object (mod_tokens "Token Object"), checked at the edge: what an eMSP
// PUTs (a whole Token) or PATCHes (some fields, last_updated always) on our Tokens RECEIVER.
#include <nlohmann/json.hpp>

#include <string>

#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {

// Empty when `token` is a complete, valid Token object; else what is wrong (status 2001).
std::string check_token_object(const nlohmann::json& token);

// Empty when `patch` may be merged into a stored Token: an object with last_updated, whose
// present fields are each valid, and that does not change the token's identity
// (country_code, party_id, uid, type).
std::string check_token_patch(const nlohmann::json& patch);

// What the backend decides on (the table's entry) from a checked Token object.
TokenEntry token_entry(const nlohmann::json& token);

} // namespace ocppfleet::ocpi
