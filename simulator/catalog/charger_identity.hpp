#pragma once
// What a charger of a brand/model says about itself at boot: vendor, model and firmware
// strings from its profile and a serial number from the profile's pattern, seeded by the
// fleet seed and the charger's fleet index (same seed, same serials).
#include <cstdint>

#include "simulator/catalog/profile.hpp"
#include "simulator/charger/charger_model.hpp"

namespace ocppfleet::catalog {

// Fills vendor, model, firmware_version and (when the pattern is not empty) serial_number;
// leaves identity.identity as it is.
void apply_profile_identity(const ModelProfile& profile, std::uint64_t fleet_seed, std::uint64_t fleet_index,
                            charger::ChargerIdentity& identity);

} // namespace ocppfleet::catalog
