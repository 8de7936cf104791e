#pragma once
// Builders for the 1.6 messages a charge point sends. Field lengths are clipped to the
// 1.6 schema limits here, so a long identity or vendor string never yields an invalid frame.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/charger/charger_model.hpp"

namespace ocppfleet::v16 {

using Json = nlohmann::json;
using WallTime = std::chrono::system_clock::time_point;

Json boot_notification_payload(const charger::ChargerIdentity& identity);
Json status_notification_payload(int connector_id, charger::ConnectorStatus status, std::string_view error_code,
                                 WallTime at);
// One MeterValue with a sampledValue per measurand in the CSV list that applies to the
// connector (SoC only for DC with an EV plugged).
Json meter_value_entry(const charger::Connector& c, std::string_view measurands_csv, std::string_view context,
                       WallTime at);
Json meter_values_payload(const charger::Connector& c, std::optional<std::int64_t> transaction_id,
                          std::string_view measurands_csv, std::string_view context, WallTime at);
// StopTransaction without transactionId (the caller adds it once known).
Json stop_transaction_payload(const charger::Transaction& tx, const charger::Connector& c, charger::StopReason reason,
                              std::string_view measurands_csv, WallTime at);

// 1.6 ChargePointErrorCode values; others are mapped to "OtherError".
bool is_v16_error_code(std::string_view code);

} // namespace ocppfleet::v16
