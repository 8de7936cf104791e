#include "simulator/ocpp/v16/profile_config.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "simulator/ocpp/v16/config_keys.hpp"

namespace ocppfleet::v16 {
namespace {

charger::ConfigValueType config_type(catalog::ValueType t) {
  using V = catalog::ValueType;
  using T = charger::ConfigValueType;
  switch (t) {
  case V::Boolean: return T::Boolean;
  case V::Integer: return T::Integer;
  case V::Csl:
  case V::MemberList:
  case V::SequenceList: return T::CsvList;
  default: return T::String;
  }
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<charger::ConfigKeyDef> build(const catalog::ModelProfile& profile) {
  std::vector<charger::ConfigKeyDef> keys = core_config_schema().keys();
  const auto find = [&keys](const std::string& name) -> charger::ConfigKeyDef* {
    for (auto& k : keys)
      if (k.name == name) return &k;
    return nullptr;
  };
  const auto& metering = profile.personality.metering;
  if (!metering.measurands.empty()) find("MeterValuesSampledData")->default_value = join(metering.measurands);
  find("MeterValueSampleInterval")->default_value = std::to_string(metering.sample_interval_s);
  find("ClockAlignedDataInterval")->default_value = std::to_string(metering.clock_aligned_interval_s);
  for (const auto& key : profile.personality.config_keys_16) {
    charger::ConfigKeyDef* def = find(key.name);
    if (def == nullptr) {
      // A vendor key: typed as the profile says, no range.
      keys.push_back(charger::ConfigKeyDef{key.name, config_type(key.type), key.default_value, key.readonly, false});
      def = &keys.back();
    } else {
      def->default_value = key.default_value;
      def->readonly = key.readonly;
    }
    def->write_only = is_write_only_key(key.name);
    if (!key.allowed.empty()) {
      if (def->type == charger::ConfigValueType::CsvList) {
        def->allowed_members = key.allowed;
      } else if (def->type == charger::ConfigValueType::String) {
        def->allowed_members = key.allowed; // one of these values
      }
    }
  }
  return keys;
}

} // namespace

const charger::ConfigSchema& config_schema_for(const catalog::ModelProfile& profile) {
  static std::mutex mutex;
  static std::map<const catalog::ModelProfile*, std::unique_ptr<const charger::ConfigSchema>> cache;
  const std::lock_guard lock{mutex};
  auto& slot = cache[&profile];
  if (!slot) slot = std::make_unique<const charger::ConfigSchema>(build(profile));
  return *slot;
}

} // namespace ocppfleet::v16
