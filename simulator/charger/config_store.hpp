#pragma once
// Configuration keys of one charger. The key definitions (type, read-only, reboot-required,
// defaults) are a schema shared immutably by every charger of a protocol version/profile;
// a charger stores only the values it changed.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocppfleet::charger {

enum class ConfigValueType { Boolean, Integer, String, CsvList };

struct ConfigKeyDef {
  std::string name;
  ConfigValueType type = ConfigValueType::String;
  std::string default_value;
  bool readonly = false;
  bool reboot_required = false;
  std::int64_t min = INT64_MIN; // Integer only
  std::int64_t max = INT64_MAX; // Integer only
  // CsvList: allowed members (empty = any), e.g. measurands; String: allowed values.
  std::vector<std::string> allowed_members{};
  std::size_t max_length = 500; // 1.6 CiString500
  // Written by the CSMS, never read back (1.6 security whitepaper: AuthorizationKey). The
  // store keeps the value for the charger itself; GetConfiguration leaves it out.
  bool write_only = false;
};

class ConfigSchema {
public:
  explicit ConfigSchema(std::vector<ConfigKeyDef> keys);
  [[nodiscard]] const ConfigKeyDef* find(std::string_view name) const; // case-sensitive, as OCPP
  [[nodiscard]] const std::vector<ConfigKeyDef>& keys() const noexcept { return keys_; }

private:
  std::vector<ConfigKeyDef> keys_;
};

enum class ConfigSetResult { Accepted, RebootRequired, Rejected, NotSupported };

class ConfigStore {
public:
  explicit ConfigStore(const ConfigSchema& schema) : schema_(&schema) {}
  explicit ConfigStore(const ConfigSchema&&) = delete; // the schema must outlive the store

  [[nodiscard]] const ConfigSchema& schema() const noexcept { return *schema_; }
  // nullopt for an unknown key.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  [[nodiscard]] std::optional<std::int64_t> get_int(std::string_view name) const;
  [[nodiscard]] std::optional<bool> get_bool(std::string_view name) const;

  // From the CSMS: unknown -> NotSupported; readonly or invalid value (type, range,
  // members, length) -> Rejected; valid on a reboot-required key -> RebootRequired (value
  // stored); else Accepted. Stored values are canonical: booleans lowercase, integers
  // without leading zeros, CSV members trimmed. Setting a key back to its default frees it.
  ConfigSetResult set(std::string_view name, std::string_view value);
  // Internal write (the charger itself, e.g. HeartbeatInterval from BootNotification):
  // ignores readonly, still validates type. Returns false for unknown/invalid.
  bool set_internal(std::string_view name, std::string_view value);

private:
  void store(const ConfigKeyDef& def, std::string value);

  const ConfigSchema* schema_;
  // Only keys changed from their default, keyed by the shared definition rather than a
  // copy of its name: most key names are too long for the small-string buffer, and this is
  // per-charger memory. Values are stored canonical (see set()).
  std::vector<std::pair<const ConfigKeyDef*, std::string>> overrides_;
};

} // namespace ocppfleet::charger
