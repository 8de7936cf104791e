#pragma once
#include <string_view>

#include "simulator/charger/config_store.hpp"

namespace ocppfleet::v16 {

// The OCPP 1.6 Core profile configuration keys (spec §9.1) this simulator implements,
// with their types, mutability and defaults. One immutable instance shared by every
// 1.6 charger.
const charger::ConfigSchema& core_config_schema();

// Keys a CSMS may write but never read back. The OCPP 1.6 security whitepaper (edition 2/3,
// configuration keys) makes AuthorizationKey, the Basic auth password, write-only "so that it
// cannot be accidentally stored in plaintext by the Central System when it reads out all
// configuration keys".
bool is_write_only_key(std::string_view name);

// Measurands a charger can sample (MeterValuesSampledData members).
inline constexpr const char* kDefaultMeasurands =
    "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage,SoC";

} // namespace ocppfleet::v16
