#pragma once
// Energy readings out of MeterValues / TransactionEvent meterValue arrays: the last
// Energy.Active.Import.Register total (no phase) in Wh. Lenient on purpose: a sample we
// cannot read is skipped, the frame is still answered (the schema check is the peer's job).
#include <nlohmann/json.hpp>

#include <optional>

namespace ocppfleet::csms::detail {

// 1.6: sampledValue.value is a decimal string; unit "Wh" (default) or "kWh"; a missing
// measurand means Energy.Active.Import.Register.
std::optional<double> energy_register_wh_v16(const nlohmann::json& meter_values);
// 2.0.1: value is a number; unitOfMeasure {unit "Wh" (default) | "kWh", multiplier (10^n)}.
std::optional<double> energy_register_wh_v201(const nlohmann::json& meter_values);

} // namespace ocppfleet::csms::detail
