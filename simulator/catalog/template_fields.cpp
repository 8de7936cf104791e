#include "simulator/catalog/template_fields.hpp"

#include <algorithm>
#include <cctype>

namespace ocppfleet::catalog {
namespace {

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (const auto n : names)
    out += (out.empty() ? "" : ", ") + std::string{n};
  return out;
}

} // namespace

std::optional<std::int64_t> read_fixed(FieldReader& r, const YamlNode& v, const std::string& path, int decimals,
                                       std::int64_t min, std::int64_t max) {
  const auto type = v.is_scalar() ? v.scalar_type() : YamlNode::ScalarType::String;
  if (!v.is_scalar() || (type != YamlNode::ScalarType::Integer && type != YamlNode::ScalarType::Decimal)) {
    r.error(v.mark, path, "expected a number, found " + v.describe());
    return std::nullopt;
  }
  std::string_view s = v.scalar;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  const auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
  };
  if (whole.size() + frac.size() == 0 || !digits(whole) || !digits(frac) || whole.size() > 12) {
    r.error(v.mark, path, "expected a plain decimal number (no exponent), found '" + v.scalar + "'");
    return std::nullopt;
  }
  if (frac.size() > static_cast<std::size_t>(decimals)) {
    r.error(v.mark, path, "at most " + std::to_string(decimals) + " decimals (got '" + v.scalar + "')");
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (const char c : whole)
    value = value * 10 + (c - '0');
  for (int i = 0; i < decimals; ++i)
    value = value * 10 + (static_cast<std::size_t>(i) < frac.size() ? frac[static_cast<std::size_t>(i)] - '0' : 0);
  if (negative) value = -value;
  if (value < min || value > max) {
    r.error(v.mark, path, "out of range (got " + v.scalar + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> read_enum(FieldReader& r, const YamlNode& v, const std::string& path,
                                     std::span<const std::string_view> allowed) {
  auto s = r.string(v, path);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    r.error(v.mark, path, "unknown value '" + *s + "' (one of: " + joined(allowed) + ")");
    return std::nullopt;
  }
  return s;
}

std::optional<std::vector<std::string>> read_enum_list(FieldReader& r, const YamlNode& v, const std::string& path,
                                                       std::span<const std::string_view> allowed) {
  if (!r.expect_list(v, path)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    auto s = read_enum(r, v.items[i], index_path(path, i), allowed);
    if (s && std::find(out.begin(), out.end(), *s) != out.end()) {
      r.error(v.items[i].mark, index_path(path, i), "'" + *s + "' is listed twice");
      s.reset();
    }
    if (s)
      out.push_back(std::move(*s));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

bool check_upper_code(FieldReader& r, const YamlNode& v, const std::string& path, const std::string& value,
                      std::size_t n, const char* what) {
  const bool ok =
      value.size() == n && std::all_of(value.begin(), value.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!ok) r.error(v.mark, path, "'" + value + "' is not " + what);
  return ok;
}

bool is_hh_mm(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (const std::size_t i : {0U, 1U, 3U, 4U})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (allow_24 && h == 24 && m == 0) return true;
  return h <= 23 && m <= 59;
}

} // namespace ocppfleet::catalog
