#pragma once
// The 1.6 configuration of a brand/model profile: the Core keys with the profile's defaults,
// read-only flags and allowed values laid over them, plus the vendor's own keys, and the
// profile's measurands and sample interval as the defaults of MeterValuesSampledData and
// MeterValueSampleInterval. Built once per profile and shared by every charger of the model
// (a charger still stores only the values it changed).
#include "simulator/catalog/profile.hpp"
#include "simulator/charger/config_store.hpp"

namespace ocppfleet::v16 {

// Cached per profile (thread-safe); the reference lives as long as the process.
const charger::ConfigSchema& config_schema_for(const catalog::ModelProfile& profile);

} // namespace ocppfleet::v16
