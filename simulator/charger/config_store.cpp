#include "simulator/charger/config_store.hpp"

#include "simulator/core/text.hpp"
#include <algorithm>
#include <cctype>
#include <charconv>

namespace ocppfleet::charger {

namespace {
using core::iequals;

// Strict decimal: optional '-', digits only, the whole string.
std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (iequals(s, "true")) return true;
  if (iequals(s, "false")) return false;
  return std::nullopt;
}

std::optional<std::string> canonical_csv(const ConfigKeyDef& def, std::string_view value) {
  std::string out;
  if (core::trim(value, core::k_whitespace).empty()) return out; // an empty list is a legal value (e.g. no measurands)
  out.reserve(value.size());
  while (true) {
    const auto comma = value.find(',');
    const auto member = core::trim(value.substr(0, comma), core::k_whitespace);
    if (member.empty()) return std::nullopt; // "a,,b" is a typo, not a list
    if (!def.allowed_members.empty() &&
        std::find(def.allowed_members.begin(), def.allowed_members.end(), member) == def.allowed_members.end()) {
      return std::nullopt;
    }
    if (!out.empty()) out.push_back(',');
    out.append(member);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

// The value as it will be stored, or nullopt when it is invalid for the key.
std::optional<std::string> canonical_value(const ConfigKeyDef& def, std::string_view value) {
  if (value.size() > def.max_length) return std::nullopt;
  switch (def.type) {
  case ConfigValueType::Boolean: {
    const auto b = parse_bool(value);
    if (!b) return std::nullopt;
    return std::string{*b ? "true" : "false"};
  }
  case ConfigValueType::Integer: {
    const auto v = parse_int(value);
    if (!v || *v < def.min || *v > def.max) return std::nullopt;
    return std::to_string(*v);
  }
  case ConfigValueType::CsvList: return canonical_csv(def, value);
  case ConfigValueType::String:
    // A profile may restrict a vendor string key to a set of values.
    if (!def.allowed_members.empty() &&
        std::find(def.allowed_members.begin(), def.allowed_members.end(), value) == def.allowed_members.end())
      return std::nullopt;
    return std::string{value};
  }
  return std::nullopt;
}

} // namespace

ConfigSchema::ConfigSchema(std::vector<ConfigKeyDef> keys) : keys_(std::move(keys)) {}

const ConfigKeyDef* ConfigSchema::find(std::string_view name) const {
  // A schema has a few dozen keys; a scan beats a map on memory and is fast enough.
  const auto it = std::find_if(keys_.begin(), keys_.end(), [name](const ConfigKeyDef& k) { return k.name == name; });
  return it == keys_.end() ? nullptr : &*it;
}

std::optional<std::string> ConfigStore::get(std::string_view name) const {
  const ConfigKeyDef* def = schema_->find(name);
  if (!def) return std::nullopt;
  const auto it = std::find_if(overrides_.begin(), overrides_.end(), [def](const auto& o) { return o.first == def; });
  return it == overrides_.end() ? def->default_value : it->second;
}

std::optional<std::int64_t> ConfigStore::get_int(std::string_view name) const {
  const auto v = get(name);
  return v ? parse_int(*v) : std::nullopt;
}

std::optional<bool> ConfigStore::get_bool(std::string_view name) const {
  const auto v = get(name);
  return v ? parse_bool(*v) : std::nullopt;
}

ConfigSetResult ConfigStore::set(std::string_view name, std::string_view value) {
  const ConfigKeyDef* def = schema_->find(name);
  if (!def) return ConfigSetResult::NotSupported;
  if (def->readonly) return ConfigSetResult::Rejected;
  auto canonical = canonical_value(*def, value);
  if (!canonical) return ConfigSetResult::Rejected;
  store(*def, std::move(*canonical));
  return def->reboot_required ? ConfigSetResult::RebootRequired : ConfigSetResult::Accepted;
}

bool ConfigStore::set_internal(std::string_view name, std::string_view value) {
  const ConfigKeyDef* def = schema_->find(name);
  if (!def) return false;
  auto canonical = canonical_value(*def, value);
  if (!canonical) return false;
  store(*def, std::move(*canonical));
  return true;
}

void ConfigStore::store(const ConfigKeyDef& def, std::string value) {
  const auto it = std::find_if(overrides_.begin(), overrides_.end(), [&def](const auto& o) { return o.first == &def; });
  if (value == def.default_value) {
    // Back to the default: drop the override so the charger pays nothing for the key.
    if (it != overrides_.end()) overrides_.erase(it);
    return;
  }
  if (it != overrides_.end()) {
    it->second = std::move(value);
    return;
  }
  // Grow by exactly one: overrides are few and rare, and the doubling slack would be paid
  // by every charger of the fleet.
  overrides_.reserve(overrides_.size() + 1);
  overrides_.emplace_back(&def, std::move(value));
}

} // namespace ocppfleet::charger
