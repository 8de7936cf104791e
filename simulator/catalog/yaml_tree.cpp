#include "simulator/catalog/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace ocppfleet::catalog {
namespace {

bool all_of(std::string_view s, int (*pred)(int)) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [pred](char c) { return pred(static_cast<unsigned char>(c)) != 0; });
}

bool is_yaml_integer(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o'))
    return all_of(s.substr(2), s[1] == 'x' ? isxdigit : isdigit);
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return all_of(s, isdigit);
}

// [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  and .inf / .nan
bool is_yaml_decimal(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN") return true;
  std::size_t i = 0;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    return i - from;
  };
  const std::size_t int_digits = digits();
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    frac_digits = digits();
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// yaml-cpp marks are 0-based; ours are 1-based like compilers'.
SourceMark mark_of(const YAML::Mark& m, const std::shared_ptr<const std::string>& file) {
  return SourceMark{file, m.line + 1, m.column + 1};
}

YamlNode convert(const YAML::Node& in, const std::shared_ptr<const std::string>& file, const std::string& path,
                 std::vector<LoadError>& errors) {
  YamlNode out;
  out.mark = mark_of(in.Mark(), file);
  switch (in.Type()) {
  case YAML::NodeType::Scalar:
    out.kind = YamlNode::Kind::Scalar;
    out.scalar = in.Scalar();
    out.quoted = in.Tag() != "?"; // "!" = quoted; any explicit tag also keeps the text as is
    break;
  case YAML::NodeType::Sequence: {
    out.kind = YamlNode::Kind::Sequence;
    std::size_t i = 0;
    for (const auto& item : in)
      out.items.push_back(convert(item, file, path + '[' + std::to_string(i++) + ']', errors));
    break;
  }
  case YAML::NodeType::Map: {
    out.kind = YamlNode::Kind::Map;
    std::set<std::string> seen;
    for (auto it = in.begin(); it != in.end(); ++it) {
      YamlEntry entry;
      entry.key_mark = mark_of(it->first.Mark(), file);
      if (!it->first.IsScalar()) {
        errors.push_back(entry.key_mark.error(path, "a map key must be a plain name"));
        continue;
      }
      entry.key = it->first.Scalar();
      const std::string child = path.empty() ? entry.key : path + '.' + entry.key;
      if (!seen.insert(entry.key).second) {
        errors.push_back(entry.key_mark.error(child, "duplicate key"));
        continue;
      }
      entry.value = convert(it->second, file, child, errors);
      // An empty value has no position of its own (yaml-cpp puts it on the next token).
      if (entry.value.is_null()) entry.value.mark = entry.key_mark;
      out.entries.push_back(std::move(entry));
    }
    break;
  }
  case YAML::NodeType::Null:
  case YAML::NodeType::Undefined: out.kind = YamlNode::Kind::Null; break;
  }
  return out;
}

// The values of a keyed list item's key fields, or nullopt when it lacks a key field that
// the other items use (then it cannot be matched and is appended).
std::optional<std::vector<std::string>> item_key(const YamlNode& item, const std::vector<std::string>& fields) {
  if (!item.is_map()) return std::nullopt;
  std::vector<std::string> key;
  bool any = false;
  for (const auto& f : fields) {
    const YamlEntry* e = item.find(f);
    if (e && e->value.is_scalar()) {
      key.push_back(e->value.scalar);
      any = true;
    } else {
      key.emplace_back(); // optional key fields (an instance) are part of the key as "absent"
    }
  }
  if (!any) return std::nullopt;
  return key;
}

} // namespace

YamlNode::ScalarType YamlNode::scalar_type() const {
  if (quoted) return ScalarType::String;
  if (scalar == "true" || scalar == "True" || scalar == "TRUE" || scalar == "false" || scalar == "False" ||
      scalar == "FALSE")
    return ScalarType::Boolean;
  if (is_yaml_integer(scalar)) return ScalarType::Integer;
  if (is_yaml_decimal(scalar)) return ScalarType::Decimal;
  return ScalarType::String;
}

const YamlEntry* YamlNode::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

YamlEntry* YamlNode::find(std::string_view key) {
  for (auto& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

std::string YamlNode::describe() const {
  switch (kind) {
  case Kind::Null: return "nothing";
  case Kind::Map: return "a map";
  case Kind::Sequence: return "a list";
  case Kind::Scalar:
    switch (scalar_type()) {
    case ScalarType::Boolean: return "a boolean";
    case ScalarType::Integer: return "an integer";
    case ScalarType::Decimal: return "a number";
    case ScalarType::String: return "a string";
    }
  }
  return "something else";
}

ParsedYaml parse_yaml_text(std::string_view text, const std::string& file_name) {
  ParsedYaml out;
  const auto file = std::make_shared<const std::string>(file_name);
  try {
    const YAML::Node doc = YAML::Load(std::string{text});
    out.root = convert(doc, file, {}, out.errors);
  } catch (const YAML::Exception& e) {
    out.errors.push_back(mark_of(e.mark, file).error({}, "malformed YAML: " + e.msg));
  } catch (const std::exception& e) {
    out.errors.push_back(LoadError{file_name, 0, 0, {}, std::string{"cannot parse: "} + e.what()});
  }
  return out;
}

ParsedYaml parse_yaml_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    ParsedYaml out;
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, "cannot open: no such file"});
    return out;
  }
  std::ifstream in{file, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    ParsedYaml out;
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, "cannot read the file"});
    return out;
  }
  return parse_yaml_text(text.str(), file.string());
}

YamlNode merge_yaml(const YamlNode& base, const YamlNode& over, const KeyedLists& keyed, const std::string& path) {
  if (base.is_map() && over.is_map()) {
    YamlNode out = base;
    for (const YamlEntry& e : over.entries) {
      const std::string child = path.empty() ? e.key : path + '.' + e.key;
      if (YamlEntry* existing = out.find(e.key)) {
        existing->value = merge_yaml(existing->value, e.value, keyed, child);
        existing->key_mark = e.key_mark;
      } else {
        out.entries.push_back(e);
      }
    }
    out.mark = over.mark;
    return out;
  }
  const auto rule = keyed.find(path);
  if (rule != keyed.end() && base.is_sequence() && over.is_sequence()) {
    YamlNode out = base;
    for (const YamlNode& item : over.items) {
      const auto key = item_key(item, rule->second);
      auto match = out.items.end();
      if (key) {
        match = std::find_if(out.items.begin(), out.items.end(),
                             [&](const YamlNode& b) { return item_key(b, rule->second) == key; });
      }
      if (match != out.items.end()) {
        *match = merge_yaml(*match, item, keyed, path + "[]");
      } else {
        out.items.push_back(item);
      }
    }
    out.mark = over.mark;
    return out;
  }
  return over;
}

} // namespace ocppfleet::catalog
