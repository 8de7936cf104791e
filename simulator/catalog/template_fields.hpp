#pragma once
// Reads the template-specific value shapes on top of FieldReader: fixed-point decimals
// (coordinates, prices) parsed from the YAML text into scaled integers, names from a closed
// set, and `{name: weight}` maps. Kept apart from yaml_fields so profiles stay as they are.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/yaml_fields.hpp"

namespace ocppfleet::catalog {

// A number written with at most `decimals` decimals, as an integer scaled by 10^decimals
// ("48.8566" with 6 -> 48856600). No doubles: the text is the value. Exponents are refused.
std::optional<std::int64_t> read_fixed(FieldReader& r, const YamlNode& v, const std::string& path, int decimals,
                                       std::int64_t min, std::int64_t max);

// A string that must be one of `allowed`.
std::optional<std::string> read_enum(FieldReader& r, const YamlNode& v, const std::string& path,
                                     std::span<const std::string_view> allowed);

// A string list whose items must each be one of `allowed` and appear once.
std::optional<std::vector<std::string>> read_enum_list(FieldReader& r, const YamlNode& v, const std::string& path,
                                                       std::span<const std::string_view> allowed);

// `value` when it matches [A-Z]{n}; otherwise reports `what` at v.
bool check_upper_code(FieldReader& r, const YamlNode& v, const std::string& path, const std::string& value,
                      std::size_t n, const char* what);

// "HH:MM" with 00 <= HH <= 23 (24:00 allowed as an end), 00 <= MM <= 59.
bool is_hh_mm(std::string_view s, bool allow_24);

} // namespace ocppfleet::catalog
