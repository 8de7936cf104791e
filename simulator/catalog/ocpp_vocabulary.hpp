#pragma once
// The closed sets of names a profile may use (action names per OCPP version, measurands,
// error codes, connector statuses and types), so that a typo in a profile is a load error
// instead of a charger that silently never sends what the profile promised.
#include <optional>
#include <span>
#include <string_view>

#include "simulator/charger/connector_status.hpp"

namespace ocppfleet::catalog {

// Every OCPP 1.6-J action (with the 1.6 security extension) and every 2.0.1 action, as in
// ../shared/ocpp-schemas.
std::span<const std::string_view> ocpp16_actions();
std::span<const std::string_view> ocpp201_actions();
// 1.6 Measurand values (2.0.1 uses the same names).
std::span<const std::string_view> measurands();
// 1.6 ChargePointErrorCode values except NoError: what a fault model may raise.
std::span<const std::string_view> fault_error_codes();
// Connector type slugs a profile may give: Type1, Type2, CCS1, CCS2, CHAdeMO, GBT.
std::span<const std::string_view> connector_types();

bool contains(std::span<const std::string_view> set, std::string_view name);

// "Preparing" -> ConnectorStatus::Preparing (the 1.6 ChargePointStatus spellings).
std::optional<charger::ConnectorStatus> parse_connector_status(std::string_view name);

} // namespace ocppfleet::catalog
