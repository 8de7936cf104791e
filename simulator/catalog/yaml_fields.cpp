#include "simulator/catalog/yaml_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ocppfleet::catalog {
namespace {

std::string quoted_list(std::initializer_list<std::string_view> names) {
  std::string out;
  for (const auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::optional<double> parse_double(const std::string& s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -HUGE_VAL;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_int(const std::string& s) {
  std::string_view t = s;
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t.remove_prefix(1);
  }
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'o')) {
    base = t[1] == 'x' ? 16 : 8;
    t.remove_prefix(2);
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return negative ? -v : v;
}

std::string format_number(double v) {
  std::string s = std::to_string(v);
  while (s.size() > 1 && s.back() == '0')
    s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

} // namespace

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string{key} : path + '.' + std::string{key};
}

std::string index_path(const std::string& path, std::size_t i) { return path + '[' + std::to_string(i) + ']'; }

void FieldReader::error(const SourceMark& at, const std::string& path, std::string message) {
  errors_.push_back(at.error(path, std::move(message)));
}

bool FieldReader::expect_map(const YamlNode& node, const std::string& path,
                             std::initializer_list<std::string_view> allowed) {
  if (!node.is_map()) {
    error(node.mark, path, "expected a map, found " + node.describe());
    return false;
  }
  for (const YamlEntry& e : node.entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end())
      error(e.key_mark, join_path(path, e.key), "unknown key '" + e.key + "' (allowed: " + quoted_list(allowed) + ")");
  }
  return true;
}

bool FieldReader::expect_list(const YamlNode& node, const std::string& path) {
  if (node.is_sequence()) return true;
  error(node.mark, path, "expected a list, found " + node.describe());
  return false;
}

const YamlNode* FieldReader::get(const YamlNode& map, std::string_view key, const std::string& path, bool required) {
  if (const YamlEntry* e = map.find(key)) return &e->value;
  if (required && !partial_) error(map.mark, join_path(path, key), "missing required field");
  return nullptr;
}

std::optional<std::string> FieldReader::string(const YamlNode& v, const std::string& path) {
  if (v.is_scalar() && v.scalar_type() == YamlNode::ScalarType::String) return v.scalar;
  if (v.is_scalar()) {
    error(v.mark, path, "expected a string, found " + v.describe() + " (quote it: \"" + v.scalar + "\")");
  } else {
    error(v.mark, path, "expected a string, found " + v.describe());
  }
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const YamlNode& v, const std::string& path) {
  if (v.is_scalar() && v.scalar_type() == YamlNode::ScalarType::Boolean) {
    return v.scalar == "true" || v.scalar == "True" || v.scalar == "TRUE";
  }
  error(v.mark, path, "expected true or false, found " + v.describe());
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::integer(const YamlNode& v, const std::string& path, std::int64_t min,
                                                 std::int64_t max) {
  const auto parsed =
      v.is_scalar() && v.scalar_type() == YamlNode::ScalarType::Integer ? parse_int(v.scalar) : std::nullopt;
  if (!parsed) {
    error(v.mark, path, "expected an integer, found " + v.describe());
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    error(v.mark, path,
          "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " + v.scalar + ")");
    return std::nullopt;
  }
  return parsed;
}

std::optional<double> FieldReader::number(const YamlNode& v, const std::string& path, bool positive) {
  const bool numeric = v.is_scalar() && (v.scalar_type() == YamlNode::ScalarType::Integer ||
                                         v.scalar_type() == YamlNode::ScalarType::Decimal);
  const auto parsed = numeric ? parse_double(v.scalar) : std::nullopt;
  if (!parsed || std::isnan(*parsed)) {
    error(v.mark, path, "expected a number, found " + v.describe());
    return std::nullopt;
  }
  if (!std::isfinite(*parsed) || (positive ? *parsed <= 0.0 : *parsed < 0.0)) {
    error(v.mark, path,
          std::string{"must be "} + (positive ? "> 0" : ">= 0") + " (got " + format_number(*parsed) + ")");
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::vector<std::string>> FieldReader::string_list(const YamlNode& v, const std::string& path) {
  if (!expect_list(v, path)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    if (auto s = string(v.items[i], index_path(path, i)))
      out.push_back(std::move(*s));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

bool FieldReader::read(const YamlNode& map, std::string_view key, const std::string& path, bool required,
                       std::string& out) {
  const YamlNode* v = get(map, key, path, required);
  if (!v) return false;
  auto s = string(*v, join_path(path, key));
  if (s) out = std::move(*s);
  return s.has_value();
}

bool FieldReader::read(const YamlNode& map, std::string_view key, const std::string& path, bool required, bool& out) {
  const YamlNode* v = get(map, key, path, required);
  if (!v) return false;
  const auto b = boolean(*v, join_path(path, key));
  if (b) out = *b;
  return b.has_value();
}

bool FieldReader::read(const YamlNode& map, std::string_view key, const std::string& path, bool required, int& out,
                       std::int64_t min, std::int64_t max) {
  const YamlNode* v = get(map, key, path, required);
  if (!v) return false;
  const auto n = integer(*v, join_path(path, key), min, max);
  if (n) out = static_cast<int>(*n);
  return n.has_value();
}

bool FieldReader::read(const YamlNode& map, std::string_view key, const std::string& path, bool required, double& out,
                       bool positive) {
  const YamlNode* v = get(map, key, path, required);
  if (!v) return false;
  const auto n = number(*v, join_path(path, key), positive);
  if (n) out = *n;
  return n.has_value();
}

bool FieldReader::read(const YamlNode& map, std::string_view key, const std::string& path, bool required,
                       std::vector<std::string>& out) {
  const YamlNode* v = get(map, key, path, required);
  if (!v) return false;
  auto list = string_list(*v, join_path(path, key));
  if (list) out = std::move(*list);
  return list.has_value();
}

} // namespace ocppfleet::catalog
