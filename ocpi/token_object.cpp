#include "ocpi/token_object.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> k_token_types{"AD_HOC_USER", "APP_USER", "OTHER", "RFID"};
constexpr std::array<std::string_view, 4> k_whitelists{"ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER"};
constexpr std::array<std::string_view, 4> k_profiles{"CHEAP", "FAST", "GREEN", "REGULAR"};

// One field's rule: what it must be when present.
std::string check_string(const Json& obj, const char* name, std::size_t max) {
  const auto& v = obj.at(name);
  if (!v.is_string() || v.get_ref<const std::string&>().empty() || v.get_ref<const std::string&>().size() > max)
    return std::string{name} + ": a string of 1 to " + std::to_string(max) + " characters";
  return {};
}

template <std::size_t N>
std::string check_enum(const Json& obj, const char* name, const std::array<std::string_view, N>& values) {
  const auto& v = obj.at(name);
  if (v.is_string() && std::find(values.begin(), values.end(), v.get_ref<const std::string&>()) != values.end())
    return {};
  std::string all;
  for (const auto value : values)
    all += (all.empty() ? "" : ", ") + std::string{value};
  return std::string{name} + ": one of " + all;
}

std::string check_field(const Json& obj, const std::string& name) {
  if (name == "country_code") {
    if (auto why = check_string(obj, "country_code", 2); !why.empty() || obj[name].get<std::string>().size() != 2)
      return "country_code: 2 characters (ISO 3166-1 alpha-2)";
    return {};
  }
  if (name == "party_id") {
    if (auto why = check_string(obj, "party_id", 3); !why.empty() || obj[name].get<std::string>().size() != 3)
      return "party_id: 3 characters (ISO 15118)";
    return {};
  }
  if (name == "uid" || name == "contract_id" || name == "group_id") return check_string(obj, name.c_str(), 36);
  if (name == "visual_number" || name == "issuer") return check_string(obj, name.c_str(), 64);
  if (name == "type") return check_enum(obj, "type", k_token_types);
  if (name == "whitelist") return check_enum(obj, "whitelist", k_whitelists);
  if (name == "default_profile_type") return check_enum(obj, "default_profile_type", k_profiles);
  if (name == "valid") return obj[name].is_boolean() ? std::string{} : "valid: true or false";
  if (name == "language") {
    const auto& v = obj[name];
    return v.is_string() && v.get_ref<const std::string&>().size() == 2 ? std::string{}
                                                                        : "language: 2 characters (ISO 639-1)";
  }
  if (name == "last_updated") {
    const auto& v = obj[name];
    if (!v.is_string() || v.get_ref<const std::string&>().size() > 25 ||
        !core::parse_timestamp(v.get_ref<const std::string&>()))
      return "last_updated: a UTC DateTime (RFC 3339, at most 25 characters)";
    return {};
  }
  if (name == "energy_contract") {
    const auto& v = obj[name];
    if (!v.is_object() || !v.contains("supplier_name")) return "energy_contract: an object with supplier_name";
    if (auto why = check_string(v, "supplier_name", 64); !why.empty()) return "energy_contract." + why;
    if (v.contains("contract_id"))
      if (auto why = check_string(v, "contract_id", 64); !why.empty()) return "energy_contract." + why;
    return {};
  }
  return {}; // unknown fields are carried, not refused (forward compatibility)
}

constexpr std::array<const char*, 9> k_required{"country_code", "party_id", "uid",       "type",        "contract_id",
                                                "issuer",       "valid",    "whitelist", "last_updated"};

} // namespace

std::string check_token_object(const Json& token) {
  if (!token.is_object()) return "the Token must be a JSON object";
  for (const char* name : k_required)
    if (!token.contains(name) || token[name].is_null()) return std::string{name} + " is required";
  for (const auto& [name, value] : token.items())
    if (!value.is_null())
      if (auto why = check_field(token, name); !why.empty()) return why;
  return {};
}

std::string check_token_patch(const Json& patch) {
  if (!patch.is_object()) return "the patch must be a JSON object";
  if (!patch.contains("last_updated")) return "last_updated is required in a PATCH";
  for (const char* key : {"country_code", "party_id", "uid", "type"})
    if (patch.contains(key)) return std::string{key} + " cannot be changed by a PATCH (it names the token)";
  for (const auto& [name, value] : patch.items()) {
    if (value.is_null()) {
      if (std::find_if(k_required.begin(), k_required.end(), [&](const char* r) { return name == r; }) !=
          k_required.end())
        return name + " cannot be removed";
      continue;
    }
    if (auto why = check_field(patch, name); !why.empty()) return why;
  }
  return {};
}

TokenEntry token_entry(const Json& token) {
  TokenEntry e;
  e.country_code = token.at("country_code").get<std::string>();
  e.party_id = token.at("party_id").get<std::string>();
  e.uid = token.at("uid").get<std::string>();
  e.type = token.at("type").get<std::string>();
  e.valid = token.at("valid").get<bool>();
  e.whitelist = token.at("whitelist").get<std::string>();
  if (const auto g = token.find("group_id"); g != token.end() && g->is_string()) e.group_id = g->get<std::string>();
  return e;
}

} // namespace ocppfleet::ocpi
