#include "simulator/ocpp/common/transaction_tally.hpp"

#include "simulator/ocpp/common/start_rejection.hpp"

namespace ocppfleet::ocpp {

static_assert(kStartRejectionCount <= core::FleetCounters::kStartRejectionKinds);

TransactionTally::~TransactionTally() {
  if (held_ != 0) core::bump(counters_.in_transaction, -held_);
}

bool TransactionTally::on_start_answer(std::string_view status) {
  const auto rejection = start_rejection(status);
  if (rejection) {
    core::bump(counters_.starts_rejected_total[static_cast<int>(*rejection)]);
    return false;
  }
  core::bump(counters_.transactions_started_total);
  return true;
}

bool TransactionTally::on_authorize_answer(std::string_view status) {
  const auto rejection = start_rejection(status);
  if (rejection) core::bump(counters_.starts_rejected_total[static_cast<int>(*rejection)]);
  return !rejection;
}

void TransactionTally::on_ended(bool confirmed) {
  if (confirmed) core::bump(counters_.transactions_stopped_total);
}

void TransactionTally::sync(const charger::ChargerModel& model, bool online) {
  int held = 0;
  if (online)
    for (int id = 1; id <= model.connector_count(); ++id)
      if (const auto& tx = model.connector(id)->transaction(); tx && tx->confirmed) ++held;
  if (held == held_) return;
  core::bump(counters_.in_transaction, held - held_);
  held_ = held;
}

} // namespace ocppfleet::ocpp
