#pragma once
#include <string>
#include <string_view>

namespace ocppfleet::core {

// RFC 3986 percent-encoding of one path segment: everything but unreserved characters
// (A-Z a-z 0-9 - . _ ~) is encoded, so an identity like "CP 1/é" stays one segment.
std::string percent_encode_segment(std::string_view s);

} // namespace ocppfleet::core
