#include "simulator/catalog/cpo_template_loader.hpp"

#include <algorithm>

#include "simulator/catalog/cpo_template_decoder.hpp"
#include "simulator/catalog/yaml_fields.hpp"

namespace ocppfleet::catalog {
namespace {

// A base may extend another base; a chain this long is a cycle or a mistake.
constexpr int max_template_extends_depth = 8;

bool is_base_name(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return !name.empty() && name.front() == '_';
}

// The file's tree merged over everything it extends (maps merge key by key, so a template
// adds or replaces single countries or keys of the base's pools).
std::optional<YamlNode> resolve(const std::filesystem::path& file, int depth, std::vector<LoadError>& errors) {
  ParsedYaml parsed = parse_yaml_file(file);
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  if (!parsed.root) return std::nullopt;
  YamlNode root = std::move(*parsed.root);
  if (!root.is_map()) {
    errors.push_back(
        root.mark.error({}, "a template must be a map (slug, version, caps, ...), found " + root.describe()));
    return std::nullopt;
  }
  const YamlEntry* ext = root.find("extends");
  if (!ext) return root;
  FieldReader r{errors, false};
  const auto name = r.string(ext->value, "extends");
  if (!name) return std::nullopt;
  const SourceMark at = ext->value.mark;
  const std::filesystem::path base = (file.parent_path() / *name).lexically_normal();
  if (!is_base_name(base) || base.parent_path() != file.parent_path().lexically_normal()) {
    errors.push_back(at.error("extends", "must name a base file '_*.yaml' in the same directory"));
    return std::nullopt;
  }
  if (depth >= max_template_extends_depth) {
    errors.push_back(at.error("extends", "more than " + std::to_string(max_template_extends_depth) +
                                             " levels of extends (a cycle?)"));
    return std::nullopt;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(base, ec)) {
    errors.push_back(at.error("extends", "cannot open '" + *name + "' (" + base.string() + "): no such file"));
    return std::nullopt;
  }
  auto parent = resolve(base, depth + 1, errors);
  if (!parent) return std::nullopt;
  std::erase_if(root.entries, [](const YamlEntry& e) { return e.key == "extends"; });
  std::erase_if(parent->entries, [](const YamlEntry& e) { return e.key == "extends"; });
  return merge_yaml(*parent, root, {});
}

void check_slug(const YamlNode& root, const std::string& slug, const std::filesystem::path& file, FieldReader& r) {
  if (slug.empty()) return;
  if (slug != file.stem().string())
    r.error(root.find("slug")->value.mark, "slug",
            "'" + slug + "' must be the file name (" + file.stem().string() + ")");
}

} // namespace

bool looks_like_cpo_template(const YamlNode& root) {
  return root.is_map() && (root.find("charger_groups") || root.find("caps") || root.find("pools"));
}

bool looks_like_location_preset(const YamlNode& root) { return root.is_map() && root.find("site") != nullptr; }

TemplateLoad load_cpo_template(const std::filesystem::path& file, Catalog* brands) {
  TemplateLoad out;
  try {
    if (is_base_name(file)) {
      // A base holds a part of a template (usually pools): it is checked through the
      // templates that extend it, where every field is known.
      out.base = true;
      ParsedYaml parsed = parse_yaml_file(file);
      out.errors = std::move(parsed.errors);
      return out;
    }
    auto tree = resolve(file, 0, out.errors);
    if (!tree) return out;
    auto t = std::make_shared<CpoTemplate>();
    FieldReader r{out.errors, false};
    decode_cpo_template(*tree, r, brands, *t);
    check_slug(*tree, t->slug, file, r);
    if (!out.errors.empty()) return out;
    t->source_file = file.string();
    out.tmpl = std::move(t);
  } catch (const std::exception& e) {
    // Only allocation failures get here; a loader must not take the process down.
    out.errors.push_back(LoadError{file.string(), 0, 0, {}, std::string{"cannot load: "} + e.what()});
    out.tmpl.reset();
  }
  return out;
}

} // namespace ocppfleet::catalog
