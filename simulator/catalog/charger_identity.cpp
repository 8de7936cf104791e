#include "simulator/catalog/charger_identity.hpp"

namespace ocppfleet::catalog {

void apply_profile_identity(const ModelProfile& profile, std::uint64_t fleet_seed, std::uint64_t fleet_index,
                            charger::ChargerIdentity& identity) {
  identity.vendor = profile.identity.vendor;
  identity.model = profile.identity.model;
  identity.firmware_version = profile.identity.firmware_version;
  auto serial = profile.identity.serial_pattern.generate(serial_seed(fleet_seed, profile.identity.slug(), fleet_index),
                                                         fleet_index);
  if (!serial.empty()) identity.serial_number = std::move(serial);
}

} // namespace ocppfleet::catalog
