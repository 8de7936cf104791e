#include "simulator/ocpp/v201/device_model.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "simulator/core/text.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::v201 {

namespace {
using core::iequals;
using core::utf8_length;

// Schema limits of the 2.0.1 messages that carry definitions and values.
constexpr std::size_t kMaxNameLength = 50;         // ComponentType/VariableType name and instance
constexpr std::size_t kMaxUnitLength = 16;         // VariableCharacteristics.unit
constexpr std::size_t kMaxValuesListLength = 1000; // VariableCharacteristics.valuesList
constexpr std::size_t kMaxValueLength = 2500;      // VariableAttribute.value, GetVariableResult.attributeValue

std::optional<std::string_view> as_view(const std::optional<std::string>& s) {
  return s ? std::optional<std::string_view>{*s} : std::nullopt;
}

bool same_instance(const std::optional<std::string>& def, std::optional<std::string_view> wanted) {
  if (def.has_value() != wanted.has_value()) return false;
  return !def || iequals(*def, *wanted);
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_decimal(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (iequals(s, "true")) return true;
  if (iequals(s, "false")) return false;
  return std::nullopt;
}

std::string format_decimal(double v) {
  if (v == 0) v = 0; // no "-0"
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::to_string(v);
}

// The allowed spelling of `s`, or nullptr.
const std::string* find_allowed(const std::vector<std::string>& allowed, std::string_view s) {
  const auto it = std::find_if(allowed.begin(), allowed.end(), [s](const std::string& a) { return iequals(a, s); });
  return it == allowed.end() ? nullptr : &*it;
}

std::optional<std::string> canonical_list(const VariableDef& def, std::string_view value) {
  std::string out;
  if (core::trim(value, core::k_whitespace).empty()) return out; // an empty list is a legal value (e.g. no measurands)
  std::vector<std::string_view> seen;
  while (true) {
    const auto comma = value.find(',');
    std::string_view member = core::trim(value.substr(0, comma), core::k_whitespace);
    if (member.empty()) return std::nullopt; // "a,,b" is a typo, not a list
    if (!def.values_list.empty()) {
      const std::string* spelling = find_allowed(def.values_list, member);
      if (spelling == nullptr) return std::nullopt;
      member = *spelling;
    }
    // Both list kinds are sets of distinct members (a sequence orders them, never repeats).
    if (std::any_of(seen.begin(), seen.end(), [member](std::string_view m) { return iequals(m, member); }))
      return std::nullopt;
    seen.push_back(member);
    if (!out.empty()) out.push_back(',');
    out.append(member);
    if (comma == std::string_view::npos) return out;
    value.remove_prefix(comma + 1);
  }
}

bool in_range(const VariableDef& def, double v) { return (!def.min || v >= *def.min) && (!def.max || v <= *def.max); }

} // namespace

std::string_view to_string(Mutability m) {
  switch (m) {
  case Mutability::ReadOnly: return "ReadOnly";
  case Mutability::WriteOnly: return "WriteOnly";
  case Mutability::ReadWrite: return "ReadWrite";
  }
  return "ReadWrite";
}

std::string_view to_string(AttributeType a) {
  switch (a) {
  case AttributeType::Actual: return "Actual";
  case AttributeType::Target: return "Target";
  case AttributeType::MinSet: return "MinSet";
  case AttributeType::MaxSet: return "MaxSet";
  }
  return "Actual";
}

std::string_view to_string(DataType t) {
  switch (t) {
  case DataType::String: return "string";
  case DataType::Decimal: return "decimal";
  case DataType::Integer: return "integer";
  case DataType::DateTime: return "dateTime";
  case DataType::Boolean: return "boolean";
  case DataType::OptionList: return "OptionList";
  case DataType::SequenceList: return "SequenceList";
  case DataType::MemberList: return "MemberList";
  }
  return "string";
}

std::optional<AttributeType> attribute_type_from_string(std::string_view s) {
  for (auto a : {AttributeType::Actual, AttributeType::Target, AttributeType::MinSet, AttributeType::MaxSet}) {
    if (to_string(a) == s) return a;
  }
  return std::nullopt;
}

std::optional<std::string> canonical_value(const VariableDef& def, std::string_view value, ValueError* why) {
  const auto fail = [why](ValueError e) -> std::optional<std::string> {
    if (why != nullptr) *why = e;
    return std::nullopt;
  };
  if (utf8_length(value) > def.max_length) return fail(ValueError::Invalid);
  std::optional<std::string> out;
  switch (def.type) {
  case DataType::Boolean:
    if (const auto b = parse_bool(value)) out = *b ? "true" : "false";
    break;
  case DataType::Integer: {
    const auto v = parse_int(value);
    if (!v) break;
    if (!in_range(def, static_cast<double>(*v))) return fail(ValueError::OutOfRange);
    out = std::to_string(*v);
    break;
  }
  case DataType::Decimal: {
    const auto v = parse_decimal(value);
    if (!v) break;
    if (!in_range(def, *v)) return fail(ValueError::OutOfRange);
    out = format_decimal(*v);
    break;
  }
  case DataType::DateTime:
    if (core::parse_timestamp(value)) out = std::string{value};
    break;
  case DataType::OptionList:
    if (def.values_list.empty()) {
      out = std::string{value};
    } else if (const std::string* spelling = find_allowed(def.values_list, core::trim(value, core::k_whitespace))) {
      out = *spelling;
    }
    break;
  case DataType::MemberList:
  case DataType::SequenceList: out = canonical_list(def, value); break;
  case DataType::String: out = std::string{value}; break;
  }
  if (!out) return fail(ValueError::Invalid);
  return out;
}

DeviceModelSchema::DeviceModelSchema(std::vector<VariableDef> defs) : defs_(std::move(defs)) {
  for (auto it = defs_.begin(); it != defs_.end(); ++it) {
    const VariableDef& d = *it;
    const std::string where = d.component + "." + d.variable + (d.instance ? "[" + *d.instance + "]" : "");
    const auto bad = [&where](const std::string& what) {
      throw std::invalid_argument("device model: " + where + ": " + what);
    };
    if (d.component.empty() || d.variable.empty()) bad("empty name");
    if (d.component.size() > kMaxNameLength || d.variable.size() > kMaxNameLength ||
        (d.instance && d.instance->size() > kMaxNameLength))
      bad("name longer than 50");
    if (d.connector_id && !d.evse_id) bad("connector without EVSE");
    if (d.unit && d.unit->size() > kMaxUnitLength) bad("unit longer than 16");
    if (d.max_length > kMaxValueLength) bad("max_length above 2500");
    std::size_t list_length = 0;
    for (const auto& v : d.values_list)
      list_length += utf8_length(v) + 1;
    if (list_length > kMaxValuesListLength + 1) bad("valuesList longer than 1000");
    const auto canonical = canonical_value(d, d.default_value);
    if (!canonical || *canonical != d.default_value) bad("default value not valid and canonical");
    const auto dup = std::find_if(defs_.begin(), it, [&d](const VariableDef& o) {
      return o.evse_id == d.evse_id && o.connector_id == d.connector_id && iequals(o.component, d.component) &&
             iequals(o.variable, d.variable) && same_instance(o.instance, as_view(d.instance));
    });
    if (dup != it) bad("defined twice");
  }
}

const VariableDef* DeviceModelSchema::find(std::string_view component, std::optional<int> evse_id,
                                           std::optional<int> connector_id, std::string_view variable,
                                           std::optional<std::string_view> instance) const {
  // A few dozen definitions per EVSE and rare lookups (CSMS requests, timer re-arms): a scan
  // costs no memory and is fast enough.
  const auto it = std::find_if(defs_.begin(), defs_.end(), [&](const VariableDef& d) {
    return d.evse_id == evse_id && d.connector_id == connector_id && iequals(d.component, component) &&
           iequals(d.variable, variable) && same_instance(d.instance, instance);
  });
  return it == defs_.end() ? nullptr : &*it;
}

bool DeviceModelSchema::has_component(std::string_view component, std::optional<int> evse_id,
                                      std::optional<int> connector_id) const {
  return std::any_of(defs_.begin(), defs_.end(), [&](const VariableDef& d) {
    return d.evse_id == evse_id && d.connector_id == connector_id && iequals(d.component, component);
  });
}

std::optional<std::string> DeviceModel::get(std::string_view component, std::string_view variable,
                                            std::optional<std::string_view> instance, std::optional<int> evse_id,
                                            std::optional<int> connector_id) const {
  const VariableDef* def = schema_->find(component, evse_id, connector_id, variable, instance);
  if (def == nullptr) return std::nullopt;
  return value(*def);
}

std::optional<std::int64_t> DeviceModel::get_int(std::string_view component, std::string_view variable,
                                                 std::optional<std::string_view> instance, std::optional<int> evse_id,
                                                 std::optional<int> connector_id) const {
  const auto v = get(component, variable, instance, evse_id, connector_id);
  return v ? parse_int(*v) : std::nullopt;
}

std::optional<bool> DeviceModel::get_bool(std::string_view component, std::string_view variable,
                                          std::optional<std::string_view> instance, std::optional<int> evse_id,
                                          std::optional<int> connector_id) const {
  const auto v = get(component, variable, instance, evse_id, connector_id);
  return v ? parse_bool(*v) : std::nullopt;
}

std::optional<double> DeviceModel::get_decimal(std::string_view component, std::string_view variable,
                                               std::optional<std::string_view> instance, std::optional<int> evse_id,
                                               std::optional<int> connector_id) const {
  const auto v = get(component, variable, instance, evse_id, connector_id);
  return v ? parse_decimal(*v) : std::nullopt;
}

const std::string& DeviceModel::value(const VariableDef& def) const {
  const auto it = std::find_if(overrides_.begin(), overrides_.end(), [&def](const auto& o) { return o.first == &def; });
  return it == overrides_.end() ? def.default_value : it->second;
}

bool DeviceModel::set_internal(std::string_view component, std::string_view variable, std::string_view value,
                               std::optional<std::string_view> instance, std::optional<int> evse_id,
                               std::optional<int> connector_id) {
  const VariableDef* def = schema_->find(component, evse_id, connector_id, variable, instance);
  return def != nullptr && set_internal(*def, value);
}

bool DeviceModel::set_internal(const VariableDef& def, std::string_view value) {
  auto canonical = canonical_value(def, value);
  if (!canonical) return false;
  store(def, std::move(*canonical));
  return true;
}

SetStatus DeviceModel::set(const VariableDef& def, std::string_view value) {
  if (def.mutability == Mutability::ReadOnly) return SetStatus::ReadOnly;
  ValueError why = ValueError::Invalid;
  auto canonical = canonical_value(def, value, &why);
  if (!canonical) return why == ValueError::OutOfRange ? SetStatus::OutOfRange : SetStatus::InvalidValue;
  store(def, std::move(*canonical));
  return def.reboot_required ? SetStatus::RebootRequired : SetStatus::Accepted;
}

void DeviceModel::store(const VariableDef& def, std::string value) {
  const auto it = std::find_if(overrides_.begin(), overrides_.end(), [&def](const auto& o) { return o.first == &def; });
  if (value == def.default_value) {
    // Back to the default: drop the override so the charger pays nothing for the variable.
    if (it != overrides_.end()) overrides_.erase(it);
    return;
  }
  if (it != overrides_.end()) {
    it->second = std::move(value);
    return;
  }
  // Grow by exactly one: overrides are few, and doubling slack would be paid by every charger.
  overrides_.reserve(overrides_.size() + 1);
  overrides_.emplace_back(&def, std::move(value));
}

} // namespace ocppfleet::v201
