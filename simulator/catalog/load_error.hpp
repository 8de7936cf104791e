#pragma once
// One problem found while loading a profile: where (file, 1-based line and column, field
// path such as `hardware.evses[0].connectors[1].max_power_kw`) and what. Loaders collect
// every problem they can rather than stopping at the first, and never throw.
#include <string>

namespace ocppfleet::catalog {

struct LoadError {
  std::string file;
  int line = 0; // 0 when the problem is the file as a whole (cannot open it)
  int column = 0;
  std::string path; // field path; empty for the document itself
  std::string message;

  // `file:line:col: path: message` (parts that are unknown are left out).
  [[nodiscard]] std::string to_string() const {
    std::string out = file;
    if (line > 0) out += ':' + std::to_string(line) + ':' + std::to_string(column);
    out += ": ";
    if (!path.empty()) out += path + ": ";
    out += message;
    return out;
  }
};

} // namespace ocppfleet::catalog
