#pragma once
#include <cstdlib>
#include <filesystem>

// Where the source tree is, for tests that read brands/, templates/ or docs: ctest sets
// $OCPPFLEET_SOURCE_DIR; run by hand, the nearest ancestor of the working directory that
// holds brands/ and control-api/.
namespace ocppfleet::testing {

inline std::filesystem::path source_dir() {
  if (const char* env = std::getenv("OCPPFLEET_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  for (auto dir = std::filesystem::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "brands") && std::filesystem::exists(dir / "control-api")) return dir;
    if (dir == dir.parent_path()) break;
  }
  return std::filesystem::current_path();
}

inline std::filesystem::path brands_dir() { return source_dir() / "brands"; }

} // namespace ocppfleet::testing
