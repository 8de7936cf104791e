#pragma once
// Loads one brand/model profile file: parses the YAML, follows `extends:` (a path relative to
// the file that names it, any depth, cycles reported), merges field by field, decodes and
// validates. Never throws and never crashes on bad input: every problem becomes a LoadError
// with file, line, column and field path.
//
// The brand and model slugs come from the file's place: brands/<brand>/<model>.yaml.
// Files whose name starts with '_' are abstract bases (`abstract: true`): they may leave
// fields for the profiles that extend them, and load to no profile.
#include <filesystem>
#include <memory>
#include <vector>

#include "simulator/catalog/load_error.hpp"
#include "simulator/catalog/profile.hpp"

namespace ocppfleet::catalog {

struct ProfileLoad {
  std::shared_ptr<const ModelProfile> profile; // null when there are errors or the file is abstract
  std::vector<LoadError> errors;
  bool abstract = false;

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

ProfileLoad load_profile(const std::filesystem::path& file);

// True for a base profile's file name (`_terra-ac-base.yaml`).
bool is_abstract_profile_name(const std::filesystem::path& file);

} // namespace ocppfleet::catalog
