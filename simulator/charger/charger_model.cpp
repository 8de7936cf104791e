#include "simulator/charger/charger_model.hpp"

#include <algorithm>
#include <utility>

namespace ocppfleet::charger {

// OCPP 1.6 StopTransaction "reason" spellings; 2.0.1 adapters map the enum themselves.
std::string_view to_string(StopReason r) {
  switch (r) {
  case StopReason::Local: return "Local";
  case StopReason::Remote: return "Remote";
  case StopReason::EVDisconnected: return "EVDisconnected";
  case StopReason::HardReset: return "HardReset";
  case StopReason::SoftReset: return "SoftReset";
  case StopReason::PowerLoss: return "PowerLoss";
  case StopReason::Reboot: return "Reboot";
  case StopReason::UnlockCommand: return "UnlockCommand";
  case StopReason::DeAuthorized: return "DeAuthorized";
  case StopReason::EmergencyStop: return "EmergencyStop";
  case StopReason::Other: return "Other";
  }
  return "Other"; // only reachable through a cast of an out-of-range value
}

ChargerModel::ChargerModel(ChargerIdentity identity, const std::vector<const ConnectorSpec*>& specs)
    : identity_(std::move(identity)) {
  connectors_.reserve(specs.size());
  int id = 0;
  for (const ConnectorSpec* spec : specs)
    connectors_.emplace_back(++id, *spec);
}

ChargerModel::ChargerModel(ChargerIdentity identity, const ConnectorSpec& spec, int connector_count)
    : identity_(std::move(identity)) {
  const int n = std::max(connector_count, 0);
  connectors_.reserve(static_cast<std::size_t>(n)); // exact size: no growth slack per charger
  for (int id = 1; id <= n; ++id)
    connectors_.emplace_back(id, spec);
}

Connector* ChargerModel::connector(int id) noexcept {
  return id >= 1 && id <= connector_count() ? &connectors_[static_cast<std::size_t>(id - 1)] : nullptr;
}

const Connector* ChargerModel::connector(int id) const noexcept {
  return id >= 1 && id <= connector_count() ? &connectors_[static_cast<std::size_t>(id - 1)] : nullptr;
}

ConnectorStatus ChargerModel::status() const noexcept {
  // An Inoperative request is Scheduled while any transaction runs (1.6 ChangeAvailability
  // on connector 0), so the charger turns Unavailable only when the last one has ended.
  const bool any_transaction = std::any_of(connectors_.begin(), connectors_.end(),
                                           [](const Connector& c) { return c.transaction().has_value(); });
  if (availability_ == Availability::Inoperative && !any_transaction) return ConnectorStatus::Unavailable;
  return ConnectorStatus::Available;
}

AvailabilityChange ChargerModel::request_availability(SteadyTime now, Availability a) {
  availability_ = a;
  bool scheduled = false;
  for (Connector& c : connectors_)
    scheduled |= c.request_availability(now, a) == AvailabilityChange::Scheduled;
  return scheduled ? AvailabilityChange::Scheduled : AvailabilityChange::Accepted;
}

std::string ChargerModel::next_transaction_id() {
  // A counter, not a clock or a random value: unique for the model's life and reproducible
  // in seeded runs.
  return identity_.identity + '-' + std::to_string(++tx_counter_);
}

void ChargerModel::advance(SteadyTime now) {
  for (Connector& c : connectors_)
    c.advance(now);
}

} // namespace ocppfleet::charger
