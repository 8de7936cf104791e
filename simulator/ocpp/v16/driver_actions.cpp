// The 1.6 charge point's control-API commands (ocpp::ChargePointBase): local actions that
// reuse the adapter's own transaction, status and call machinery. Shard thread only; none
// of them blocks: each queues its calls and returns.
#include "simulator/ocpp/v16/charge_point.hpp"

namespace ocppfleet::v16 {

bool ChargePoint::authorize(int connector_id, std::string id_tag) {
  if (model_.connector(connector_id) == nullptr) return false;
  if (!boot_report_sent()) // session messages follow the boot-time status report
    return after_boot_report_.hold(
        [this, connector_id, tag = std::move(id_tag)]() mutable { authorize(connector_id, std::move(tag)); });
  // Cookie 0 matches no pending start: the answer is only logged by the CSMS side.
  enqueue("Authorize", Json{{"idTag", std::move(id_tag)}});
  pump();
  rearm();
  return true;
}

bool ChargePoint::start_transaction(int connector_id, std::string id_tag) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || c->transaction() || c->fault()) return false;
  if (!boot_report_sent()) // the start follows the boot-time status report
    return after_boot_report_.hold(
        [this, connector_id, tag = std::move(id_tag)]() mutable { start_transaction(connector_id, std::move(tag)); });
  if (!c->plugged()) c->plug(now(), next_ev(c->id()));
  report_status_changes();
  begin_transaction(connector_id, id_tag, std::nullopt);
  pump();
  rearm();
  return c->transaction().has_value();
}

bool ChargePoint::stop_transaction(int connector_id, charger::StopReason reason) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || !c->transaction()) return false;
  end_transaction(connector_id, reason);
  report_status_changes();
  pump();
  rearm();
  return true;
}

void ChargePoint::reset(bool hard) {
  // The same path as a CSMS Reset after its answer: transactions end, then the reboot.
  defer(Deferred::Reset, 0, hard ? "Hard" : "Soft");
  run_deferred();
  pump();
  rearm();
}

bool ChargePoint::unlock(int connector_id) {
  if (model_.connector(connector_id) == nullptr) return false;
  defer(Deferred::Unlock, connector_id);
  run_deferred();
  pump();
  rearm();
  return true;
}

bool ChargePoint::set_configuration(std::string key, std::string value) {
  if (!config_.set_internal(key, value)) return false;
  defer(Deferred::ConfigChanged, 0, std::move(key));
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

} // namespace ocppfleet::v16
