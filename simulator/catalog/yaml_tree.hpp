#pragma once
// YAML documents as a small tree that remembers, for every node, the file and the line and
// column it came from. yaml-cpp's own nodes know their line but not their file; profiles are
// merged across files (`extends:`), and an error in an inherited field must still name the
// file that holds it. Parsing never throws: a malformed document becomes one LoadError.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/load_error.hpp"

namespace ocppfleet::catalog {

struct SourceMark {
  std::shared_ptr<const std::string> file; // shared by every node of one file
  int line = 0;                            // 1-based
  int column = 0;                          // 1-based

  [[nodiscard]] LoadError error(std::string path, std::string message) const {
    return LoadError{file ? *file : std::string{}, line, column, std::move(path), std::move(message)};
  }
};

struct YamlEntry;

struct YamlNode {
  enum class Kind { Null, Scalar, Sequence, Map };
  // What a scalar is under the YAML 1.2 core schema; quoted or explicitly tagged scalars are
  // always strings (so `"1.6"` is a string and `1.6` a number).
  enum class ScalarType { String, Integer, Decimal, Boolean };

  Kind kind = Kind::Null;
  std::string scalar;
  bool quoted = false;
  std::vector<YamlNode> items;    // Sequence
  std::vector<YamlEntry> entries; // Map, in document order
  SourceMark mark;

  [[nodiscard]] bool is_map() const noexcept { return kind == Kind::Map; }
  [[nodiscard]] bool is_sequence() const noexcept { return kind == Kind::Sequence; }
  [[nodiscard]] bool is_scalar() const noexcept { return kind == Kind::Scalar; }
  [[nodiscard]] bool is_null() const noexcept { return kind == Kind::Null; }
  [[nodiscard]] ScalarType scalar_type() const;
  // The entry for `key` in a map, nullptr when absent (or not a map).
  [[nodiscard]] const YamlEntry* find(std::string_view key) const;
  [[nodiscard]] YamlEntry* find(std::string_view key);
  // "a map", "a list", "a number", ... for messages.
  [[nodiscard]] std::string describe() const;
};

struct YamlEntry {
  std::string key;
  SourceMark key_mark;
  YamlNode value;
};

struct ParsedYaml {
  std::optional<YamlNode> root;
  std::vector<LoadError> errors; // unreadable file, malformed YAML, duplicate keys
};

// Reads and parses one file. Duplicate keys in a map are reported (yaml-cpp keeps both).
ParsedYaml parse_yaml_file(const std::filesystem::path& file);
ParsedYaml parse_yaml_text(std::string_view text, const std::string& file_name);

// Lists whose items merge by key fields instead of being replaced as a whole, by the dotted
// path of the list (`personality.config_keys_16` -> {"name"}).
using KeyedLists = std::map<std::string, std::vector<std::string>, std::less<>>;

// `over` applied on top of `base`, field by field: maps merge key by key (recursively),
// keyed lists merge item by item, anything else in `over` replaces what `base` has.
YamlNode merge_yaml(const YamlNode& base, const YamlNode& over, const KeyedLists& keyed, const std::string& path = {});

} // namespace ocppfleet::catalog
