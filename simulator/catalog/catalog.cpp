#include "simulator/catalog/catalog.hpp"

#include <algorithm>

namespace ocppfleet::catalog {
namespace {

bool valid_slug_part(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string_view::npos &&
         s.find('\\') == std::string_view::npos;
}

} // namespace

std::vector<std::string_view> model_file_candidates(std::string_view brand, std::string_view model) {
  std::vector<std::string_view> out{model};
  if (model.size() > brand.size() + 1 && model.substr(0, brand.size()) == brand && model[brand.size()] == '-')
    out.push_back(model.substr(brand.size() + 1));
  return out;
}

Catalog::Catalog(std::filesystem::path brands_dir) : dir_(std::move(brands_dir)) {}

std::vector<std::string> Catalog::model_slugs() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& brand : std::filesystem::directory_iterator(dir_, ec)) {
    // schema/ holds the JSON Schemas; directories starting with '_' hold shared bases.
    const std::string name = brand.path().filename().string();
    if (!brand.is_directory() || name == "schema" || name.empty() || name.front() == '_') continue;
    std::error_code inner;
    for (const auto& file : std::filesystem::directory_iterator(brand.path(), inner)) {
      if (!file.is_regular_file() || file.path().extension() != ".yaml" || is_abstract_profile_name(file.path()))
        continue;
      out.push_back(brand.path().filename().string() + '/' + file.path().stem().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Catalog::Lookup Catalog::get(std::string_view slug) {
  const auto slash = slug.find('/');
  if (slash == std::string_view::npos) {
    Lookup out;
    out.errors.push_back(LoadError{std::string{slug}, 0, 0, {}, "not a brand/model slug (e.g. abb/terra-ac-w22)"});
    return out;
  }
  return resolve(slug.substr(0, slash), slug.substr(slash + 1));
}

Catalog::Lookup Catalog::resolve(std::string_view brand, std::string_view model) {
  Lookup out;
  const std::string slug = std::string{brand} + '/' + std::string{model};
  if (!valid_slug_part(brand) || !valid_slug_part(model) || brand.front() == '_' || model.front() == '_') {
    out.errors.push_back(LoadError{slug, 0, 0, {}, "not a brand/model slug (e.g. abb/terra-ac-w22)"});
    return out;
  }
  const auto file_for = [&](std::string_view name) {
    return dir_ / std::string{brand} / (std::string{name} + ".yaml");
  };
  // The first candidate with a file; none: the last one, for the error message.
  std::error_code ec;
  const auto candidates = model_file_candidates(brand, model);
  std::string_view stem = candidates.back();
  for (const auto c : candidates) {
    if (valid_slug_part(c) && c.front() != '_' && std::filesystem::is_regular_file(file_for(c), ec)) {
      stem = c;
      break;
    }
  }
  if (!valid_slug_part(stem) || stem.front() == '_') {
    out.errors.push_back(LoadError{slug, 0, 0, {}, "not a brand/model slug (e.g. abb/terra-ac-w22)"});
    return out;
  }
  const std::string key = std::string{brand} + '/' + std::string{stem};
  // Loading under the lock keeps two threads from building the same profile twice; it
  // happens once per model, at start-up.
  std::lock_guard lock{mutex_};
  if (const auto it = cache_.find(key); it != cache_.end()) {
    out.profile = it->second;
    return out;
  }
  const auto file = file_for(stem);
  if (!std::filesystem::is_regular_file(file, ec)) {
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, "no profile '" + slug + "' in " + dir_.string()});
    return out;
  }
  ProfileLoad load = load_profile(file);
  ++loaded_;
  out.errors = std::move(load.errors);
  if (load.profile) cache_.emplace(key, load.profile);
  out.profile = std::move(load.profile);
  return out;
}

Catalog::All Catalog::load_all() {
  All out;
  for (const auto& slug : model_slugs()) {
    Lookup l = get(slug);
    out.errors.insert(out.errors.end(), l.errors.begin(), l.errors.end());
    if (l.profile) out.profiles.push_back(std::move(l.profile));
  }
  return out;
}

std::size_t Catalog::profiles_loaded() const {
  std::lock_guard lock{mutex_};
  return loaded_;
}

EvCatalogLoad Catalog::evs() {
  std::lock_guard lock{mutex_};
  if (evs_) return EvCatalogLoad{evs_, {}};
  EvCatalogLoad load = load_ev_catalog(dir_ / "evs.yaml");
  evs_ = load.catalog;
  return load;
}

} // namespace ocppfleet::catalog
