#include "simulator/ocpp/v201/profile_device_model.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <strings.h>

#include "simulator/core/log.hpp"

namespace ocppfleet::v201 {
namespace {

DataType data_type(catalog::ValueType t) {
  using V = catalog::ValueType;
  switch (t) {
  case V::Boolean: return DataType::Boolean;
  case V::Integer: return DataType::Integer;
  case V::Decimal: return DataType::Decimal;
  case V::OptionList: return DataType::OptionList;
  case V::SequenceList: return DataType::SequenceList;
  case V::Csl:
  case V::MemberList: return DataType::MemberList;
  case V::DateTime: return DataType::DateTime;
  default: return DataType::String;
  }
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ",") + item;
  return out;
}

VariableDef* find(std::vector<VariableDef>& defs, std::string_view component, std::optional<int> evse,
                  std::string_view variable, std::string_view instance) {
  for (auto& d : defs) {
    if (same(d.component, component) && d.evse_id == evse && same(d.variable, variable) &&
        same(d.instance.value_or(""), instance))
      return &d;
  }
  return nullptr;
}

// Sets a default when it is valid for the definition; otherwise keeps the old one.
void set_default(VariableDef& def, std::string_view value, const std::string& where) {
  if (auto canonical = canonical_value(def, value)) {
    def.default_value = std::move(*canonical);
  } else {
    core::logger()->warn("profile {}: value '{}' is not valid for {}.{}; keeping '{}'", where, value, def.component,
                         def.variable, def.default_value);
  }
}

std::vector<VariableDef> build(const catalog::ModelProfile& profile, int evse_count) {
  auto defs = standard_variables(evse_count);
  const std::string where = profile.identity.slug();
  const auto& metering = profile.personality.metering;
  if (auto* d = find(defs, "SampledDataCtrlr", std::nullopt, "TxUpdatedInterval", ""))
    set_default(*d, std::to_string(metering.sample_interval_s), where);
  if (!metering.measurands.empty()) {
    if (auto* d = find(defs, "SampledDataCtrlr", std::nullopt, "TxUpdatedMeasurands", ""))
      set_default(*d, join(metering.measurands), where);
  }
  for (int evse = 1; evse <= evse_count; ++evse) {
    const auto* connector = profile.hardware.connector(evse);
    auto* d = find(defs, "Connector", evse, "ConnectorType", "");
    if (connector != nullptr && d != nullptr) d->default_value = connector->ocpp201_connector_type();
  }
  for (const auto& v : profile.personality.variables_201) {
    if (!v.instance.empty()) continue; // component instances are not modelled (UnknownComponent)
    VariableDef* def = find(defs, v.component, v.evse, v.variable, v.variable_instance);
    if (def == nullptr) {
      VariableDef added;
      added.component = v.component;
      added.evse_id = v.evse;
      added.variable = v.variable;
      if (!v.variable_instance.empty()) added.instance = v.variable_instance;
      added.type = data_type(v.type);
      added.mutability = v.readonly ? Mutability::ReadOnly : Mutability::ReadWrite;
      added.values_list = v.allowed;
      if (!canonical_value(added, v.default_value)) {
        core::logger()->warn("profile {}: default '{}' of {}.{} does not fit its type; variable left out", where,
                             v.default_value, v.component, v.variable);
        continue;
      }
      added.default_value = *canonical_value(added, v.default_value);
      defs.push_back(std::move(added));
      continue;
    }
    if (!v.allowed.empty()) def->values_list = v.allowed;
    if (v.readonly) def->mutability = Mutability::ReadOnly;
    set_default(*def, v.default_value, where);
  }
  return defs;
}

} // namespace

const DeviceModelSchema& device_model_for(const catalog::ModelProfile& profile, int evse_count) {
  static std::mutex mutex;
  static std::map<std::pair<const catalog::ModelProfile*, int>, std::unique_ptr<const DeviceModelSchema>> cache;
  const std::lock_guard lock{mutex};
  auto& slot = cache[{&profile, evse_count}];
  if (!slot) {
    try {
      slot = std::make_unique<const DeviceModelSchema>(build(profile, evse_count));
    } catch (const std::exception& e) {
      core::logger()->warn("profile {}: device model rejected ({}); using the standard one", profile.identity.slug(),
                           e.what());
      slot = std::make_unique<const DeviceModelSchema>(standard_variables(evse_count));
    }
  }
  return *slot;
}

} // namespace ocppfleet::v201
