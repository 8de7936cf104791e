#pragma once
#include "simulator/charger/config_store.hpp"

namespace ocppfleet::v16 {

// The OCPP 1.6 Core profile configuration keys (spec §9.1) this simulator implements,
// with their types, mutability and defaults. One immutable instance shared by every
// 1.6 charger.
const charger::ConfigSchema& core_config_schema();

// Measurands a charger can sample (MeterValuesSampledData members).
inline constexpr const char* kDefaultMeasurands =
    "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC";

} // namespace ocppfleet::v16
