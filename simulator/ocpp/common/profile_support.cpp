#include "simulator/ocpp/common/charge_point_base.hpp"

#include <cmath>

#include "simulator/core/prng.hpp"

namespace ocppfleet::ocpp {

charger::EvSpec ev_for_session(const ChargePointOptions& options, int connector_id, std::uint64_t session) {
  if (options.evs == nullptr) return charger::EvSpec{};
  std::string_view type;
  if (options.profile != nullptr) {
    if (const auto* c = options.profile->hardware.connector(connector_id)) type = c->type;
  }
  const auto seed = catalog::ev_seed(options.seed, options.fleet_index, connector_id, session);
  if (auto picked = options.evs->session(seed, type)) return picked->spec;
  return charger::EvSpec{}; // no EV in the catalogue fits this connector
}

HardwareDelays hardware_delays(const ChargePointOptions& options) {
  if (options.profile == nullptr) return {};
  const auto& d = options.profile->personality.delays;
  using ms = std::chrono::milliseconds;
  return HardwareDelays{ms{d.boot_to_status_ms}, ms{d.authorize_to_start_ms}, ms{d.start_to_charging_ms}};
}

std::optional<FaultEvent> next_fault(const ChargePointOptions& options, std::string_view identity, int connectors,
                                     std::uint32_t n) {
  if (options.profile == nullptr || connectors <= 0) return std::nullopt;
  const auto& faults = options.profile->personality.faults;
  const double rate = faults.rate_per_hour * connectors;
  if (!(rate > 0) || faults.error_codes.empty()) return std::nullopt;
  core::Prng prng{core::derive_seed(options.seed, "fault/" + std::string{identity} + "/" + std::to_string(n))};
  // Exponential gap of a Poisson process, from our own PRNG (never std:: distributions).
  const double hours = -std::log(1.0 - prng.unit()) / rate;
  const double capped_ms =
      std::min(hours * 3'600'000.0, 1e11); // beyond ~3 years is "never" (and keeps time_point math safe)
  FaultEvent e;
  e.after = std::chrono::milliseconds{static_cast<std::int64_t>(capped_ms)};
  e.connector_id = static_cast<int>(prng.between(1, connectors));
  e.error_code = faults.error_codes[prng.below(faults.error_codes.size())];
  e.lasts = std::chrono::milliseconds{prng.between(30'000, 300'000)};
  return e;
}

charger::ChargerModel build_charger_model(charger::ChargerIdentity identity, const charger::ConnectorSpec& fallback,
                                          int count, const ChargePointOptions& options) {
  if (options.profile == nullptr) return charger::ChargerModel{std::move(identity), fallback, count};
  std::vector<const charger::ConnectorSpec*> specs;
  for (const auto& evse : options.profile->hardware.evses)
    for (const auto& c : evse.connectors)
      specs.push_back(&c.spec);
  return charger::ChargerModel{std::move(identity), specs};
}

namespace {

// Every action a CSMS may send in each version (the spec's CSMS-initiated messages, 1.6
// with the security whitepaper's): recognised, so a profile can leave them out.
constexpr std::string_view kCsmsActions16[] = {"CancelReservation",
                                               "CertificateSigned",
                                               "ChangeAvailability",
                                               "ChangeConfiguration",
                                               "ClearCache",
                                               "ClearChargingProfile",
                                               "DataTransfer",
                                               "DeleteCertificate",
                                               "ExtendedTriggerMessage",
                                               "GetCompositeSchedule",
                                               "GetConfiguration",
                                               "GetDiagnostics",
                                               "GetInstalledCertificateIds",
                                               "GetLocalListVersion",
                                               "GetLog",
                                               "InstallCertificate",
                                               "RemoteStartTransaction",
                                               "RemoteStopTransaction",
                                               "ReserveNow",
                                               "Reset",
                                               "SendLocalList",
                                               "SetChargingProfile",
                                               "SignedUpdateFirmware",
                                               "TriggerMessage",
                                               "UnlockConnector",
                                               "UpdateFirmware"};
constexpr std::string_view kCsmsActions201[] = {"CancelReservation",
                                                "CertificateSigned",
                                                "ChangeAvailability",
                                                "ClearCache",
                                                "ClearChargingProfile",
                                                "ClearDisplayMessage",
                                                "ClearVariableMonitoring",
                                                "CostUpdated",
                                                "CustomerInformation",
                                                "DataTransfer",
                                                "DeleteCertificate",
                                                "GetBaseReport",
                                                "GetCertificateStatus",
                                                "GetChargingProfiles",
                                                "GetCompositeSchedule",
                                                "GetDisplayMessages",
                                                "GetInstalledCertificateIds",
                                                "GetLocalListVersion",
                                                "GetLog",
                                                "GetMonitoringReport",
                                                "GetReport",
                                                "GetTransactionStatus",
                                                "GetVariables",
                                                "InstallCertificate",
                                                "PublishFirmware",
                                                "RequestStartTransaction",
                                                "RequestStopTransaction",
                                                "ReserveNow",
                                                "Reset",
                                                "SendLocalList",
                                                "SetChargingProfile",
                                                "SetDisplayMessage",
                                                "SetMonitoringBase",
                                                "SetMonitoringLevel",
                                                "SetNetworkProfile",
                                                "SetVariableMonitoring",
                                                "SetVariables",
                                                "TriggerMessage",
                                                "UnlockConnector",
                                                "UnpublishFirmware",
                                                "UpdateFirmware"};

} // namespace

bool is_csms_action(ProtocolVersion version, std::string_view action) {
  if (version == ProtocolVersion::V16) {
    for (const auto a : kCsmsActions16)
      if (a == action) return true;
    return false;
  }
  for (const auto a : kCsmsActions201)
    if (a == action) return true;
  return false;
}

bool action_disabled(const ChargePointOptions& options, ProtocolVersion version, std::string_view action) {
  if (options.profile == nullptr || !is_csms_action(version, action)) return false;
  const auto& personality = options.profile->personality;
  return version == ProtocolVersion::V16 ? !personality.supports_16(action) : !personality.supports_201(action);
}

std::optional<std::string> not_supported_reason(const ChargePointOptions& options, ProtocolVersion version,
                                                std::string_view action, bool implemented) {
  if (action_disabled(options, version, action)) return std::string{action} + " is not supported by this charger model";
  if (!implemented && is_csms_action(version, action))
    return std::string{action} + " is not supported by this simulated charger";
  return std::nullopt;
}

} // namespace ocppfleet::ocpp
