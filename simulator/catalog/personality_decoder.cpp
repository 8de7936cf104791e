// The `personality:` section: supported actions, 1.6 configuration keys and 2.0.1 variables
// (typed defaults, read-only flags, allowed values), metering, status sequences, delays,
// DataTransfer vendor id and the fault model.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <set>
#include <span>

#include "simulator/catalog/ocpp_vocabulary.hpp"
#include "simulator/catalog/profile_decoder.hpp"

namespace ocppfleet::catalog {
namespace {

constexpr int max_delay_ms = 10 * 60 * 1000;
constexpr int max_interval_s = 24 * 3600;

std::optional<ValueType> parse_value_type(std::string_view s, bool v201) {
  if (s == "boolean") return ValueType::Boolean;
  if (s == "integer") return ValueType::Integer;
  if (s == "decimal") return ValueType::Decimal;
  if (s == "string") return ValueType::String;
  if (!v201 && s == "csl") return ValueType::Csl;
  if (v201 && s == "option_list") return ValueType::OptionList;
  if (v201 && s == "sequence_list") return ValueType::SequenceList;
  if (v201 && s == "member_list") return ValueType::MemberList;
  if (v201 && s == "date_time") return ValueType::DateTime;
  return std::nullopt;
}

bool is_list_type(ValueType t) {
  return t == ValueType::Csl || t == ValueType::SequenceList || t == ValueType::MemberList;
}

std::vector<std::string> split_csl(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= s.size() && !s.empty()) {
    const std::size_t comma = s.find(',', from);
    out.push_back(s.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

// One value of `type` as its wire string, or nullopt (reported). List types take a YAML list
// (joined with commas) or a string.
std::optional<std::string> typed_value(const YamlNode& v, ValueType type, const std::string& path, FieldReader& r) {
  using ST = YamlNode::ScalarType;
  switch (type) {
  case ValueType::Boolean:
    if (auto b = r.boolean(v, path)) return std::string{*b ? "true" : "false"};
    return std::nullopt;
  case ValueType::Integer:
    if (auto n = r.integer(v, path, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()))
      return std::to_string(*n);
    return std::nullopt;
  case ValueType::Decimal:
    if (v.is_scalar() && (v.scalar_type() == ST::Integer || v.scalar_type() == ST::Decimal)) return v.scalar;
    r.error(v.mark, path, "expected a number, found " + v.describe());
    return std::nullopt;
  case ValueType::Csl:
  case ValueType::SequenceList:
  case ValueType::MemberList:
    if (v.is_sequence()) {
      auto items = r.string_list(v, path);
      if (!items) return std::nullopt;
      std::string joined;
      for (const auto& s : *items)
        joined += (joined.empty() ? "" : ",") + s;
      return joined;
    }
    return r.string(v, path);
  case ValueType::String:
  case ValueType::OptionList:
  case ValueType::DateTime: return r.string(v, path);
  }
  return std::nullopt;
}

// type, default, readonly, allowed: shared by 1.6 keys and 2.0.1 variables.
template <class Item>
void decode_value(const YamlNode& node, const std::string& path, bool v201, FieldReader& r, Item& out) {
  std::string type;
  if (r.read(node, "type", path, true, type)) {
    if (auto t = parse_value_type(type, v201)) {
      out.type = *t;
    } else {
      r.error(node.find("type")->value.mark, join_path(path, "type"),
              "unknown type '" + type + "' (" +
                  (v201 ? "boolean, integer, decimal, string, option_list, sequence_list, member_list, date_time"
                        : "boolean, integer, decimal, string, csl") +
                  ")");
      return;
    }
  }
  r.read(node, "readonly", path, false, out.readonly);
  if (const YamlNode* allowed = r.get(node, "allowed", path, out.type == ValueType::OptionList && !type.empty())) {
    const std::string apath = join_path(path, "allowed");
    if (r.expect_list(*allowed, apath)) {
      for (std::size_t i = 0; i < allowed->items.size(); ++i) {
        const ValueType item_type = is_list_type(out.type) ? ValueType::String : out.type;
        if (auto s = typed_value(allowed->items[i], item_type, index_path(apath, i), r)) out.allowed.push_back(*s);
      }
    }
  }
  const YamlNode* def = r.get(node, "default", path, true);
  if (!def || type.empty()) return;
  const std::string dpath = join_path(path, "default");
  auto value = typed_value(*def, out.type, dpath, r);
  if (!value) return;
  out.default_value = *value;
  if (out.allowed.empty()) return;
  const auto members =
      is_list_type(out.type) ? split_csl(out.default_value) : std::vector<std::string>{out.default_value};
  for (const auto& m : members) {
    if (std::find(out.allowed.begin(), out.allowed.end(), m) == out.allowed.end())
      r.error(def->mark, dpath, "'" + m + "' is not one of the allowed values");
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void decode_config_keys(const YamlNode& list, const std::string& path, FieldReader& r, std::vector<ConfigKey16>& out) {
  if (!r.expect_list(list, path)) return;
  std::set<std::string> names; // 1.6 keys are case-insensitive
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = list.items[i];
    const std::string ipath = index_path(path, i);
    if (!r.expect_map(item, ipath, {"name", "type", "default", "readonly", "allowed"})) continue;
    ConfigKey16 key;
    if (r.read(item, "name", ipath, true, key.name) && !names.insert(lower(key.name)).second)
      r.error(item.find("name")->value.mark, join_path(ipath, "name"),
              "duplicate configuration key '" + key.name + "'");
    decode_value(item, ipath, false, r, key);
    out.push_back(std::move(key));
  }
}

void decode_variables(const YamlNode& list, const std::string& path, FieldReader& r, std::vector<Variable201>& out) {
  if (!r.expect_list(list, path)) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& item = list.items[i];
    const std::string ipath = index_path(path, i);
    if (!r.expect_map(item, ipath,
                      {"component", "instance", "evse", "variable", "variable_instance", "type", "default", "readonly",
                       "allowed"}))
      continue;
    Variable201 var;
    r.read(item, "component", ipath, true, var.component);
    r.read(item, "instance", ipath, false, var.instance);
    int evse = 0;
    if (r.read(item, "evse", ipath, false, evse, 0, 64)) var.evse = evse;
    r.read(item, "variable", ipath, true, var.variable);
    r.read(item, "variable_instance", ipath, false, var.variable_instance);
    const std::string key = var.component + '/' + var.instance + '/' + std::to_string(var.evse.value_or(-1)) + '/' +
                            var.variable + '/' + var.variable_instance;
    if (!var.component.empty() && !var.variable.empty() && !seen.insert(key).second)
      r.error(item.mark, ipath, "duplicate variable " + var.component + "." + var.variable);
    decode_value(item, ipath, true, r, var);
    out.push_back(std::move(var));
  }
}

void decode_actions(const YamlNode& map, std::string_view key, const std::string& path, bool required,
                    std::span<const std::string_view> known, const char* version, FieldReader& r,
                    std::vector<std::string>& out) {
  if (!r.read(map, key, path, required, out)) return;
  const YamlNode& list = map.find(key)->value;
  const std::string lpath = join_path(path, key);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!contains(known, out[i]))
      r.error(list.items[i].mark, index_path(lpath, i), "'" + out[i] + "' is not an OCPP " + version + " action");
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

void decode_metering(const YamlNode& node, const std::string& path, FieldReader& r, Metering& out) {
  if (!r.expect_map(node, path, {"measurands", "sample_interval_s", "clock_aligned_interval_s"})) return;
  if (r.read(node, "measurands", path, true, out.measurands)) {
    const YamlNode& list = node.find("measurands")->value;
    for (std::size_t i = 0; i < out.measurands.size(); ++i)
      if (!contains(measurands(), out.measurands[i]))
        r.error(list.items[i].mark, index_path(join_path(path, "measurands"), i),
                "'" + out.measurands[i] + "' is not an OCPP measurand");
  }
  r.read(node, "sample_interval_s", path, true, out.sample_interval_s, 0, max_interval_s);
  r.read(node, "clock_aligned_interval_s", path, false, out.clock_aligned_interval_s, 0, max_interval_s);
}

void decode_statuses(const YamlNode& node, const std::string& path, FieldReader& r, StatusSequences& out) {
  if (!r.expect_map(node, path, {"plug", "start", "ev_full", "stop", "unplug"})) return;
  const auto one = [&](std::string_view key, std::vector<charger::ConnectorStatus>& seq) {
    std::vector<std::string> names;
    if (!r.read(node, key, path, false, names)) return;
    const YamlNode& list = node.find(key)->value;
    seq.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (auto s = parse_connector_status(names[i]))
        seq.push_back(*s);
      else
        r.error(list.items[i].mark, index_path(join_path(path, key), i),
                "'" + names[i] +
                    "' is not a connector status (Available, Preparing, Charging, SuspendedEV, "
                    "SuspendedEVSE, Finishing, Reserved, Unavailable, Faulted)");
    }
  };
  one("plug", out.plug);
  one("start", out.start);
  one("ev_full", out.ev_full);
  one("stop", out.stop);
  one("unplug", out.unplug);
}

void decode_delays(const YamlNode& node, const std::string& path, FieldReader& r, Delays& out) {
  if (!r.expect_map(node, path, {"boot_to_status", "plug_to_status", "authorize_to_start", "start_to_charging"}))
    return;
  r.read(node, "boot_to_status", path, true, out.boot_to_status_ms, 0, max_delay_ms);
  r.read(node, "plug_to_status", path, false, out.plug_to_status_ms, 0, max_delay_ms);
  r.read(node, "authorize_to_start", path, true, out.authorize_to_start_ms, 0, max_delay_ms);
  r.read(node, "start_to_charging", path, false, out.start_to_charging_ms, 0, max_delay_ms);
}

void decode_faults(const YamlNode& node, const std::string& path, FieldReader& r, FaultModel& out) {
  if (!r.expect_map(node, path, {"error_codes", "rate_per_hour"})) return;
  if (r.read(node, "error_codes", path, true, out.error_codes)) {
    const YamlNode& list = node.find("error_codes")->value;
    for (std::size_t i = 0; i < out.error_codes.size(); ++i)
      if (!contains(fault_error_codes(), out.error_codes[i]))
        r.error(list.items[i].mark, index_path(join_path(path, "error_codes"), i),
                "'" + out.error_codes[i] + "' is not an OCPP 1.6 ChargePointErrorCode (other than NoError)");
  }
  r.read(node, "rate_per_hour", path, true, out.rate_per_hour, false);
}

} // namespace

void decode_personality(const YamlNode& node, const std::string& path, const Hardware& hardware, FieldReader& r,
                        Personality& out) {
  if (!r.expect_map(node, path,
                    {"supported_actions_16", "supported_actions_201", "config_keys_16", "variables_201", "metering",
                     "status_sequences", "delays_ms", "datatransfer_vendor_id", "faults"}))
    return;
  decode_actions(node, "supported_actions_16", path, hardware.supports("1.6"), ocpp16_actions(), "1.6", r,
                 out.supported_actions_16);
  decode_actions(node, "supported_actions_201", path, hardware.supports("2.0.1"), ocpp201_actions(), "2.0.1", r,
                 out.supported_actions_201);
  if (const YamlNode* n = r.get(node, "config_keys_16", path, hardware.supports("1.6")))
    decode_config_keys(*n, join_path(path, "config_keys_16"), r, out.config_keys_16);
  if (const YamlNode* n = r.get(node, "variables_201", path, hardware.supports("2.0.1")))
    decode_variables(*n, join_path(path, "variables_201"), r, out.variables_201);
  if (const YamlNode* n = r.get(node, "metering", path, true))
    decode_metering(*n, join_path(path, "metering"), r, out.metering);
  if (const YamlNode* n = r.get(node, "status_sequences", path, false))
    decode_statuses(*n, join_path(path, "status_sequences"), r, out.status_sequences);
  if (const YamlNode* n = r.get(node, "delays_ms", path, true))
    decode_delays(*n, join_path(path, "delays_ms"), r, out.delays);
  r.read(node, "datatransfer_vendor_id", path, false, out.datatransfer_vendor_id);
  if (const YamlNode* n = r.get(node, "faults", path, true))
    decode_faults(*n, join_path(path, "faults"), r, out.faults);
}

} // namespace ocppfleet::catalog
