#pragma once
// Builders for the 2.0.1 messages a charging station sends. String lengths are clipped to
// the 2.0.1 schema limits here, so a long identity or vendor string never yields an
// invalid frame. One connector per EVSE: the charger model's connector n is EVSE n,
// connector 1.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/charger/charger_model.hpp"

namespace ocppfleet::v201 {

// The register every transaction start/end reading carries (the meter's main value).
inline constexpr const char* kEnergyRegister = "Energy.Active.Import.Register";

using Json = nlohmann::json;
using WallTime = std::chrono::system_clock::time_point;

// BootReasonEnumType: "PowerUp", "RemoteReset", "Triggered", ...
Json boot_notification_request(const charger::ChargerIdentity& identity, std::string_view reason);
// ConnectorStatusEnumType from the neutral status: Available, Occupied, Reserved,
// Unavailable, Faulted.
std::string_view connector_status(charger::ConnectorStatus status);
Json status_notification_request(int evse_id, int connector_id, charger::ConnectorStatus status, WallTime at);
// ChargingStateEnumType of a connector with a transaction: Charging, SuspendedEV,
// SuspendedEVSE, EVConnected (plugged, no energy flowing), Idle (unplugged).
std::string_view charging_state(const charger::Connector& c);
// One MeterValueType with a sampledValue per measurand in the CSV list that applies
// (SoC only for DC with an EV plugged); the energy register when none applies.
Json meter_value(const charger::Connector& c, std::string_view measurands_csv, std::string_view context, WallTime at);
Json meter_values_request(const charger::Connector& c, std::string_view measurands_csv, std::string_view context,
                          WallTime at);
// ReasonEnumType for TransactionEvent Ended.
std::string_view stopped_reason(charger::StopReason reason);
// IdTokenEnumType from the tag's form, because real CSMSs check it: 8 or 14 hex digits is
// an ISO 14443 card UID (4 or 7 bytes), 16 hex digits ISO 15693, an eMAID-shaped id
// (country, provider, instance: "FRABC123456789" or "FR-ABC-123456789") eMAID, anything
// else Local (an id the station made up).
std::string_view id_token_type_for(std::string_view id_tag);
// IdTokenType for a local idTag: the tag (at most 36 characters) and its type.
Json local_id_token(std::string_view id_tag);
// A 2.0.1 transactionId (at most 36 characters) from our local id: kept when it fits,
// else a stable compact form (hash of the charger's identity + counter).
std::string transaction_id_for(std::string_view local_id);

} // namespace ocppfleet::v201
