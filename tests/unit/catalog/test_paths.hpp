#pragma once
// Where the catalog tests find brands/ and their fixtures: OCPPFLEET_SOURCE_DIR (set by
// ctest for every unit test), else the source tree this file sits in.
#include <cstdlib>
#include <filesystem>

namespace ocppfleet::catalog::test {

inline std::filesystem::path source_dir() {
  if (const char* env = std::getenv("OCPPFLEET_SOURCE_DIR"); env && *env) return env;
  return std::filesystem::path{__FILE__}.parent_path().parent_path().parent_path().parent_path();
}

inline std::filesystem::path brands_dir() { return source_dir() / "brands"; }
inline std::filesystem::path fixtures_dir() { return source_dir() / "tests/unit/catalog/fixtures"; }
inline std::filesystem::path fixture(const char* name) { return fixtures_dir() / "acme" / name; }

} // namespace ocppfleet::catalog::test
