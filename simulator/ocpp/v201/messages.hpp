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
// IdTokenType for a local idTag (an RFID card).
Json local_id_token(std::string_view id_tag);
// A 2.0.1 transactionId (at most 36 characters) from our local id: kept when it fits,
// else a stable compact form (hash of the charger's identity + counter).
std::string transaction_id_for(std::string_view local_id);

} // namespace ocppfleet::v201
