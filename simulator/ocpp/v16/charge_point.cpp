#include "simulator/ocpp/v16/charge_point.hpp"

#include <algorithm>

#include "simulator/core/log.hpp"
#include "simulator/core/prng.hpp"
#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/common/hardware_personality.hpp"
#include "simulator/ocpp/common/link_log.hpp"
#include "simulator/ocpp/common/meter_phase.hpp"
#include "simulator/ocpp/rpc/frame.hpp"
#include "simulator/ocpp/rpc/frame_trace.hpp"
#include "simulator/ocpp/v16/config_keys.hpp"
#include "simulator/ocpp/v16/messages.hpp"
#include "simulator/ocpp/v16/profile_config.hpp"

namespace ocppfleet::v16 {
namespace {
constexpr std::uint8_t kNeverReported = 0xFF;
} // namespace

ChargePoint::ChargePoint(boost::asio::any_io_executor executor, const core::Clock& clock, core::FleetCounters& counters,
                         std::shared_ptr<const transport::LinkConfig> link_config, charger::ChargerIdentity identity,
                         const charger::ConnectorSpec& connector_spec, int connector_count, ChargePointOptions options)
    : executor_(executor), clock_(clock), counters_(counters), tally_(counters), options_(options),
      model_(ocpp::build_charger_model(std::move(identity), connector_spec, connector_count, options)),
      config_(options.profile != nullptr ? config_schema_for(*options.profile) : core_config_schema()),
      pipeline_(options.max_queued_calls), frame_log_(options.frame_log_capacity, options.frame_log_frame_bytes),
      timer_(executor), reported_status_(static_cast<std::size_t>(model_.connector_count()) + 1, kNeverReported) {
  config_.set_internal("NumberOfConnectors", std::to_string(model_.connector_count()));
  if (link_config->ping_interval.count() >= 0)
    config_.set_internal(
        "WebSocketPingInterval",
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(link_config->ping_interval).count()));
  link_ =
      std::make_shared<transport::Link>(executor, std::move(link_config), model_.identity().identity,
                                        core::derive_seed(options.seed, "link-jitter/" + model_.identity().identity));
  link_->set_listener(this);
}

ChargePoint::~ChargePoint() {
  link_->set_listener(nullptr);
  link_->stop();
}

void ChargePoint::set_basic_auth_password(std::optional<std::string> password) {
  link_->set_basic_auth_password(std::move(password));
}

void ChargePoint::start() {
  stopped_ = false;
  link_->start();
}

void ChargePoint::stop() {
  if (stopping_) return;      // already ending its transactions: the grace bounds it
  after_boot_report_.clear(); // powered off: sessions not started yet never start
  if (statuses_held_ && registration_ == RegistrationState::Accepted) send_boot_report(); // before the stops
  bool any = false;
  for (const auto& c : model_.connectors())
    any = any || static_cast<bool>(c.transaction());
  if (!stopped_ && any && options_.end_transactions_on_stop) {
    // Shutting a charger down is local: its transactions end as a local stop would, and
    // the CSMS hears of it before the connection goes (bounded by stop_grace).
    for (auto& c : model_.connectors())
      if (c.transaction()) end_transaction(c.id(), charger::StopReason::Local);
    report_status_changes();
    pump();
    if (connected_ && registration_ == RegistrationState::Accepted && !drained()) {
      stopping_ = true;
      stop_due_ = now() + options_.stop_grace;
      rearm();
      return;
    }
  }
  finish_stop();
}

bool ChargePoint::drained() const { return !pipeline_.in_flight() && pipeline_.queued() == 0; }

void ChargePoint::finish_stop() {
  stopping_ = false;
  stop_due_.reset();
  stopped_ = true;
  delayed_.clear(); // powered off: no pending hardware work, faults rescheduled at the next boot
  after_boot_report_.clear();
  faults_scheduled_ = false;
  ++timer_generation_;
  timer_.cancel();
  link_->stop();
}

// ---------------------------------------------------------------- link events

void ChargePoint::on_link_open() {
  connected_ = true;
  core::bump(counters_.connected);
  core::bump(counters_.connects_total);
  send_boot();
}

void ChargePoint::on_link_closed(const transport::LinkFailure& failure, bool will_retry) {
  if (connected_) {
    connected_ = false;
    core::bump(counters_.connected, -1);
    core::bump(counters_.disconnects_total);
  }
  if (registration_ == RegistrationState::Accepted) core::bump(counters_.booted, -1);
  registration_ = RegistrationState::Offline;
  boot_.on_disconnect();    // an answer to a boot of this connection can no longer come
  sync_transaction_gauge(); // offline: its transactions leave the gauge until they resume
  boot_deadline_.reset();
  heartbeat_due_.reset();
  // sample_due_ stays: a charging EV keeps being metered while the CSMS is away; the
  // samples are durable calls, sent in order after the next Accepted boot.
  pipeline_.on_disconnect(); // durable (transaction) calls wait for the next Accepted boot
  std::fill(reported_status_.begin(), reported_status_.end(), kNeverReported);
  statuses_held_ = false;
  static_assert(transport::kLinkErrorCount <= core::FleetCounters::kLinkFailureKinds);
  // Every cause is counted (progress line, summary): a retry loop is never silent.
  if (failure.code != transport::LinkError::Stopped)
    core::bump(counters_.link_failures_total[static_cast<int>(failure.code)]);
  ocpp::log_link_closed(identity(), failure, will_retry && !stopped_); // info, rate-limited fleet-wide
  if (!will_retry && !stopped_ && failure.code != transport::LinkError::Stopped) core::bump(counters_.failed);
  if (pending_reset_ && failure.code == transport::LinkError::Stopped) pending_reset_.reset();
  if (stopping_) return finish_stop(); // lost while ending its transactions: stop now
  rearm();
}

void ChargePoint::on_link_message(std::string_view text) {
  delayed_.run_due(now());
  frame_log_.record(rpc::Direction::CsmsToCharger, clock_.wall_now(), text);
  rpc::trace_frame(identity(), rpc::Direction::CsmsToCharger, text);
  if (options_.frame_observer != nullptr)
    options_.frame_observer->on_frame(options_.observer_key, rpc::Direction::CsmsToCharger, clock_.wall_now(), text);
  auto parsed = rpc::parse_frame(text);
  if (auto* error = std::get_if<rpc::FrameError>(&parsed)) {
    // OCPP-J 1.6 has no error for an unknown message type: such frames are ignored.
    if (error->reply && error->code != rpc::ErrorCode::MessageTypeNotSupported)
      write_frame(
          rpc::serialize_call_error(error->id, rpc::to_wire(error->code, rpc::Dialect::V16), error->description));
    return;
  }
  if (auto* call = std::get_if<rpc::Call>(&parsed)) return handle_call(*call);
  if (auto* result = std::get_if<rpc::CallResult>(&parsed)) {
    // Any boot still outstanding on this connection, not only the newest: a slow CSMS's
    // answer to the first boot counts even after we resent it (see rpc/boot_slot.hpp).
    if (const auto sent_at = boot_.answer(result->id)) {
      counters_.latency.record("BootNotification", now() - *sent_at);
      handle_boot_result(result->payload);
    } else if (auto done = pipeline_.complete(result->id)) {
      record_latency(*done);
      handle_result(*done, result->payload);
    }
  } else if (auto* err = std::get_if<rpc::CallError>(&parsed)) {
    if (const auto sent_at = boot_.answer(err->id)) {
      counters_.latency.record("BootNotification", now() - *sent_at);
      core::bump(counters_.call_errors_total);
      registration_ = RegistrationState::Rejected;
      boot_deadline_ = now() + options_.boot_retry_fallback;
    } else if (auto failed = pipeline_.fail(err->id, now(), transaction_retry())) {
      record_latency(failed->call);
      core::bump(counters_.call_errors_total);
      if (failed->will_retry) {
        note_retry(failed->call, "CALLERROR " + err->code);
      } else {
        note_abandoned(failed->call);
        handle_error(failed->call, err->code);
      }
    }
  }
  pump();
  if (stopping_ && drained()) return finish_stop(); // the CSMS has answered everything
  rearm();
}

// ---------------------------------------------------------------- CSMS -> CP calls

void ChargePoint::handle_call(const rpc::Call& call) {
  core::bump(counters_.calls_received_total);
  // Before the first answer to our boot we may not know our state; a Rejected charger
  // must not talk at all (1.6 §4.2.1): answer nothing until the retry.
  if (registration_ == RegistrationState::Rejected || registration_ == RegistrationState::Booting) {
    write_frame(rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::SecurityError, rpc::Dialect::V16),
                                          "charge point is not registered"));
    return;
  }
  if (auto reason = ocpp::not_supported_reason(options_, ocpp::ProtocolVersion::V16, call.action,
                                               csms_actions().find(call.action) != nullptr)) {
    // A spec action this model's firmware does not offer, or one we do not implement.
    write_frame(
        rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::NotSupported, rpc::Dialect::V16), *reason));
    return;
  }
  const auto outcome = csms_actions().dispatch(*this, call);
  if (const auto* payload = std::get_if<Json>(&outcome)) {
    try {
      write_frame(rpc::serialize_call_result(call.id, *payload));
    } catch (const std::exception& e) {
      deferred_.clear();
      write_frame(
          rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::InternalError, rpc::Dialect::V16), e.what()));
    }
  } else {
    const auto& error = std::get<rpc::HandlerError>(outcome);
    deferred_.clear();
    write_frame(rpc::serialize_call_error(call.id, rpc::to_wire(error.code, rpc::Dialect::V16), error.description));
  }
  run_deferred();
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::defer(Deferred kind, int connector_id, std::string arg, std::int64_t number) {
  deferred_.push_back(DeferredWork{kind, connector_id, std::move(arg), number});
}

void ChargePoint::run_deferred() {
  auto work = std::move(deferred_);
  deferred_.clear();
  for (auto& w : work) {
    switch (w.kind) {
    case Deferred::RemoteStart: {
      auto* c = model_.connector(w.connector_id);
      if (c == nullptr) break;
      if (!c->plugged()) c->plug(now(), next_ev(c->id()));
      report_status_changes();
      const bool authorize = config_.get_bool("AuthorizeRemoteTxRequests").value_or(true);
      if (authorize) {
        authorize_then_start(w.connector_id, w.arg);
      } else {
        begin_transaction(w.connector_id, w.arg, std::nullopt);
      }
      break;
    }
    case Deferred::RemoteStop: end_transaction(w.connector_id, charger::StopReason::Remote); break;
    case Deferred::Reset: {
      const auto reason = w.arg == "Hard" ? charger::StopReason::HardReset : charger::StopReason::SoftReset;
      for (auto& c : model_.connectors())
        if (c.transaction()) end_transaction(c.id(), reason);
      pending_reset_ = w.arg;
      reset_due_ = now() + options_.reset_delay;
      break;
    }
    case Deferred::Trigger: {
      const std::string& what = w.arg;
      if (what == "BootNotification") {
        enqueue("BootNotification", boot_notification_payload(model_.identity()));
      } else if (what == "Heartbeat") {
        enqueue("Heartbeat", Json::object());
      } else if (what == "StatusNotification") {
        if (w.connector_id >= 0 && w.number == 1) {
          send_status(w.connector_id);
        } else {
          for (int id = 0; id <= model_.connector_count(); ++id)
            send_status(id);
        }
      } else if (what == "MeterValues") {
        for (auto& c : model_.connectors())
          if (w.number == 0 || c.id() == w.connector_id) send_meter_values(c.id(), "Trigger");
      } else if (what == "DiagnosticsStatusNotification") {
        enqueue("DiagnosticsStatusNotification", Json{{"status", "Idle"}});
      } else if (what == "FirmwareStatusNotification") {
        enqueue("FirmwareStatusNotification", Json{{"status", "Idle"}});
      }
      break;
    }
    case Deferred::Unlock: {
      auto* c = model_.connector(w.connector_id);
      if (c == nullptr) break;
      if (c->transaction()) end_transaction(w.connector_id, charger::StopReason::UnlockCommand);
      c->unplug(now());
      break;
    }
    case Deferred::AvailabilityChanged: break; // status changes are reported below
    case Deferred::ConfigChanged:
      if (w.arg == "HeartbeatInterval" && registration_ == RegistrationState::Accepted) {
        heartbeat_due_ = heartbeat_interval().count() > 0 ? std::optional{now() + heartbeat_interval()} : std::nullopt;
      } else if (w.arg == "MeterValueSampleInterval") {
        sample_due_ = first_sample_due();
      }
      break;
    }
  }
  report_status_changes();
}

// ---------------------------------------------------------------- answers to our calls

void ChargePoint::handle_boot_result(const Json& payload) {
  const std::string status = payload.value("status", "");
  const auto interval = std::chrono::seconds{payload.value("interval", 0)};
  if (status == "Accepted") {
    registration_ = RegistrationState::Accepted;
    core::bump(counters_.booted);
    core::bump(counters_.boots_accepted_total);
    boot_deadline_.reset();
    link_->confirm(); // the connection counts as stable once it also lasts (reconnect backoff)
    if (interval.count() > 0) config_.set_internal("HeartbeatInterval", std::to_string(interval.count()));
    sync_transaction_gauge(); // transactions that ran on through an outage resume
    on_accepted();
    return;
  }
  registration_ = status == "Pending" ? RegistrationState::Pending : RegistrationState::Rejected;
  if (registration_ == RegistrationState::Rejected) core::bump(counters_.boots_rejected_total);
  boot_deadline_ = now() + (interval.count() > 0 ? interval : options_.boot_retry_fallback);
}

void ChargePoint::on_accepted() {
  const auto delays = ocpp::hardware_delays(options_);
  if (delays.boot_to_status.count() > 0) {
    // The hardware reports its connectors a moment after the boot is accepted; until then
    // nothing else goes out (pump() holds the queue) and sessions wait (after_boot_report_).
    statuses_held_ = true;
    delayed_.after(now() + delays.boot_to_status, [this, boot = boot_.sent()] {
      if (boot != boot_.sent() || !statuses_held_) return; // a later boot owns the report
      if (registration_ == RegistrationState::Accepted && connected_) send_boot_report();
    });
  } else {
    send_boot_report();
  }
  if (!faults_scheduled_) schedule_fault();
  heartbeat_due_ = heartbeat_interval().count() > 0 ? std::optional{now() + heartbeat_interval()} : std::nullopt;
  // A sampling schedule that ran on through an outage keeps its pace; a transaction without
  // one (its interval was 0) starts one now. No transaction: begin_transaction starts it.
  bool any = false;
  for (const auto& c : model_.connectors())
    any = any || static_cast<bool>(c.transaction());
  if (!sample_due_ && any) sample_due_ = first_sample_due();
  pump();
}

void ChargePoint::send_boot_report() {
  statuses_held_ = false;
  // At the head of the queue: samples and transaction messages queued while offline follow.
  for (int id = 0; id <= model_.connector_count(); ++id)
    send_status(id, static_cast<std::size_t>(id));
  after_boot_report_.run_all(); // sessions asked for meanwhile: their messages queue behind
  pump();
}

std::optional<SteadyTime> ChargePoint::first_sample_due() const {
  const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(sample_interval());
  if (interval.count() <= 0) return std::nullopt;
  // This charger's seeded place in the interval, so a fleet's samples spread over it.
  return now() + ocpp::meter_phase(options_.seed, identity(), interval);
}

void ChargePoint::handle_result(const rpc::OutstandingCall& call, const Json& payload) {
  if (call.action == "StartTransaction") {
    const auto it =
        std::find_if(tx_refs_.begin(), tx_refs_.end(), [&](const TxRef& r) { return r.seq == call.cookie; });
    if (it == tx_refs_.end()) return;
    const std::int64_t csms_id = payload.value("transactionId", std::int64_t{0});
    const Json* info = payload.is_object() && payload.contains("idTagInfo") ? &payload["idTagInfo"] : nullptr;
    const std::string status = info != nullptr && info->is_object() ? info->value("status", "") : "";
    // Started or rejected (by status), once: the fleet's figures count only accepted starts.
    const bool accepted = tally_.on_start_answer(status);
    it->csms_id = csms_id;
    auto* c = model_.connector(it->connector_id);
    if (it->stop_payload) {
      // Stopped before the CSMS told us the id: send the stop now that we know it.
      tally_.on_ended(accepted);
      (*it->stop_payload)["transactionId"] = csms_id;
      enqueue("StopTransaction", *it->stop_payload, 0, true);
      tx_refs_.erase(it);
      return;
    }
    if (c != nullptr && c->transaction() && c->transaction()->local_id == it->local_id) {
      c->transaction()->csms_id = csms_id;
      c->transaction()->confirmed = accepted;
      sync_transaction_gauge();
      if (!accepted && config_.get_bool("StopTransactionOnInvalidId").value_or(true))
        end_transaction(it->connector_id, charger::StopReason::DeAuthorized);
    }
    return;
  }
  if (call.action == "Authorize") {
    const auto it = std::find_if(pending_authorize_.begin(), pending_authorize_.end(),
                                 [&](const auto& p) { return p.first == call.cookie; });
    if (it == pending_authorize_.end()) return;
    const auto [connector_id, id_tag] = it->second;
    pending_authorize_.erase(it);
    const Json* info = payload.is_object() && payload.contains("idTagInfo") ? &payload["idTagInfo"] : nullptr;
    const std::string status = info != nullptr && info->is_object() ? info->value("status", "") : "";
    // A refused Authorize is a refused start (counted by status); no StartTransaction follows.
    if (!tally_.on_authorize_answer(status)) return;
    const auto delay = ocpp::hardware_delays(options_).authorize_to_start;
    if (delay.count() <= 0) return begin_transaction(connector_id, id_tag, std::nullopt);
    delayed_.after(now() + delay, [this, connector_id = connector_id, id_tag = id_tag] {
      begin_transaction(connector_id, id_tag, std::nullopt);
    });
    return;
  }
  if (call.action == "BootNotification") return; // a triggered boot: state already Accepted
  if (call.action == "Heartbeat") return;
}

void ChargePoint::handle_error(const rpc::OutstandingCall& call, const std::string& code) {
  core::logger()->info("charger {}: CSMS answered {} with CALLERROR {}", identity(), call.action, code);
  if (call.action == "Authorize") {
    std::erase_if(pending_authorize_, [&](const auto& p) { return p.first == call.cookie; });
  }
}

// ---------------------------------------------------------------- sending

void ChargePoint::send_boot() {
  registration_ = RegistrationState::Booting;
  auto payload = boot_notification_payload(model_.identity());
  if (options_.profile != nullptr && !options_.profile->identity.meter_type.empty())
    payload["meterType"] = options_.profile->identity.meter_type.substr(0, 25);
  write_frame(rpc::serialize_call(boot_.send(now()), "BootNotification", payload));
  core::bump(counters_.calls_sent_total);
  boot_deadline_ = now() + options_.call_timeout;
  rearm();
}

void ChargePoint::record_latency(const rpc::OutstandingCall& call) {
  // The pipeline set the deadline as send time + call timeout.
  counters_.latency.record(call.action, now() - (call.deadline - options_.call_timeout));
}

rpc::RetryPolicy ChargePoint::transaction_retry() const {
  // OCPP 1.6 §4.8: a transaction-related message the Central System failed to process is
  // resubmitted up to TransactionMessageAttempts times, waiting
  // TransactionMessageRetryInterval * (attempts so far) before each resend.
  const auto attempts = config_.get_int("TransactionMessageAttempts").value_or(3);
  const auto interval = config_.get_int("TransactionMessageRetryInterval").value_or(10);
  return rpc::RetryPolicy{static_cast<std::uint32_t>(std::max<std::int64_t>(attempts, 1)),
                          std::chrono::seconds{std::max<std::int64_t>(interval, 0)}};
}

void ChargePoint::note_retry(const rpc::OutstandingCall& call, const std::string& why) {
  core::bump(counters_.calls_retried_total);
  core::logger()->info("charger {}: {} failed ({}), transmission {}; resending it", identity(), call.action, why,
                       call.attempt);
}

void ChargePoint::note_abandoned(const rpc::OutstandingCall& call) {
  if (!call.durable) return;
  // The spec allows discarding it now; say so loudly: the CSMS's view of the transaction
  // is incomplete from here on.
  core::bump(counters_.calls_abandoned_total);
  core::logger()->warn("charger {}: {} not processed by the CSMS after {} transmissions; discarded", identity(),
                       call.action, call.attempt);
}

void ChargePoint::enqueue(std::string action, const Json& payload, std::uint64_t cookie, bool durable) {
  if (!pipeline_.enqueue(std::move(action), payload, cookie, durable)) {
    core::bump(counters_.frames_dropped_total);
    core::logger()->warn("charger {}: outbound call queue full, dropping a call", identity());
  }
}

void ChargePoint::pump() {
  // Only the boot may go out before the CSMS accepted us (1.6 §4.2), and after it nothing
  // before the boot-time StatusNotifications (a CSMS refuses a start on a connector it has
  // not heard of).
  if (registration_ != RegistrationState::Accepted || !connected_ || statuses_held_) return;
  if (auto frame = pipeline_.next_frame(now(), options_.call_timeout)) {
    write_frame(std::move(*frame));
    core::bump(counters_.calls_sent_total);
  }
}

void ChargePoint::write_frame(std::string frame) {
  frame_log_.record(rpc::Direction::ChargerToCsms, clock_.wall_now(), frame);
  rpc::trace_frame(identity(), rpc::Direction::ChargerToCsms, frame);
  if (options_.frame_observer != nullptr)
    options_.frame_observer->on_frame(options_.observer_key, rpc::Direction::ChargerToCsms, clock_.wall_now(), frame);
  if (!link_->send(std::move(frame))) core::bump(counters_.frames_dropped_total);
}

void ChargePoint::send_status(int connector_id, std::optional<std::size_t> front) {
  if (connector_id < 0 || connector_id > model_.connector_count()) return;
  const auto index = static_cast<std::size_t>(connector_id);
  charger::ConnectorStatus status;
  std::string error_code = "NoError";
  if (connector_id == 0) {
    status = model_.status();
  } else {
    const auto* c = model_.connector(connector_id);
    status = c->status();
    if (c->fault()) error_code = c->fault()->error_code;
  }
  reported_status_[index] = static_cast<std::uint8_t>(status);
  auto payload = status_notification_payload(connector_id, status, error_code, clock_.wall_now());
  if (!front) return enqueue("StatusNotification", payload);
  if (!pipeline_.enqueue_at(*front, "StatusNotification", payload)) {
    core::bump(counters_.frames_dropped_total);
    core::logger()->warn("charger {}: outbound call queue full, dropping a call", identity());
  }
}

void ChargePoint::report_status_changes() {
  if (registration_ != RegistrationState::Accepted || statuses_held_) return;
  for (int id = 0; id <= model_.connector_count(); ++id) {
    const auto status = id == 0 ? model_.status() : model_.connector(id)->status();
    if (reported_status_[static_cast<std::size_t>(id)] != static_cast<std::uint8_t>(status)) send_status(id);
  }
}

void ChargePoint::send_meter_values(int connector_id, const char* context) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr) return;
  c->advance(now());
  std::optional<std::int64_t> tx_id;
  bool durable = false;
  if (c->transaction()) {
    tx_id = c->transaction()->csms_id;
    durable = true;
    if (!tx_id) return; // no CSMS id yet: the sample would not be attributable
  }
  const auto measurands = config_.get("MeterValuesSampledData").value_or(kDefaultMeasurands);
  enqueue("MeterValues", meter_values_payload(*c, tx_id, measurands, context, clock_.wall_now()), 0, durable);
}

void ChargePoint::authorize_then_start(int connector_id, std::string id_tag) {
  const std::uint64_t cookie = ++authorize_seq_;
  pending_authorize_.emplace_back(cookie, std::make_pair(connector_id, id_tag));
  enqueue("Authorize", Json{{"idTag", id_tag}}, cookie);
}

void ChargePoint::begin_transaction(int connector_id, const std::string& id_tag,
                                    std::optional<std::int64_t> remote_start_id) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr) return;
  c->advance(now());
  charger::Transaction tx;
  tx.local_id = model_.next_transaction_id();
  tx.id_tag = id_tag;
  tx.started_at = clock_.wall_now();
  tx.remote_start_id = remote_start_id;
  const std::string local_id = tx.local_id;
  if (!c->start_transaction(now(), std::move(tx))) return;
  ocpp::hold_power_until_ready(delayed_, options_, model_, *c, clock_);
  const auto& started = *c->transaction();
  const std::uint64_t seq = ++tx_seq_;
  tx_refs_.push_back(TxRef{seq, connector_id, local_id, std::nullopt, std::nullopt});
  enqueue("StartTransaction",
          Json{{"connectorId", connector_id},
               {"idTag", started.id_tag},
               {"meterStart", static_cast<std::int64_t>(started.meter_start_wh)},
               {"timestamp", core::format_timestamp(started.started_at)}},
          seq, true);
  report_status_changes();
  if (!sample_due_) sample_due_ = first_sample_due();
}

void ChargePoint::end_transaction(int connector_id, charger::StopReason reason) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || !c->transaction()) return;
  auto tx = c->stop_transaction(now());
  if (!tx) return;
  tally_.on_ended(*tx);
  sync_transaction_gauge();
  const auto measurands = config_.get("StopTxnSampledData").value_or("Energy.Active.Import.Register");
  Json payload = stop_transaction_payload(*tx, *c, reason, measurands, clock_.wall_now());
  const auto it =
      std::find_if(tx_refs_.begin(), tx_refs_.end(), [&](const TxRef& r) { return r.local_id == tx->local_id; });
  if (tx->csms_id) {
    payload["transactionId"] = *tx->csms_id;
    enqueue("StopTransaction", payload, 0, true);
    if (it != tx_refs_.end()) tx_refs_.erase(it);
  } else if (it != tx_refs_.end()) {
    it->stop_payload = std::move(payload); // sent when StartTransaction.conf brings the id
  }
  report_status_changes();
}

// ---------------------------------------------------------------- driver actions

bool ChargePoint::plug(int connector_id) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || c->plugged()) return false;
  c->plug(now(), next_ev(c->id()));
  report_status_changes();
  pump();
  rearm();
  return true;
}

bool ChargePoint::unplug(int connector_id) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || !c->plugged()) return false;
  if (c->transaction()) end_transaction(connector_id, charger::StopReason::EVDisconnected);
  c->unplug(now());
  report_status_changes();
  pump();
  rearm();
  return true;
}

bool ChargePoint::start_session(int connector_id, std::string id_tag) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || c->transaction() || c->fault()) return false;
  if (!boot_report_sent()) // the EV arrives once the CSMS knows the connectors (Available first)
    return after_boot_report_.hold(
        [this, connector_id, tag = std::move(id_tag)]() mutable { start_session(connector_id, std::move(tag)); });
  if (!c->plugged()) c->plug(now(), next_ev(c->id()));
  report_status_changes();
  authorize_then_start(connector_id, std::move(id_tag));
  pump();
  rearm();
  return true;
}

bool ChargePoint::stop_session(int connector_id) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr || !c->transaction()) return false;
  end_transaction(connector_id, charger::StopReason::Local);
  c->unplug(now());
  report_status_changes();
  pump();
  rearm();
  return true;
}

void ChargePoint::inject_fault(int connector_id, std::string error_code) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr) return;
  c->set_fault(now(), charger::Fault{std::move(error_code), {}});
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::clear_fault(int connector_id) {
  auto* c = model_.connector(connector_id);
  if (c == nullptr) return;
  c->clear_fault(now());
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::drop_link() { link_->drop(); }

charger::EvSpec ChargePoint::next_ev(int connector_id) {
  return ocpp::ev_for_session(options_, connector_id, sessions_++);
}

bool ChargePoint::set_meter_interval(std::chrono::seconds interval) {
  if (config_.set("MeterValueSampleInterval", std::to_string(interval.count())) != charger::ConfigSetResult::Accepted)
    return false;
  // Takes effect from the next sample; a running transaction samples at the new pace.
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
  s.version = ocpp::ProtocolVersion::V16;
  s.link_state = link_->state();
  s.registration = registration_;
  s.last_failure = link_->last_failure();
  s.connect_attempts = link_->connect_attempts();
  s.boots_sent = boot_.sent();
  for (const auto& c : model_.connectors()) {
    ChargePointSnapshot::ConnectorView v{c.id(), c.status(), c.meter().energy_wh(), c.meter().power_w(), {}, {}};
    if (c.transaction()) {
      v.transaction_id = c.transaction()->local_id;
      v.csms_transaction_id = c.transaction()->csms_id;
    }
    s.connectors.push_back(std::move(v));
  }
  return s;
}

// ---------------------------------------------------------------- timing

std::chrono::seconds ChargePoint::heartbeat_interval() const {
  return std::chrono::seconds{config_.get_int("HeartbeatInterval").value_or(300)};
}

std::chrono::seconds ChargePoint::sample_interval() const {
  return std::chrono::seconds{config_.get_int("MeterValueSampleInterval").value_or(60)};
}

void ChargePoint::rearm() {
  if (stopped_) return;
  std::optional<SteadyTime> next;
  const auto consider = [&next](const std::optional<SteadyTime>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(boot_deadline_);
  consider(heartbeat_due_);
  consider(sample_due_);
  consider(reset_due_);
  consider(stop_due_);
  consider(delayed_.earliest());
  consider(pipeline_.deadline());
  const std::uint32_t generation = ++timer_generation_;
  if (!next) {
    timer_.cancel();
    return;
  }
  // The clock may be virtual; the timer waits for the same distance in real time.
  const auto delay = std::max<std::chrono::steady_clock::duration>(*next - now(), std::chrono::milliseconds{0});
  timer_.expires_after(delay);
  timer_.async_wait([weak = weak_from_this(), generation](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_timer(generation);
  });
}

void ChargePoint::on_timer(std::uint32_t generation) {
  if (generation != timer_generation_ || stopped_) return;
  const auto t = now();
  if (stopping_ && (drained() || (stop_due_ && *stop_due_ <= t))) return finish_stop();
  delayed_.run_due(t);
  if (reset_due_ && *reset_due_ <= t) {
    reset_due_.reset();
    link_->restart(std::chrono::milliseconds{200});
  }
  if (boot_deadline_ && *boot_deadline_ <= t) {
    boot_deadline_.reset();
    if (connected_ && registration_ != RegistrationState::Accepted) {
      if (boot_.outstanding()) core::bump(counters_.call_timeouts_total);
      send_boot();
    }
  }
  if (auto expired = pipeline_.expire(t, transaction_retry())) {
    core::bump(counters_.call_timeouts_total);
    if (expired->will_retry) {
      note_retry(expired->call, "no answer");
    } else {
      core::logger()->info("charger {}: {} timed out", identity(), expired->call.action);
      note_abandoned(expired->call);
      if (expired->call.action == "Authorize")
        std::erase_if(pending_authorize_, [&](const auto& p) { return p.first == expired->call.cookie; });
    }
  }
  if (heartbeat_due_ && *heartbeat_due_ <= t) {
    enqueue("Heartbeat", Json::object());
    heartbeat_due_ = t + heartbeat_interval();
  }
  if (sample_due_ && *sample_due_ <= t) {
    // Offline, samples queue up with the transaction's other messages; past half the queue
    // they are skipped (counted as dropped) so a StopTransaction always finds room.
    const bool room = connected_ || pipeline_.queued() < options_.max_queued_calls / 2;
    bool any = false;
    for (auto& c : model_.connectors()) {
      if (c.transaction()) {
        if (room) {
          send_meter_values(c.id(), "Sample.Periodic");
        } else {
          core::bump(counters_.frames_dropped_total);
        }
        any = true;
      }
    }
    sample_due_ = any && sample_interval().count() > 0 ? std::optional{t + sample_interval()} : std::nullopt;
  }
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::schedule_fault() {
  faults_scheduled_ = true;
  ocpp::schedule_fault(delayed_, *this, options_, clock_, model_.connector_count(), faults_seen_);
}

} // namespace ocppfleet::v16
