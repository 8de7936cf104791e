#pragma once
// The OCPP 2.0.1 device model of one charging station. Same split as the 1.6 config store
// (simulator/charger/config_store.hpp): the component/variable definitions are an immutable
// schema built once and shared by every charger with the same topology; a charger keeps only
// the values that differ from the defaults, so an idle charger pays a pointer and an empty
// vector for its whole device model.
//
// Only the Actual attribute exists here: Target/MinSet/MaxSet are answered
// NotSupportedAttributeType by the request layer (variable_requests.hpp). Names match
// case-insensitively, as the 2.0.1 ComponentType/VariableType definitions require.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocppfleet::v201 {

enum class Mutability : std::uint8_t { ReadOnly, WriteOnly, ReadWrite };
enum class AttributeType : std::uint8_t { Actual, Target, MinSet, MaxSet };
enum class DataType : std::uint8_t {
  String,
  Decimal,
  Integer,
  DateTime,
  Boolean,
  OptionList,
  SequenceList,
  MemberList
};

// Wire spellings (MutabilityEnumType, AttributeEnumType, DataEnumType).
std::string_view to_string(Mutability m);
std::string_view to_string(AttributeType a);
std::string_view to_string(DataType t);
std::optional<AttributeType> attribute_type_from_string(std::string_view s);

struct VariableDef {
  std::string component{};
  std::optional<int> evse_id{};      // set for components on an EVSE (EVSE, Connector)
  std::optional<int> connector_id{}; // set for components on a connector
  std::string variable{};
  std::optional<std::string> instance{}; // variable instance, e.g. "Default", "GetReport"
  DataType type = DataType::String;
  Mutability mutability = Mutability::ReadWrite;
  std::string default_value{}; // canonical (the schema constructor checks it)
  bool reboot_required = false;
  std::optional<double> min{}; // Integer/Decimal range
  std::optional<double> max{};
  // OptionList: the allowed values; MemberList/SequenceList: the allowed members (empty = any).
  std::vector<std::string> values_list{};
  std::size_t max_length = 1000; // characters of the value, any type
  std::optional<std::string> unit{};
  bool persistent = true; // reported in NotifyReport; configuration survives reboot, state does not
  bool constant = false;  // never changed by the station at runtime
};

// Why a value is refused (reported as attributeStatusInfo.reasonCode).
enum class ValueError : std::uint8_t { Invalid, OutOfRange };

// The value as it would be stored (booleans lowercase, integers without leading zeros or '+',
// decimals in shortest round-trip form, list members trimmed and spelled as in values_list),
// or nullopt when `value` is not valid for `def` (then *why says which rule failed).
std::optional<std::string> canonical_value(const VariableDef& def, std::string_view value, ValueError* why = nullptr);

class DeviceModelSchema {
public:
  // Throws std::invalid_argument for a duplicate (component, evse, connector, variable,
  // instance), an invalid default, or limits the 2.0.1 messages cannot carry (valuesList over
  // 1000 characters, values over 2500, unit over 16, names over 50).
  explicit DeviceModelSchema(std::vector<VariableDef> defs);

  // Exact (case-insensitive) match; an absent evse/connector/instance matches only an absent one.
  [[nodiscard]] const VariableDef* find(std::string_view component, std::optional<int> evse_id,
                                        std::optional<int> connector_id, std::string_view variable,
                                        std::optional<std::string_view> instance = std::nullopt) const;
  // Whether the component exists at that location (to tell UnknownComponent from UnknownVariable).
  [[nodiscard]] bool has_component(std::string_view component, std::optional<int> evse_id,
                                   std::optional<int> connector_id) const;
  // In construction order: the order of a full report.
  [[nodiscard]] const std::vector<VariableDef>& variables() const noexcept { return defs_; }

private:
  std::vector<VariableDef> defs_;
};

// The standard controller components plus, for each EVSE 1..evse_count, an EVSE component and
// its connector 1 (standard_variables.cpp).
std::vector<VariableDef> standard_variables(int evse_count);
// Built once per evse_count and cached for the process lifetime (thread-safe); the returned
// reference never dangles. Throws std::invalid_argument unless 0 <= evse_count <= kMaxEvses.
const DeviceModelSchema& standard_device_model(int evse_count);
inline constexpr int kMaxEvses = 128;

// Outcome of a write from the CSMS.
enum class SetStatus : std::uint8_t { Accepted, RebootRequired, ReadOnly, InvalidValue, OutOfRange };

class DeviceModel {
public:
  explicit DeviceModel(const DeviceModelSchema& schema) noexcept : schema_(&schema) {}
  explicit DeviceModel(const DeviceModelSchema&&) = delete; // the schema must outlive the model

  [[nodiscard]] const DeviceModelSchema& schema() const noexcept { return *schema_; }

  // nullopt for an unknown variable. Returns WriteOnly values too: the station itself needs
  // e.g. BasicAuthPassword; hiding them from the CSMS is the request layer's job.
  [[nodiscard]] std::optional<std::string> get(std::string_view component, std::string_view variable,
                                               std::optional<std::string_view> instance = std::nullopt,
                                               std::optional<int> evse_id = std::nullopt,
                                               std::optional<int> connector_id = std::nullopt) const;
  [[nodiscard]] std::optional<std::int64_t> get_int(std::string_view component, std::string_view variable,
                                                    std::optional<std::string_view> instance = std::nullopt,
                                                    std::optional<int> evse_id = std::nullopt,
                                                    std::optional<int> connector_id = std::nullopt) const;
  [[nodiscard]] std::optional<bool> get_bool(std::string_view component, std::string_view variable,
                                             std::optional<std::string_view> instance = std::nullopt,
                                             std::optional<int> evse_id = std::nullopt,
                                             std::optional<int> connector_id = std::nullopt) const;
  [[nodiscard]] std::optional<double> get_decimal(std::string_view component, std::string_view variable,
                                                  std::optional<std::string_view> instance = std::nullopt,
                                                  std::optional<int> evse_id = std::nullopt,
                                                  std::optional<int> connector_id = std::nullopt) const;
  // Current value of a definition of this model's schema.
  [[nodiscard]] const std::string& value(const VariableDef& def) const;

  // The station's own write (e.g. AvailabilityState, SecurityProfile, the interval from
  // BootNotification): ignores mutability, still validates. False for unknown/invalid.
  bool set_internal(std::string_view component, std::string_view variable, std::string_view value,
                    std::optional<std::string_view> instance = std::nullopt, std::optional<int> evse_id = std::nullopt,
                    std::optional<int> connector_id = std::nullopt);
  bool set_internal(const VariableDef& def, std::string_view value);

  // A write from the CSMS (SetVariables): ReadOnly for a read-only variable, InvalidValue /
  // OutOfRange for a bad value (nothing stored); else the canonical value is stored and the
  // result is RebootRequired for a reboot-required variable, Accepted otherwise.
  SetStatus set(const VariableDef& def, std::string_view value);

  // Values held apart from the shared defaults (the per-charger cost).
  [[nodiscard]] std::size_t override_count() const noexcept { return overrides_.size(); }

private:
  void store(const VariableDef& def, std::string value);

  const DeviceModelSchema* schema_;
  // Keyed by the shared definition, not a copy of its names; a value equal to the default is
  // never kept (see store()).
  std::vector<std::pair<const VariableDef*, std::string>> overrides_;
};

} // namespace ocppfleet::v201
