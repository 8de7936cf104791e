#include "simulator/catalog/profile_loader.hpp"

#include <algorithm>

#include "simulator/catalog/profile_decoder.hpp"
#include "simulator/catalog/yaml_fields.hpp"
#include "simulator/catalog/yaml_tree.hpp"

namespace ocppfleet::catalog {
namespace {

// A chain longer than this is a mistake even without a cycle.
constexpr std::size_t max_extends_depth = 16;

// Lists merged item by item when a profile overrides its base (docs/profiles.md).
const KeyedLists& keyed_lists() {
  static const KeyedLists lists{
      {"personality.config_keys_16", {"name"}},
      {"personality.variables_201", {"component", "instance", "evse", "variable", "variable_instance"}},
  };
  return lists;
}

std::filesystem::path normal(const std::filesystem::path& p) {
  std::error_code ec;
  auto abs = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : abs;
}

struct Resolved {
  std::optional<YamlNode> tree; // merged with every base; `extends` and `abstract` removed
  bool abstract = false;        // of the file itself, never inherited
  SourceMark abstract_mark;     // where the file says so (or its first line)
};

void remove_key(YamlNode& map, std::string_view key) {
  std::erase_if(map.entries, [&](const YamlEntry& e) { return e.key == key; });
}

// Parses `file` and everything it extends. `chain` holds the canonical paths of the files
// being resolved (for cycles); messages name files as the user wrote them.
Resolved resolve(const std::filesystem::path& file, std::vector<std::filesystem::path>& chain,
                 std::vector<LoadError>& errors) {
  Resolved out;
  ParsedYaml parsed = parse_yaml_file(file);
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  if (!parsed.root) return out;
  YamlNode root = std::move(*parsed.root);
  if (!root.is_map()) {
    errors.push_back(
        root.mark.error({}, "a profile must be a map (identity, hardware, personality), found " + root.describe()));
    return out;
  }
  FieldReader r{errors, true};
  r.read(root, "abstract", {}, false, out.abstract);
  const YamlEntry* flag = root.find("abstract");
  out.abstract_mark = flag ? flag->key_mark : SourceMark{root.mark.file, 1, 1};
  std::string base_name;
  const bool has_base = r.read(root, "extends", {}, false, base_name);
  const SourceMark extends_mark = has_base ? root.find("extends")->value.mark : SourceMark{};
  remove_key(root, "extends");
  remove_key(root, "abstract");
  if (!has_base) {
    out.tree = std::move(root);
    return out;
  }

  const std::filesystem::path base_display = (file.parent_path() / base_name).lexically_normal();
  const std::filesystem::path base = normal(base_display);
  const auto cycle_at = std::find(chain.begin(), chain.end(), base);
  if (cycle_at != chain.end()) {
    std::string cycle;
    for (auto it = cycle_at; it != chain.end(); ++it)
      cycle += it->filename().string() + " -> ";
    cycle += base.filename().string();
    errors.push_back(extends_mark.error("extends", "extends cycle: " + cycle));
    return out;
  }
  if (chain.size() >= max_extends_depth) {
    errors.push_back(
        extends_mark.error("extends", "more than " + std::to_string(max_extends_depth) + " levels of extends"));
    return out;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(base, ec)) {
    errors.push_back(
        extends_mark.error("extends", "cannot open '" + base_name + "' (" + base_display.string() + "): no such file"));
    return out;
  }
  chain.push_back(base);
  Resolved parent = resolve(base_display, chain, errors);
  chain.pop_back();
  if (!parent.tree) return out;
  out.tree = merge_yaml(*parent.tree, root, keyed_lists());
  return out;
}

} // namespace

bool is_abstract_profile_name(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return !name.empty() && name.front() == '_';
}

ProfileLoad load_profile(const std::filesystem::path& file) {
  ProfileLoad out;
  try {
    const std::filesystem::path self = normal(file);
    std::vector<std::filesystem::path> chain{self};
    Resolved resolved = resolve(file, chain, out.errors);
    out.abstract = resolved.abstract;
    if (!resolved.tree) return out;

    const bool abstract_name = is_abstract_profile_name(file);
    if (resolved.abstract != abstract_name) {
      out.errors.push_back(resolved.abstract_mark.error(
          "abstract", abstract_name ? "a file named '_*.yaml' is a base: it needs `abstract: true`"
                                    : "an abstract profile's file name must start with '_'"));
    }

    auto profile = std::make_shared<ModelProfile>();
    FieldReader r{out.errors, resolved.abstract};
    decode_profile(*resolved.tree, r, *profile);
    if (!out.errors.empty() || resolved.abstract) return out;

    profile->identity.brand_slug = self.parent_path().filename().string();
    profile->identity.model_slug = self.stem().string();
    profile->source_file = file.string();
    out.profile = std::move(profile);
  } catch (const std::exception& e) {
    // Only allocation failures can get here; a loader must still not take the process down.
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, std::string{"cannot load: "} + e.what()});
    out.profile.reset();
  }
  return out;
}

} // namespace ocppfleet::catalog
