#pragma once
// The brands/ tree: brands/<brand>/<model>.yaml profiles (files starting with '_' are
// abstract bases), brands/evs.yaml (EV profiles) and brands/schema/. Profiles load on first
// use and are cached: every charger of a model shares the one immutable ModelProfile (a
// fleet of 1,000 chargers of one model holds one copy). Thread-safe; meant for start-up and
// the control API, not for shard threads (it reads files).
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/ev_profiles.hpp"
#include "simulator/catalog/profile_loader.hpp"

namespace ocppfleet::catalog {

// The profile file names (without .yaml) a model slug of `brand` may mean, in the order to try:
// the slug itself, then, when it starts with "<brand>-", the rest ("abb-terra-184" ->
// "terra-184"). Catalog::resolve and the control API's pre-rendered catalogue both follow it.
std::vector<std::string_view> model_file_candidates(std::string_view brand, std::string_view model);

class Catalog {
public:
  explicit Catalog(std::filesystem::path brands_dir);

  [[nodiscard]] const std::filesystem::path& brands_dir() const noexcept { return dir_; }

  // "brand/model" of every non-abstract profile file, sorted (reads the directory, not the files).
  [[nodiscard]] std::vector<std::string> model_slugs() const;

  struct Lookup {
    std::shared_ptr<const ModelProfile> profile; // null when unknown or invalid
    std::vector<LoadError> errors;
  };
  // The profile of "brand/model", loaded on the first call and the same pointer afterwards.
  // A profile that fails to load is not cached (fix the file and ask again).
  // The model part may take either form (docs/profiles.md, "Model slugs"): the file name
  // ("abb/terra-184", what the reference API sends) or the brand-prefixed catalogue slug
  // ("abb/abb-terra-184", what the catalogue answers). A file named exactly as asked wins,
  // so the prefix is only stripped when no such file exists.
  Lookup get(std::string_view slug);
  // The same, with brand and model apart (the control API stores them in two columns).
  Lookup resolve(std::string_view brand, std::string_view model);

  struct All {
    std::vector<std::shared_ptr<const ModelProfile>> profiles; // sorted by slug
    std::vector<LoadError> errors;
  };
  All load_all();

  // How many profiles have been built from files (cache misses). The sharing test reads it.
  [[nodiscard]] std::size_t profiles_loaded() const;

  // brands/evs.yaml, loaded once.
  EvCatalogLoad evs();

private:
  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const ModelProfile>, std::less<>> cache_;
  std::size_t loaded_ = 0;
  std::shared_ptr<const EvCatalog> evs_;
};

} // namespace ocppfleet::catalog
