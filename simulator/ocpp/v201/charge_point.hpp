#pragma once
// An OCPP 2.0.1 charging station: adapts the version-neutral charger model to 2.0.1
// messages over one Link. Same shape as the 1.6 adapter (one protocol timer armed for the
// earliest deadline, deferred work after a CALLRESULT, durable transaction messages), but
// never includes it: the two versions share only ocpp/common, rpc, charger and transport.
// Topology: the model's connector n is EVSE n with connector 1.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/charger/charger_model.hpp"
#include "simulator/core/clock.hpp"
#include "simulator/core/fleet_counters.hpp"
#include "simulator/ocpp/common/after_boot_report.hpp"
#include "simulator/ocpp/common/charge_point_base.hpp"
#include "simulator/ocpp/common/delayed_actions.hpp"
#include "simulator/ocpp/common/transaction_tally.hpp"
#include "simulator/ocpp/rpc/boot_slot.hpp"
#include "simulator/ocpp/rpc/call_pipeline.hpp"
#include "simulator/ocpp/rpc/frame_log.hpp"
#include "simulator/ocpp/rpc/registry.hpp"
#include "simulator/ocpp/v201/device_model.hpp"
#include "simulator/transport/link.hpp"

namespace ocppfleet::v201 {

using Json = nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;
using ocpp::ChargePointOptions;
using ocpp::ChargePointSnapshot;
using ocpp::RegistrationState;

class ChargePoint final : public ocpp::ChargePointBase,
                          public transport::LinkListener,
                          public std::enable_shared_from_this<ChargePoint> {
public:
  ChargePoint(boost::asio::any_io_executor executor, const core::Clock& clock, core::FleetCounters& counters,
              std::shared_ptr<const transport::LinkConfig> link_config, charger::ChargerIdentity identity,
              const charger::ConnectorSpec& connector_spec, int connector_count, ChargePointOptions options);
  ~ChargePoint() override;

  // ocpp::ChargePointBase (connector id = EVSE id)
  void start() override;
  void stop() override;
  bool plug(int evse_id) override;
  bool unplug(int evse_id) override;
  bool start_session(int evse_id, std::string id_tag) override;
  bool stop_session(int evse_id) override;
  void inject_fault(int evse_id, std::string error_code) override;
  void clear_fault(int evse_id) override;
  bool authorize(int evse_id, std::string id_tag) override; // driver_actions.cpp
  bool start_transaction(int evse_id, std::string id_tag) override;
  bool stop_transaction(int evse_id, charger::StopReason reason) override;
  void reset(bool hard) override;
  bool unlock(int evse_id) override;
  bool set_configuration(std::string key, std::string value) override;
  bool send_call(std::string action, Json payload) override;
  void drop_link() override;
  bool set_meter_interval(std::chrono::seconds interval) override;
  void set_basic_auth_password(std::optional<std::string> password) override;
  [[nodiscard]] ChargePointSnapshot snapshot() override;
  [[nodiscard]] std::vector<rpc::FrameRecord> frames() const override { return frame_log_.snapshot(); }
  [[nodiscard]] const std::string& identity() const noexcept override { return model_.identity().identity; }
  [[nodiscard]] ocpp::ProtocolVersion version() const noexcept override { return ocpp::ProtocolVersion::V201; }
  [[nodiscard]] RegistrationState registration() const noexcept override { return registration_; }
  [[nodiscard]] transport::Link& link() noexcept override { return *link_; }

  // transport::LinkListener
  void on_link_open() override;
  void on_link_message(std::string_view text) override;
  void on_link_closed(const transport::LinkFailure& failure, bool will_retry) override;

  // ---- used by the CSMS-initiated handlers (handlers.cpp) ----
  charger::ChargerModel& model() noexcept { return model_; }
  DeviceModel& device_model() noexcept { return device_; }
  bool knows_vendor(std::string_view vendor_id) const {
    return vendor_id == model_.identity().vendor ||
           (options_.profile != nullptr && !options_.profile->personality.datatransfer_vendor_id.empty() &&
            vendor_id == options_.profile->personality.datatransfer_vendor_id);
  }
  const core::Clock& clock() const noexcept { return clock_; }
  SteadyTime now() const { return clock_.steady_now(); }
  // Size of the frame being handled (BytesPerMessage checks).
  [[nodiscard]] std::size_t inbound_bytes() const noexcept { return inbound_bytes_; }
  // True while a reset waits for transactions to end (Reset OnIdle answered Scheduled).
  [[nodiscard]] bool reset_scheduled() const noexcept { return reset_on_idle_; }
  void schedule_reset_on_idle() noexcept { reset_on_idle_ = true; }
  enum class Deferred : std::uint8_t {
    RemoteStart,
    RemoteStop,
    ResetStation,
    ResetEvse,
    Trigger,
    AvailabilityChanged,
    VariablesChanged,
    BaseReport,
    Unlock
  };
  // Work a handler wants done after its CALLRESULT is written. `payload` carries what the
  // work needs (an idToken, a report's entries, ...).
  void defer(Deferred kind, int evse_id = 0, std::string arg = {}, std::int64_t number = 0, Json payload = {});

private:
  struct DeferredWork {
    Deferred kind;
    int evse_id;
    std::string arg;
    std::int64_t number;
    Json payload;
  };
  // A running transaction's 2.0.1 bookkeeping (only while one runs on the EVSE).
  struct TxTrack {
    int evse_id;
    std::string transaction_id;
    std::int32_t seq_no = 0;
    std::string charging_state;       // last one reported
    std::uint64_t started_cookie = 0; // correlates the Started event's answer (idTokenInfo)
  };
  struct PendingAuthorize {
    std::uint64_t cookie;
    int evse_id;
    Json id_token;
    std::optional<std::int64_t> remote_start_id;
  };

  // Outgoing calls
  void send_boot();
  void enqueue(std::string action, const Json& payload, std::uint64_t cookie = 0, bool durable = false);
  void pump();
  void write_frame(std::string frame);
  // `front`: ahead of whatever is queued (the boot-time report goes before events queued offline).
  void send_status(int evse_id, std::optional<std::size_t> front = std::nullopt);
  void report_status_changes();
  // The boot-time StatusNotifications (every EVSE, at the head of the queue), then the
  // session work held until they were out.
  void send_boot_report();
  // True once this connection's boot-time report is queued: session messages may follow.
  bool boot_report_sent() const {
    return connected_ && registration_ == RegistrationState::Accepted && !statuses_held_;
  }
  void begin_transaction(int evse_id, const Json& id_token, std::string_view trigger,
                         std::optional<std::int64_t> remote_start_id);
  void end_transaction(int evse_id, charger::StopReason reason);
  // TransactionEvent Updated for `evse_id` (trigger e.g. "MeterValuePeriodic").
  void send_transaction_update(int evse_id, std::string_view trigger, std::string_view context);
  Json transaction_event(std::string_view type, std::string_view trigger, TxTrack& track, const charger::Connector& c);
  void authorize_then_start(int evse_id, Json id_token, std::optional<std::int64_t> remote_start_id);
  TxTrack* track_of(int evse_id);
  bool any_transaction() const;
  void maybe_reset_when_idle();

  // Incoming frames
  void handle_call(const rpc::Call& call);
  void handle_result(const rpc::OutstandingCall& call, const Json& payload);
  void handle_error(const rpc::OutstandingCall& call, const std::string& code);
  void handle_boot_result(const Json& payload);
  void record_latency(const rpc::OutstandingCall& call);
  // Transaction messages the CSMS failed to process: the spec's retry settings, and notes.
  rpc::RetryPolicy transaction_retry() const;
  void note_retry(const rpc::OutstandingCall& call, const std::string& why);
  void note_abandoned(const rpc::OutstandingCall& call);
  void run_deferred();
  void run_trigger(const DeferredWork& w);

  // Stopping (stop(): end transactions, wait for their answers within stop_grace)
  bool drained() const;
  void finish_stop();

  // Timing
  void rearm();
  void on_timer(std::uint32_t generation);
  void on_accepted();
  std::chrono::seconds heartbeat_interval() const;
  std::chrono::seconds sample_interval() const;
  // When the first periodic sample of a schedule starting now is due (seeded phase), or none.
  std::optional<SteadyTime> first_sample_due() const;
  std::string measurands(std::string_view variable, std::string_view fallback) const;
  // This station's share of the in-transaction gauge: its accepted transactions while online.
  void sync_transaction_gauge() { tally_.sync(model_, connected_ && registration_ == RegistrationState::Accepted); }
  charger::EvSpec next_ev(int evse_id); // the EV of the next session (seeded)
  void schedule_fault();                // the profile's seeded faults (common/hardware_personality.hpp)

  boost::asio::any_io_executor executor_;
  const core::Clock& clock_;
  core::FleetCounters& counters_;
  ocpp::TransactionTally tally_;
  ChargePointOptions options_;
  charger::ChargerModel model_;
  DeviceModel device_;
  std::shared_ptr<transport::Link> link_;
  rpc::CallPipeline pipeline_;
  rpc::FrameLog frame_log_;
  boost::asio::steady_timer timer_;
  std::uint32_t timer_generation_ = 0;

  RegistrationState registration_ = RegistrationState::Offline;
  rpc::BootSlot boot_; // boots sent on this connection and not answered
  const char* boot_reason_ = "PowerUp";
  std::optional<SteadyTime> boot_deadline_;
  std::optional<SteadyTime> heartbeat_due_;
  std::optional<SteadyTime> sample_due_;
  std::optional<SteadyTime> reset_due_;
  std::optional<SteadyTime> stop_due_;        // stop_grace ends
  std::vector<std::uint8_t> reported_status_; // per EVSE 1..n (index 0 unused), 0xFF = never
  std::vector<TxTrack> tracks_;
  std::vector<DeferredWork> deferred_;
  std::vector<PendingAuthorize> pending_authorize_;
  std::uint64_t authorize_seq_ = 0;
  std::int64_t report_request_seq_ = 0;
  bool connected_ = false;
  bool stopped_ = false;
  bool stopping_ = false; // stop() waits for the transactions' last answers
  bool reset_on_idle_ = false;
  // A 2.0.1 station boots once per power cycle (start or reset); after a lost connection it
  // resumes as Accepted and reports its EVSEs again instead of booting anew.
  bool accepted_this_power_cycle_ = false;
  std::uint64_t tx_cookie_seq_ = 0;
  std::uint32_t sessions_ = 0;
  std::uint32_t faults_seen_ = 0;
  std::uint32_t accepts_ = 0;
  std::uint32_t inbound_bytes_ = 0; // of the frame being handled
  ocpp::DelayedActions delayed_;
  ocpp::AfterBootReport after_boot_report_; // sessions asked for before the boot-time report
  bool statuses_held_ = false;              // accepted, first status report not due yet
  bool faults_scheduled_ = false;
};

// The 2.0.1 CSMS-initiated action table, shared by every 2.0.1 charging station.
const rpc::ActionRegistry<ChargePoint>& csms_actions();

} // namespace ocppfleet::v201
