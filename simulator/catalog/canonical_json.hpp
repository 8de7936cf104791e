#pragma once
// The canonical document of a generated network: JSON with keys sorted (byte order), no
// whitespace, every number an integer and every decimal a fixed-decimal string, UTF-8 as
// is. It holds only what the request determines (template, version, seed, country, party,
// prefix, sizes) and what was drawn from it: no run-time ids, timestamps, tokens or cpo_id.
// Same request, same bytes; sha256_hex of it is what determinism checks compare.
#include <string>
#include <string_view>

#include "simulator/catalog/network.hpp"

namespace ocppfleet::catalog {

std::string canonical_json(const Network& network);

// Lower-case hex SHA-256 of `data` (OpenSSL).
std::string sha256_hex(std::string_view data);

} // namespace ocppfleet::catalog
