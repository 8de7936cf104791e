#include "simulator/ocpp/v16/config_keys.hpp"

namespace ocppfleet::v16 {

bool is_write_only_key(std::string_view name) { return name == "AuthorizationKey"; }

const charger::ConfigSchema& core_config_schema() {
  using charger::ConfigKeyDef;
  using T = charger::ConfigValueType;
  static const charger::ConfigSchema schema{std::vector<ConfigKeyDef>{
      // name, type, default, readonly, reboot_required, min, max, allowed members
      {"AllowOfflineTxForUnknownId", T::Boolean, "false", false, false},
      {"AuthorizationCacheEnabled", T::Boolean, "false", false, false},
      {"AuthorizeRemoteTxRequests", T::Boolean, "true", false, false},
      {"ClockAlignedDataInterval", T::Integer, "0", false, false, 0, 86'400},
      {"ConnectionTimeOut", T::Integer, "60", false, false, 0, 3600},
      {"ConnectorPhaseRotation", T::CsvList, "0.RST", false, false},
      {"GetConfigurationMaxKeys", T::Integer, "100", true, false},
      {"HeartbeatInterval", T::Integer, "300", false, false, 0, 86'400},
      {"LocalAuthorizeOffline", T::Boolean, "true", false, false},
      {"LocalPreAuthorize", T::Boolean, "false", false, false},
      {"MeterValuesAlignedData",
       T::CsvList,
       "Energy.Active.Import.Register",
       false,
       false,
       INT64_MIN,
       INT64_MAX,
       {"Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage", "SoC"}},
      {"MeterValuesSampledData",
       T::CsvList,
       kDefaultMeasurands,
       false,
       false,
       INT64_MIN,
       INT64_MAX,
       {"Energy.Active.Import.Register", "Power.Active.Import", "Current.Import", "Voltage", "SoC"}},
      {"MeterValueSampleInterval", T::Integer, "60", false, false, 0, 86'400},
      {"NumberOfConnectors", T::Integer, "1", true, false},
      {"ResetRetries", T::Integer, "3", false, false, 0, 100},
      {"StopTransactionOnEVSideDisconnect", T::Boolean, "true", false, false},
      {"StopTransactionOnInvalidId", T::Boolean, "true", false, false},
      {"StopTxnAlignedData", T::CsvList, "", false, false},
      {"StopTxnSampledData", T::CsvList, "Energy.Active.Import.Register", false, false},
      {"SupportedFeatureProfiles", T::CsvList, "Core,RemoteTrigger", true, false},
      {"TransactionMessageAttempts", T::Integer, "3", false, false, 0, 100},
      {"TransactionMessageRetryInterval", T::Integer, "10", false, false, 0, 3600},
      {"UnlockConnectorOnEVSideDisconnect", T::Boolean, "true", false, false},
      // Changing the WebSocket ping interval only takes effect on the next connection.
      {"WebSocketPingInterval", T::Integer, "30", false, true, 0, 3600},
  }};
  return schema;
}

} // namespace ocppfleet::v16
