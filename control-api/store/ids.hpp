#pragma once
// Resource identifiers: prefix + 20 lowercase hex digits (80 random bits). IDs are runtime
// identifiers that must not collide across restarts or processes, so they come from the OS
// CSPRNG, never from the seeded fleet PRNG.
#include <string>
#include <string_view>

namespace ocppfleet::store {

// new_id("chg_") -> "chg_3f9a0c51e2d47b8a6c10". Thread-safe.
std::string new_id(std::string_view prefix);

} // namespace ocppfleet::store
