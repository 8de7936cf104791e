#pragma once
// Typed reads from a YamlNode tree that collect errors (file, line, column, field path)
// instead of throwing: a map's keys checked against the allowed set, required fields,
// strings that must not be numbers, numbers within bounds. Shared by the profile and EV
// profile decoders. In partial mode (abstract base profiles) a missing required field is
// not an error: the profiles that extend the base must supply it.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/yaml_tree.hpp"

namespace ocppfleet::catalog {

std::string join_path(const std::string& path, std::string_view key);
std::string index_path(const std::string& path, std::size_t i);

class FieldReader {
public:
  FieldReader(std::vector<LoadError>& errors, bool partial) : errors_(errors), partial_(partial) {}

  [[nodiscard]] bool partial() const noexcept { return partial_; }
  // A reader into the same error list that reports missing fields even in partial mode:
  // for parts that are never merged field by field (list items that replace a whole list).
  [[nodiscard]] FieldReader strict() const { return FieldReader{errors_, false}; }
  void error(const SourceMark& at, const std::string& path, std::string message);

  // True when `node` is a map; reports each key outside `allowed` ("unknown key").
  bool expect_map(const YamlNode& node, const std::string& path, std::initializer_list<std::string_view> allowed);
  bool expect_list(const YamlNode& node, const std::string& path);

  // The value of `key` in `map` (nullptr when absent); a missing required key is reported
  // at the map, unless partial.
  const YamlNode* get(const YamlNode& map, std::string_view key, const std::string& path, bool required);

  std::optional<std::string> string(const YamlNode& v, const std::string& path);
  std::optional<bool> boolean(const YamlNode& v, const std::string& path);
  std::optional<std::int64_t> integer(const YamlNode& v, const std::string& path, std::int64_t min, std::int64_t max);
  // A number > 0 when `positive`, else >= 0.
  std::optional<double> number(const YamlNode& v, const std::string& path, bool positive);
  std::optional<std::vector<std::string>> string_list(const YamlNode& v, const std::string& path);

  // get() + the typed read, assigning `out` only when the field is present and valid.
  bool read(const YamlNode& map, std::string_view key, const std::string& path, bool required, std::string& out);
  bool read(const YamlNode& map, std::string_view key, const std::string& path, bool required, bool& out);
  bool read(const YamlNode& map, std::string_view key, const std::string& path, bool required, int& out,
            std::int64_t min, std::int64_t max);
  bool read(const YamlNode& map, std::string_view key, const std::string& path, bool required, double& out,
            bool positive);
  bool read(const YamlNode& map, std::string_view key, const std::string& path, bool required,
            std::vector<std::string>& out);

private:
  std::vector<LoadError>& errors_;
  bool partial_;
};

} // namespace ocppfleet::catalog
