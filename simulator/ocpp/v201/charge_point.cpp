#include "simulator/ocpp/v201/charge_point.hpp"

#include <openssl/ssl.h>

#include <algorithm>

#include "simulator/core/log.hpp"
#include "simulator/core/prng.hpp"
#include "simulator/core/timestamp.hpp"
#include "simulator/ocpp/common/hardware_personality.hpp"
#include "simulator/ocpp/common/link_log.hpp"
#include "simulator/ocpp/common/meter_phase.hpp"
#include "simulator/ocpp/rpc/frame.hpp"
#include "simulator/ocpp/rpc/frame_trace.hpp"
#include "simulator/ocpp/v201/messages.hpp"
#include "simulator/ocpp/v201/profile_device_model.hpp"

namespace ocppfleet::v201 {
namespace {

constexpr std::uint8_t kNeverReported = 0xFF;

} // namespace

ChargePoint::ChargePoint(boost::asio::any_io_executor executor, const core::Clock& clock, core::FleetCounters& counters,
                         std::shared_ptr<const transport::LinkConfig> link_config, charger::ChargerIdentity identity,
                         const charger::ConnectorSpec& connector_spec, int connector_count, ChargePointOptions options)
    : executor_(executor), clock_(clock), counters_(counters), tally_(counters), options_(options),
      model_(ocpp::build_charger_model(std::move(identity), connector_spec, connector_count, options)),
      device_(options.profile != nullptr ? device_model_for(*options.profile, model_.connector_count())
                                         : standard_device_model(model_.connector_count())),
      pipeline_(options.max_queued_calls), frame_log_(options.frame_log_capacity, options.frame_log_frame_bytes),
      timer_(executor), reported_status_(static_cast<std::size_t>(model_.connector_count()) + 1, kNeverReported) {
  if (link_config->ping_interval.count() >= 0)
    device_.set_internal(
        "OCPPCommCtrlr", "WebSocketPingInterval",
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(link_config->ping_interval).count()));
  device_.set_internal("SecurityCtrlr", "Identity", model_.identity().identity);
  // Profile 2 is TLS, 3 is TLS with a client certificate; Basic auth over ws (1) is known
  // once a password is set.
  if (link_config->url.tls) {
    const bool client_cert =
        link_config->tls != nullptr && SSL_CTX_get0_certificate(link_config->tls->native_handle()) != nullptr;
    device_.set_internal("SecurityCtrlr", "SecurityProfile", client_cert ? "3" : "2");
  }
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
  // Over wss the profile (2 or 3) was set from the TLS context; over ws a password is profile 1.
  if (!link_->config().url.tls) device_.set_internal("SecurityCtrlr", "SecurityProfile", password ? "1" : "0");
  link_->set_basic_auth_password(std::move(password));
}

void ChargePoint::start() {
  stopped_ = false;
  accepted_this_power_cycle_ = false;
  boot_reason_ = "PowerUp";
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
    // Shutting a station down is local: its transactions end as a local stop would, and
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
  if (!accepted_this_power_cycle_) return send_boot();
  // Reconnected within the same power cycle: no new boot; tell the CSMS where every EVSE
  // stands, then flush what was queued offline (in order).
  registration_ = RegistrationState::Accepted;
  core::bump(counters_.booted);
  link_->confirm();         // resumed without a boot: stable once it lasts (reconnect backoff)
  sync_transaction_gauge(); // its transactions resume
  on_accepted();
  rearm();
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
  // sample_due_ stays: a charging EV keeps being metered while offline (queued events).
  pipeline_.on_disconnect();
  std::fill(reported_status_.begin(), reported_status_.end(), kNeverReported);
  statuses_held_ = false;
  static_assert(transport::kLinkErrorCount <= core::FleetCounters::kLinkFailureKinds);
  // Every cause is counted (progress line, summary): a retry loop is never silent.
  if (failure.code != transport::LinkError::Stopped)
    core::bump(counters_.link_failures_total[static_cast<int>(failure.code)]);
  ocpp::log_link_closed(identity(), failure, will_retry && !stopped_); // info, rate-limited fleet-wide
  if (!will_retry && !stopped_ && failure.code != transport::LinkError::Stopped) core::bump(counters_.failed);
  if (stopping_) return finish_stop(); // lost while ending its transactions: stop now
  rearm();
}

void ChargePoint::on_link_message(std::string_view text) {
  delayed_.run_due(now());
  // Frames are bounded by LinkConfig::max_inbound_message (far below 4 GiB).
  inbound_bytes_ = static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), UINT32_MAX));
  frame_log_.record(rpc::Direction::CsmsToCharger, clock_.wall_now(), text);
  rpc::trace_frame(identity(), rpc::Direction::CsmsToCharger, text);
  if (options_.frame_observer != nullptr)
    options_.frame_observer->on_frame(options_.observer_key, rpc::Direction::CsmsToCharger, clock_.wall_now(), text);
  auto parsed = rpc::parse_frame(text);
  if (auto* error = std::get_if<rpc::FrameError>(&parsed)) {
    if (error->reply)
      write_frame(
          rpc::serialize_call_error(error->id, rpc::to_wire(error->code, rpc::Dialect::V201), error->description));
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
  report_status_changes();
  pump();
  if (stopping_ && drained()) return finish_stop(); // the CSMS has answered everything
  rearm();
}

// ---------------------------------------------------------------- CSMS -> CS calls

void ChargePoint::handle_call(const rpc::Call& call) {
  core::bump(counters_.calls_received_total);
  // Pending lets the CSMS configure us (B02); Rejected and not-yet-answered boots do not.
  if (registration_ == RegistrationState::Rejected || registration_ == RegistrationState::Booting) {
    write_frame(rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::SecurityError, rpc::Dialect::V201),
                                          "charging station is not registered"));
    return;
  }
  if (auto reason = ocpp::not_supported_reason(options_, ocpp::ProtocolVersion::V201, call.action,
                                               csms_actions().find(call.action) != nullptr)) {
    // A spec action this model's firmware does not offer, or one we do not implement.
    write_frame(
        rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::NotSupported, rpc::Dialect::V201), *reason));
    return;
  }
  const auto outcome = csms_actions().dispatch(*this, call);
  if (const auto* payload = std::get_if<Json>(&outcome)) {
    try {
      write_frame(rpc::serialize_call_result(call.id, *payload));
    } catch (const std::exception& e) {
      deferred_.clear();
      write_frame(rpc::serialize_call_error(call.id, rpc::to_wire(rpc::ErrorCode::InternalError, rpc::Dialect::V201),
                                            e.what()));
    }
  } else {
    const auto& error = std::get<rpc::HandlerError>(outcome);
    deferred_.clear();
    write_frame(rpc::serialize_call_error(call.id, rpc::to_wire(error.code, rpc::Dialect::V201), error.description));
  }
  run_deferred();
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::defer(Deferred kind, int evse_id, std::string arg, std::int64_t number, Json payload) {
  deferred_.push_back(DeferredWork{kind, evse_id, std::move(arg), number, std::move(payload)});
}

void ChargePoint::run_deferred() {
  auto work = std::move(deferred_);
  deferred_.clear();
  for (auto& w : work) {
    switch (w.kind) {
    case Deferred::RemoteStart: {
      auto* c = model_.connector(w.evse_id);
      if (c == nullptr) break;
      if (!c->plugged()) c->plug(now(), next_ev(c->id()));
      report_status_changes();
      if (device_.get_bool("AuthCtrlr", "AuthorizeRemoteStart").value_or(false)) {
        authorize_then_start(w.evse_id, std::move(w.payload), w.number);
      } else {
        begin_transaction(w.evse_id, w.payload, "RemoteStart", w.number);
      }
      break;
    }
    case Deferred::RemoteStop: end_transaction(w.evse_id, charger::StopReason::Remote); break;
    case Deferred::ResetStation:
      for (auto& c : model_.connectors())
        if (c.transaction()) end_transaction(c.id(), charger::StopReason::HardReset);
      reset_on_idle_ = false;
      reset_due_ = now() + options_.reset_delay;
      break;
    case Deferred::ResetEvse:
      // An EVSE reset ends its transaction; the station itself stays up.
      end_transaction(w.evse_id, charger::StopReason::HardReset);
      break;
    case Deferred::Trigger: run_trigger(w); break;
    case Deferred::Unlock: {
      auto* c = model_.connector(w.evse_id);
      if (c != nullptr && !c->transaction()) c->unplug(now());
      break;
    }
    case Deferred::AvailabilityChanged: break; // status changes are reported below
    case Deferred::VariablesChanged:
      if (w.arg == "HeartbeatInterval" && registration_ == RegistrationState::Accepted) {
        heartbeat_due_ = heartbeat_interval().count() > 0 ? std::optional{now() + heartbeat_interval()} : std::nullopt;
      } else if (w.arg == "TxUpdatedInterval" && sample_due_) {
        sample_due_ = first_sample_due();
      } else if (w.arg == "BasicAuthPassword") {
        // Used from the next connection on (the CSMS rotates it, then reconnects us).
        link_->set_basic_auth_password(device_.get("SecurityCtrlr", "BasicAuthPassword"));
      }
      break;
    case Deferred::BaseReport: {
      for (auto& page : w.payload)
        enqueue("NotifyReport", page);
      break;
    }
    }
  }
  report_status_changes();
}

void ChargePoint::run_trigger(const DeferredWork& w) {
  const std::string& what = w.arg;
  if (what == "BootNotification") {
    // Only offered while Pending (the handler refuses it once Accepted): boot again now.
    boot_reason_ = "Triggered";
    if (connected_) send_boot();
  } else if (what == "Heartbeat") {
    enqueue("Heartbeat", Json::object());
  } else if (what == "StatusNotification") {
    for (int id = 1; id <= model_.connector_count(); ++id)
      if (w.evse_id == 0 || id == w.evse_id) send_status(id);
  } else if (what == "MeterValues") {
    for (auto& c : model_.connectors()) {
      if (w.evse_id != 0 && c.id() != w.evse_id) continue;
      c.advance(now());
      enqueue("MeterValues", meter_values_request(c, measurands("AlignedDataCtrlr.Measurands", kEnergyRegister),
                                                  "Trigger", clock_.wall_now()));
    }
  } else if (what == "TransactionEvent") {
    for (auto& c : model_.connectors())
      if ((w.evse_id == 0 || c.id() == w.evse_id) && c.transaction())
        send_transaction_update(c.id(), "Trigger", "Trigger");
  } else if (what == "LogStatusNotification") {
    enqueue("LogStatusNotification", Json{{"status", "Idle"}});
  } else if (what == "FirmwareStatusNotification") {
    enqueue("FirmwareStatusNotification", Json{{"status", "Idle"}});
  }
}

// ---------------------------------------------------------------- answers to our calls

void ChargePoint::handle_boot_result(const Json& payload) {
  const std::string status = payload.value("status", "");
  const auto interval = std::chrono::seconds{payload.value("interval", 0)};
  if (status == "Accepted") {
    registration_ = RegistrationState::Accepted;
    accepted_this_power_cycle_ = true;
    boot_reason_ = "PowerUp";
    core::bump(counters_.booted);
    core::bump(counters_.boots_accepted_total);
    boot_deadline_.reset();
    link_->confirm(); // the connection counts as stable once it also lasts (reconnect backoff)
    if (interval.count() > 0)
      device_.set_internal("OCPPCommCtrlr", "HeartbeatInterval", std::to_string(interval.count()));
    sync_transaction_gauge();
    on_accepted();
    return;
  }
  registration_ = status == "Pending" ? RegistrationState::Pending : RegistrationState::Rejected;
  if (registration_ == RegistrationState::Rejected) core::bump(counters_.boots_rejected_total);
  boot_deadline_ = now() + (interval.count() > 0 ? interval : options_.boot_retry_fallback);
}

void ChargePoint::on_accepted() {
  const auto delays = ocpp::hardware_delays(options_);
  const std::uint32_t accept = ++accepts_;
  if (delays.boot_to_status.count() > 0) {
    // The hardware reports its EVSEs a moment after the boot is accepted; until then nothing
    // else goes out (pump() holds the queue) and sessions wait (after_boot_report_).
    statuses_held_ = true;
    delayed_.after(now() + delays.boot_to_status, [this, accept] {
      if (accept != accepts_ || !statuses_held_) return; // a later acceptance owns the report
      if (registration_ == RegistrationState::Accepted && connected_) send_boot_report();
    });
  } else {
    send_boot_report();
  }
  if (!faults_scheduled_) schedule_fault();
  heartbeat_due_ = heartbeat_interval().count() > 0 ? std::optional{now() + heartbeat_interval()} : std::nullopt;
  pump();
}

void ChargePoint::send_boot_report() {
  statuses_held_ = false;
  // At the head of the queue: events queued while offline follow.
  for (int id = 1; id <= model_.connector_count(); ++id)
    send_status(id, static_cast<std::size_t>(id - 1));
  after_boot_report_.run_all(); // sessions asked for meanwhile: their messages queue behind
  pump();
}

void ChargePoint::handle_result(const rpc::OutstandingCall& call, const Json& payload) {
  if (call.action == "TransactionEvent") {
    const auto it = std::find_if(tracks_.begin(), tracks_.end(),
                                 [&](const TxTrack& t) { return t.started_cookie == call.cookie && call.cookie != 0; });
    if (it == tracks_.end()) return;
    // The Started event's answer: without idTokenInfo the CSMS raised no objection.
    const Json* info = payload.is_object() && payload.contains("idTokenInfo") ? &payload["idTokenInfo"] : nullptr;
    const std::string status =
        info == nullptr ? std::string{"Accepted"} : (info->is_object() ? info->value("status", "") : "");
    const bool accepted = tally_.on_start_answer(status);
    auto* c = model_.connector(it->evse_id);
    if (c != nullptr && c->transaction() && c->transaction()->local_id == it->transaction_id) {
      c->transaction()->confirmed = accepted;
      sync_transaction_gauge();
    }
    if (!accepted && device_.get_bool("TxCtrlr", "StopTxOnInvalidId").value_or(true))
      end_transaction(it->evse_id, charger::StopReason::DeAuthorized);
    return;
  }
  if (call.action == "Authorize") {
    const auto it = std::find_if(pending_authorize_.begin(), pending_authorize_.end(),
                                 [&](const PendingAuthorize& p) { return p.cookie == call.cookie; });
    if (it == pending_authorize_.end()) return;
    PendingAuthorize pending = std::move(*it);
    pending_authorize_.erase(it);
    const Json* info = payload.is_object() && payload.contains("idTokenInfo") ? &payload["idTokenInfo"] : nullptr;
    const std::string status = info != nullptr && info->is_object() ? info->value("status", "") : "";
    // A refused Authorize is a refused start (counted by status); no transaction follows.
    if (!tally_.on_authorize_answer(status)) return;
    const auto delay = ocpp::hardware_delays(options_).authorize_to_start;
    if (delay.count() <= 0)
      return begin_transaction(pending.evse_id, pending.id_token,
                               pending.remote_start_id ? "RemoteStart" : "Authorized", pending.remote_start_id);
    delayed_.after(now() + delay, [this, p = std::move(pending)] {
      begin_transaction(p.evse_id, p.id_token, p.remote_start_id ? "RemoteStart" : "Authorized", p.remote_start_id);
    });
  }
}

void ChargePoint::handle_error(const rpc::OutstandingCall& call, const std::string& code) {
  core::logger()->info("charger {}: CSMS answered {} with CALLERROR {}", identity(), call.action, code);
  if (call.action == "Authorize")
    std::erase_if(pending_authorize_, [&](const PendingAuthorize& p) { return p.cookie == call.cookie; });
}

// ---------------------------------------------------------------- sending

void ChargePoint::send_boot() {
  registration_ = RegistrationState::Booting;
  write_frame(rpc::serialize_call(boot_.send(now()), "BootNotification",
                                  boot_notification_request(model_.identity(), boot_reason_)));
  core::bump(counters_.calls_sent_total);
  boot_deadline_ = now() + options_.call_timeout;
  rearm();
}

void ChargePoint::record_latency(const rpc::OutstandingCall& call) {
  counters_.latency.record(call.action, now() - (call.deadline - options_.call_timeout));
}

rpc::RetryPolicy ChargePoint::transaction_retry() const {
  // E13 (transaction-related message not accepted): a TransactionEvent the CSMS failed to
  // process is sent up to MessageAttempts[TransactionEvent] times, waiting
  // MessageAttemptInterval[TransactionEvent] * (transmissions so far) before each resend.
  const auto attempts = device_.get_int("OCPPCommCtrlr", "MessageAttempts", "TransactionEvent").value_or(3);
  const auto interval = device_.get_int("OCPPCommCtrlr", "MessageAttemptInterval", "TransactionEvent").value_or(10);
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
  // Only the boot may go out before the CSMS accepted us (B02/B03), and after it nothing
  // before the boot-time StatusNotifications (a CSMS refuses events for an EVSE it has not
  // heard of).
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

void ChargePoint::send_status(int evse_id, std::optional<std::size_t> front) {
  const auto* c = model_.connector(evse_id);
  if (c == nullptr) return;
  const auto status = c->status();
  reported_status_[static_cast<std::size_t>(evse_id)] = static_cast<std::uint8_t>(status);
  auto payload = status_notification_request(evse_id, 1, status, clock_.wall_now());
  if (!front) return enqueue("StatusNotification", payload);
  if (!pipeline_.enqueue_at(*front, "StatusNotification", payload)) {
    core::bump(counters_.frames_dropped_total);
    core::logger()->warn("charger {}: outbound call queue full, dropping a call", identity());
  }
}

void ChargePoint::report_status_changes() {
  if (registration_ != RegistrationState::Accepted || statuses_held_) return;
  for (int id = 1; id <= model_.connector_count(); ++id) {
    const auto status = model_.connector(id)->status();
    const auto reported = reported_status_[static_cast<std::size_t>(id)];
    // 2.0.1 folds Preparing..Finishing into Occupied: only a change of the 2.0.1 value is news.
    if (reported == kNeverReported ||
        connector_status(static_cast<charger::ConnectorStatus>(reported)) != connector_status(status))
      send_status(id);
  }
  for (auto& track : tracks_) {
    const auto* c = model_.connector(track.evse_id);
    if (c != nullptr && c->transaction() && charging_state(*c) != track.charging_state)
      send_transaction_update(track.evse_id, "ChargingStateChanged", {});
  }
}

// ---------------------------------------------------------------- timing

std::chrono::seconds ChargePoint::heartbeat_interval() const {
  return std::chrono::seconds{device_.get_int("OCPPCommCtrlr", "HeartbeatInterval").value_or(300)};
}

std::chrono::seconds ChargePoint::sample_interval() const {
  return std::chrono::seconds{device_.get_int("SampledDataCtrlr", "TxUpdatedInterval").value_or(60)};
}

std::optional<SteadyTime> ChargePoint::first_sample_due() const {
  const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(sample_interval());
  if (interval.count() <= 0) return std::nullopt;
  // This charger's seeded place in the interval, so a fleet's samples spread over it.
  return now() + ocpp::meter_phase(options_.seed, identity(), interval);
}

std::string ChargePoint::measurands(std::string_view variable, std::string_view fallback) const {
  const auto dot = variable.find('.');
  auto v = device_.get(variable.substr(0, dot), variable.substr(dot + 1));
  return v && !v->empty() ? *v : std::string{fallback};
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
    boot_reason_ = "RemoteReset";
    accepted_this_power_cycle_ = false; // a reboot: boot again on the new connection
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
        std::erase_if(pending_authorize_, [&](const PendingAuthorize& p) { return p.cookie == expired->call.cookie; });
    }
  }
  if (heartbeat_due_ && *heartbeat_due_ <= t) {
    enqueue("Heartbeat", Json::object());
    heartbeat_due_ = t + heartbeat_interval();
  }
  if (sample_due_ && *sample_due_ <= t) {
    // Offline, samples are queued with the transaction's other events; past half the
    // queue they are skipped so Ended events always find room.
    const bool room = connected_ || pipeline_.queued() < options_.max_queued_calls / 2;
    for (auto& track : tracks_)
      if (room) send_transaction_update(track.evse_id, "MeterValuePeriodic", "Sample.Periodic");
    sample_due_ =
        !tracks_.empty() && sample_interval().count() > 0 ? std::optional{t + sample_interval()} : std::nullopt;
  }
  report_status_changes();
  pump();
  rearm();
}

void ChargePoint::schedule_fault() {
  faults_scheduled_ = true;
  ocpp::schedule_fault(delayed_, *this, options_, clock_, model_.connector_count(), faults_seen_);
}

} // namespace ocppfleet::v201
