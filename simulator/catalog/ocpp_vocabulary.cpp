#include "simulator/catalog/ocpp_vocabulary.hpp"

#include <algorithm>
#include <array>

namespace ocppfleet::catalog {
namespace {

using namespace std::string_view_literals;

constexpr std::array v16_actions{
    "Authorize"sv,
    "BootNotification"sv,
    "CancelReservation"sv,
    "CertificateSigned"sv,
    "ChangeAvailability"sv,
    "ChangeConfiguration"sv,
    "ClearCache"sv,
    "ClearChargingProfile"sv,
    "DataTransfer"sv,
    "DeleteCertificate"sv,
    "DiagnosticsStatusNotification"sv,
    "ExtendedTriggerMessage"sv,
    "FirmwareStatusNotification"sv,
    "GetCompositeSchedule"sv,
    "GetConfiguration"sv,
    "GetDiagnostics"sv,
    "GetInstalledCertificateIds"sv,
    "GetLocalListVersion"sv,
    "GetLog"sv,
    "Heartbeat"sv,
    "InstallCertificate"sv,
    "LogStatusNotification"sv,
    "MeterValues"sv,
    "RemoteStartTransaction"sv,
    "RemoteStopTransaction"sv,
    "ReserveNow"sv,
    "Reset"sv,
    "SecurityEventNotification"sv,
    "SendLocalList"sv,
    "SetChargingProfile"sv,
    "SignCertificate"sv,
    "SignedFirmwareStatusNotification"sv,
    "SignedUpdateFirmware"sv,
    "StartTransaction"sv,
    "StatusNotification"sv,
    "StopTransaction"sv,
    "TriggerMessage"sv,
    "UnlockConnector"sv,
    "UpdateFirmware"sv,
};

constexpr std::array v201_actions{
    "Authorize"sv,
    "BootNotification"sv,
    "CancelReservation"sv,
    "CertificateSigned"sv,
    "ChangeAvailability"sv,
    "ClearCache"sv,
    "ClearChargingProfile"sv,
    "ClearDisplayMessage"sv,
    "ClearVariableMonitoring"sv,
    "ClearedChargingLimit"sv,
    "CostUpdated"sv,
    "CustomerInformation"sv,
    "DataTransfer"sv,
    "DeleteCertificate"sv,
    "FirmwareStatusNotification"sv,
    "Get15118EVCertificate"sv,
    "GetBaseReport"sv,
    "GetCertificateStatus"sv,
    "GetChargingProfiles"sv,
    "GetCompositeSchedule"sv,
    "GetDisplayMessages"sv,
    "GetInstalledCertificateIds"sv,
    "GetLocalListVersion"sv,
    "GetLog"sv,
    "GetMonitoringReport"sv,
    "GetReport"sv,
    "GetTransactionStatus"sv,
    "GetVariables"sv,
    "Heartbeat"sv,
    "InstallCertificate"sv,
    "LogStatusNotification"sv,
    "MeterValues"sv,
    "NotifyChargingLimit"sv,
    "NotifyCustomerInformation"sv,
    "NotifyDisplayMessages"sv,
    "NotifyEVChargingNeeds"sv,
    "NotifyEVChargingSchedule"sv,
    "NotifyEvent"sv,
    "NotifyMonitoringReport"sv,
    "NotifyReport"sv,
    "PublishFirmware"sv,
    "PublishFirmwareStatusNotification"sv,
    "ReportChargingProfiles"sv,
    "RequestStartTransaction"sv,
    "RequestStopTransaction"sv,
    "ReservationStatusUpdate"sv,
    "ReserveNow"sv,
    "Reset"sv,
    "SecurityEventNotification"sv,
    "SendLocalList"sv,
    "SetChargingProfile"sv,
    "SetDisplayMessage"sv,
    "SetMonitoringBase"sv,
    "SetMonitoringLevel"sv,
    "SetNetworkProfile"sv,
    "SetVariableMonitoring"sv,
    "SetVariables"sv,
    "SignCertificate"sv,
    "StatusNotification"sv,
    "TransactionEvent"sv,
    "TriggerMessage"sv,
    "UnlockConnector"sv,
    "UnpublishFirmware"sv,
    "UpdateFirmware"sv,
};

constexpr std::array measurand_names{
    "Energy.Active.Export.Register"sv,
    "Energy.Active.Import.Register"sv,
    "Energy.Reactive.Export.Register"sv,
    "Energy.Reactive.Import.Register"sv,
    "Energy.Active.Export.Interval"sv,
    "Energy.Active.Import.Interval"sv,
    "Energy.Reactive.Export.Interval"sv,
    "Energy.Reactive.Import.Interval"sv,
    "Power.Active.Export"sv,
    "Power.Active.Import"sv,
    "Power.Offered"sv,
    "Power.Reactive.Export"sv,
    "Power.Reactive.Import"sv,
    "Power.Factor"sv,
    "Current.Import"sv,
    "Current.Export"sv,
    "Current.Offered"sv,
    "Voltage"sv,
    "Frequency"sv,
    "Temperature"sv,
    "SoC"sv,
    "RPM"sv,
};

constexpr std::array error_codes{
    "ConnectorLockFailure"sv, "EVCommunicationError"sv, "GroundFailure"sv, "HighTemperature"sv,
    "InternalError"sv,        "LocalListConflict"sv,    "OtherError"sv,    "OverCurrentFailure"sv,
    "PowerMeterFailure"sv,    "PowerSwitchFailure"sv,   "ReaderFailure"sv, "ResetFailure"sv,
    "UnderVoltage"sv,         "OverVoltage"sv,          "WeakSignal"sv,
};

constexpr std::array connector_type_slugs{"Type1"sv, "Type2"sv, "CCS1"sv, "CCS2"sv, "CHAdeMO"sv, "GBT"sv};

constexpr std::array<std::pair<std::string_view, charger::ConnectorStatus>, 9> statuses{{
    {"Available", charger::ConnectorStatus::Available},
    {"Preparing", charger::ConnectorStatus::Preparing},
    {"Charging", charger::ConnectorStatus::Charging},
    {"SuspendedEV", charger::ConnectorStatus::SuspendedEV},
    {"SuspendedEVSE", charger::ConnectorStatus::SuspendedEVSE},
    {"Finishing", charger::ConnectorStatus::Finishing},
    {"Reserved", charger::ConnectorStatus::Reserved},
    {"Unavailable", charger::ConnectorStatus::Unavailable},
    {"Faulted", charger::ConnectorStatus::Faulted},
}};

} // namespace

std::span<const std::string_view> ocpp16_actions() { return v16_actions; }
std::span<const std::string_view> ocpp201_actions() { return v201_actions; }
std::span<const std::string_view> measurands() { return measurand_names; }
std::span<const std::string_view> fault_error_codes() { return error_codes; }
std::span<const std::string_view> connector_types() { return connector_type_slugs; }

bool contains(std::span<const std::string_view> set, std::string_view name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

std::optional<charger::ConnectorStatus> parse_connector_status(std::string_view name) {
  for (const auto& [text, status] : statuses)
    if (text == name) return status;
  return std::nullopt;
}

} // namespace ocppfleet::catalog
