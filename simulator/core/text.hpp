#pragma once
#include <algorithm>
#include <cstddef>
#include <string_view>

// Small text helpers every module needs; one definition each, so no file keeps its own copy.
namespace ocppfleet::core {

// ASCII case-insensitive equality (HTTP header names, OCPP configuration keys).
inline bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// Removes the given characters from both ends (by default spaces and tabs).
inline std::string_view trim(std::string_view s, std::string_view chars = " \t") {
  const auto first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

// Whitespace as std::isspace sees it in the C locale.
inline constexpr std::string_view k_whitespace = " \t\n\v\f\r";

// Characters, not bytes, of valid UTF-8 (OCPP and OCPI lengths count characters).
inline std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

} // namespace ocppfleet::core
