// The 2.0.1 transaction life cycle (TransactionEvent Started / Updated / Ended) and the
// driver actions that start and end it. Every TransactionEvent is a durable call: it
// survives a lost connection, is resent in order after the reconnect, and one generated
// while offline says so (`offline: true`).
#include <algorithm>

#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/common/hardware_personality.hpp"
#include "simulator/ocpp/v201/charge_point.hpp"
#include "simulator/ocpp/v201/messages.hpp"

namespace ocppfleet::v201 {
namespace {
constexpr const char* kDefaultUpdatedMeasurands = "Energy.Active.Import.Register,Power.Active.Import";
std::string_view trigger_for(charger::StopReason reason) {
  using R = charger::StopReason;
  switch (reason) {
  case R::Local: return "StopAuthorized";
  case R::Remote: return "RemoteStop";
  case R::EVDisconnected: return "EVCommunicationLost";
  case R::HardReset:
  case R::SoftReset: return "ResetCommand";
  case R::DeAuthorized: return "Deauthorized";
  case R::UnlockCommand: return "UnlockCommand";
  default: return "AbnormalCondition";
  }
}

} // namespace

ChargePoint::TxTrack* ChargePoint::track_of(int evse_id) {
  for (auto& t : tracks_)
    if (t.evse_id == evse_id) return &t;
  return nullptr;
}

bool ChargePoint::any_transaction() const {
  for (int id = 1; id <= model_.connector_count(); ++id)
    if (model_.connector(id)->transaction()) return true;
  return false;
}

Json ChargePoint::transaction_event(std::string_view type, std::string_view trigger, TxTrack& track,
                                    const charger::Connector& c) {
  Json info{{"transactionId", track.transaction_id}, {"chargingState", std::string{charging_state(c)}}};
  Json event{{"eventType", std::string{type}},        {"timestamp", core::format_timestamp(clock_.wall_now())},
             {"triggerReason", std::string{trigger}}, {"seqNo", track.seq_no++},
             {"transactionInfo", std::move(info)},    {"evse", Json{{"id", track.evse_id}, {"connectorId", 1}}}};
  if (!connected_) event["offline"] = true;
  track.charging_state = charging_state(c);
  return event;
}

void ChargePoint::authorize_then_start(int evse_id, Json id_token, std::optional<std::int64_t> remote_start_id) {
  const std::uint64_t cookie = ++authorize_seq_;
  enqueue("Authorize", Json{{"idToken", id_token}}, cookie);
  pending_authorize_.push_back(PendingAuthorize{cookie, evse_id, std::move(id_token), remote_start_id});
}

void ChargePoint::begin_transaction(int evse_id, const Json& id_token, std::string_view trigger,
                                    std::optional<std::int64_t> remote_start_id) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || c->transaction()) return;
  c->advance(now());
  charger::Transaction tx;
  tx.local_id = transaction_id_for(model_.next_transaction_id());
  tx.id_tag = id_token.value("idToken", "");
  tx.started_at = clock_.wall_now();
  tx.remote_start_id = remote_start_id;
  if (!c->start_transaction(now(), std::move(tx))) return;
  ocpp::hold_power_until_ready(delayed_, options_, model_, *c, clock_);
  tracks_.push_back(TxTrack{evse_id, c->transaction()->local_id, 0, {}, ++tx_cookie_seq_});
  auto& track = tracks_.back();
  Json event = transaction_event("Started", trigger, track, *c);
  if (remote_start_id) event["transactionInfo"]["remoteStartId"] = *remote_start_id;
  event["idToken"] = id_token;
  event["meterValue"] =
      Json::array({meter_value(*c, measurands("SampledDataCtrlr.TxStartedMeasurands", kEnergyRegister),
                               "Transaction.Begin", clock_.wall_now())});
  enqueue("TransactionEvent", event, track.started_cookie, true);
  report_status_changes();
  if (!sample_due_) sample_due_ = first_sample_due();
}

void ChargePoint::send_transaction_update(int evse_id, std::string_view trigger, std::string_view context) {
  auto* c = model_.connector(evse_id);
  auto* track = track_of(evse_id);
  if (c == nullptr || track == nullptr || !c->transaction()) return;
  c->advance(now());
  Json event = transaction_event("Updated", trigger, *track, *c);
  if (!context.empty())
    event["meterValue"] =
        Json::array({meter_value(*c, measurands("SampledDataCtrlr.TxUpdatedMeasurands", kDefaultUpdatedMeasurands),
                                 context, clock_.wall_now())});
  enqueue("TransactionEvent", event, 0, true);
}

void ChargePoint::end_transaction(int evse_id, charger::StopReason reason) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || !c->transaction()) return;
  const auto it = std::find_if(tracks_.begin(), tracks_.end(), [&](const TxTrack& t) { return t.evse_id == evse_id; });
  const auto meter = meter_value(*c, measurands("SampledDataCtrlr.TxEndedMeasurands", kEnergyRegister),
                                 "Transaction.End", clock_.wall_now());
  auto tx = c->stop_transaction(now());
  if (!tx) return;
  tally_.on_ended(*tx);
  sync_transaction_gauge();
  if (it != tracks_.end()) {
    Json event = transaction_event("Ended", trigger_for(reason), *it, *c);
    event["transactionInfo"]["stoppedReason"] = std::string{stopped_reason(reason)};
    event["meterValue"] = Json::array({meter});
    enqueue("TransactionEvent", event, 0, true);
    tracks_.erase(it);
  }
  report_status_changes();
  maybe_reset_when_idle();
}

void ChargePoint::maybe_reset_when_idle() {
  if (reset_on_idle_ && !any_transaction()) {
    reset_on_idle_ = false;
    reset_due_ = now() + options_.reset_delay;
  }
}

// ---------------------------------------------------------------- driver actions

bool ChargePoint::plug(int evse_id) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || c->plugged()) return false;
  c->plug(now(), next_ev(c->id()));
  report_status_changes();
  pump();
  rearm();
  return true;
}

bool ChargePoint::unplug(int evse_id) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || !c->plugged()) return false;
  if (c->transaction()) end_transaction(evse_id, charger::StopReason::EVDisconnected);
  c->unplug(now());
  report_status_changes();
  pump();
  rearm();
  return true;
}

bool ChargePoint::start_session(int evse_id, std::string id_tag) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || c->transaction() || c->fault()) return false;
  if (!boot_report_sent()) // the EV arrives once the CSMS knows the EVSEs (Available first)
    return after_boot_report_.hold(
        [this, evse_id, tag = std::move(id_tag)]() mutable { start_session(evse_id, std::move(tag)); });
  if (!c->plugged()) c->plug(now(), next_ev(c->id()));
  report_status_changes();
  authorize_then_start(evse_id, local_id_token(id_tag), std::nullopt);
  pump();
  rearm();
  return true;
}

bool ChargePoint::stop_session(int evse_id) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr || !c->transaction()) return false;
  end_transaction(evse_id, charger::StopReason::Local);
  c->unplug(now());
  report_status_changes();
  pump();
  rearm();
  return true;
}

void ChargePoint::inject_fault(int evse_id, std::string error_code) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr) return;
  c->set_fault(now(), charger::Fault{std::move(error_code), {}});
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::clear_fault(int evse_id) {
  auto* c = model_.connector(evse_id);
  if (c == nullptr) return;
  c->clear_fault(now());
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::drop_link() { link_->drop(); }

charger::EvSpec ChargePoint::next_ev(int evse_id) { return ocpp::ev_for_session(options_, evse_id, sessions_++); }

bool ChargePoint::set_meter_interval(std::chrono::seconds interval) {
  if (!device_.set_internal("SampledDataCtrlr", "TxUpdatedInterval", std::to_string(interval.count()))) return false;
  if (sample_due_) {
    sample_due_ = first_sample_due();
    rearm();
  }
  return true;
}

ChargePointSnapshot ChargePoint::snapshot() {
  model_.advance(now());
  ChargePointSnapshot s;
  s.identity = identity();
  s.version = ocpp::ProtocolVersion::V201;
  s.link_state = link_->state();
  s.registration = registration_;
  s.last_failure = link_->last_failure();
  s.connect_attempts = link_->connect_attempts();
  s.boots_sent = boot_.sent();
  for (const auto& c : model_.connectors()) {
    ChargePointSnapshot::ConnectorView v{c.id(), c.status(), c.meter().energy_wh(), c.meter().power_w(), {}, {}};
    if (c.transaction()) v.transaction_id = c.transaction()->local_id;
    s.connectors.push_back(std::move(v));
  }
  return s;
}

} // namespace ocppfleet::v201
