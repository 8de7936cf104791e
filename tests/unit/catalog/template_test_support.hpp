#pragma once
// Shared by the template tests: the shipped catalogues, and broken templates written to a
// temporary directory (a template names its own file, so each case writes real files).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/template_catalog.hpp"
#include "tests/unit/catalog/test_paths.hpp"

namespace ocppfleet::catalog::test {

inline std::filesystem::path templates_dir() { return source_dir() / "templates"; }

// One brand catalogue and template catalogue for the whole binary (loading is the slow part
// under ASan, and both are immutable once loaded).
inline Catalog& shipped_brands() {
  static Catalog brands{brands_dir()};
  return brands;
}
inline const TemplateCatalog& shipped_templates() {
  static const TemplateCatalog templates{templates_dir(), shipped_brands()};
  return templates;
}

class TempDir {
public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / ("ocppfleet-tmpl-" + std::string{info->test_suite_name()} + "-" +
                                                      info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream{p} << text;
    return p;
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

} // namespace ocppfleet::catalog::test
