// The 2.0.1 station's control-API commands (ocpp::ChargePointBase): local actions that
// reuse the adapter's own transaction, status and call machinery. Shard thread only; none
// of them blocks: each queues its calls and returns. Connector id = EVSE id.
#include "simulator/ocpp/v201/charge_point.hpp"
#include "simulator/ocpp/v201/messages.hpp"

namespace ocppfleet::v201 {

bool ChargePoint::authorize(int evse_id, std::string id_tag) {
  if (model_.connector(evse_id) == nullptr) return false;
  if (!boot_report_sent()) // session messages follow the boot-time status report
    return after_boot_report_.hold(
        [this, evse_id, tag = std::move(id_tag)]() mutable { authorize(evse_id, std::move(tag)); });
  // Cookie 0 matches no pending start: the answer starts nothing.
  enqueue("Authorize", Json{{"idToken", local_id_token(id_tag)}});
  pump();
  rearm();
  return true;
}

bool ChargePoint::start_transaction(int evse_id, std::string id_tag) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || c->transaction() || c->fault()) return false;
  if (!boot_report_sent()) // the start follows the boot-time status report
    return after_boot_report_.hold(
        [this, evse_id, tag = std::move(id_tag)]() mutable { start_transaction(evse_id, std::move(tag)); });
  if (!c->plugged()) c->plug(now(), next_ev(c->id()));
  report_status_changes();
  begin_transaction(evse_id, local_id_token(id_tag), "Authorized", std::nullopt);
  pump();
  rearm();
  return c->transaction().has_value();
}

bool ChargePoint::stop_transaction(int evse_id, charger::StopReason reason) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || !c->transaction()) return false;
  end_transaction(evse_id, reason);
  report_status_changes();
  pump();
  rearm();
  return true;
}

void ChargePoint::reset(bool hard) {
  // As after a CSMS Reset (Immediate): transactions end, then the reboot with a new boot.
  reset_on_idle_ = false;
  const auto reason = hard ? charger::StopReason::HardReset : charger::StopReason::SoftReset;
  for (auto& c : model_.connectors())
    if (c.transaction()) end_transaction(c.id(), reason);
  reset_due_ = now() + options_.reset_delay;
  report_status_changes();
  pump();
  rearm();
}

bool ChargePoint::unlock(int evse_id) {
  auto* c = model_.connector(evse_id);
  // As UnlockConnector: refused while a transaction runs (OngoingAuthorizedTransaction).
  if (c == nullptr || c->transaction()) return false;
  defer(Deferred::Unlock, evse_id);
  run_deferred();
  pump();
  rearm();
  return true;
}

bool ChargePoint::set_configuration(std::string key, std::string value) {
  const auto dot = key.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == key.size()) return false;
  const std::string component = key.substr(0, dot);
  std::string variable = key.substr(dot + 1);
  if (!device_.set_internal(component, variable, value)) return false;
  // TxUpdatedInterval restarts the sampling only when it runs; a new transaction uses it.
  defer(Deferred::VariablesChanged, 0, std::move(variable));
  run_deferred();
  pump();
  rearm();
  return true;
}

bool ChargePoint::send_call(std::string action, Json payload) {
  if (action.empty() || !payload.is_object()) return false;
  enqueue(std::move(action), payload);
  pump();
  rearm();
  return true;
}

} // namespace ocppfleet::v201
