#pragma once
// API tokens: what they look like and how they are stored (as SHA-256, never in clear).
#include <string>
#include <string_view>

namespace ocppfleet::auth {

// Lower-case hex SHA-256 of the bytes (64 characters).
std::string sha256_hex(std::string_view data);

// "ocf_" + unpadded base64url of 32 bytes from OpenSSL's RAND_bytes (47 characters).
// Throws std::runtime_error if the CSPRNG fails.
std::string generate_token();

// True for the exact shape generate_token() makes; for input checks (CLI, admin routes)
// and for spotting a token pasted where it must not go. The Authenticator does not require
// it, so tokens made by other means (an operator-chosen bootstrap token) still work.
bool looks_like_token(std::string_view s);

} // namespace ocppfleet::auth
