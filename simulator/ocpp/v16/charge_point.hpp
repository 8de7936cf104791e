#pragma once
// An OCPP 1.6-J charge point: adapts the version-neutral charger model to 1.6 messages
// over one Link. Lives on one shard thread; all timing goes through one protocol timer
// armed for the earliest of a few deadlines (boot retry, heartbeat, meter sample, call
// timeout, reset), so an idle charger costs no CPU and little memory.
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
#include "simulator/charger/config_store.hpp"
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
#include "simulator/transport/link.hpp"

namespace ocppfleet::v16 {

using Json = nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

using ocpp::ChargePointOptions;
using ocpp::ChargePointSnapshot;
using ocpp::RegistrationState;
using ocpp::to_string;

class ChargePoint final : public ocpp::ChargePointBase,
                          public transport::LinkListener,
                          public std::enable_shared_from_this<ChargePoint> {
public:
  ChargePoint(boost::asio::any_io_executor executor, const core::Clock& clock, core::FleetCounters& counters,
              std::shared_ptr<const transport::LinkConfig> link_config, charger::ChargerIdentity identity,
              const charger::ConnectorSpec& connector_spec, int connector_count, ChargePointOptions options);
  ~ChargePoint();

  // ocpp::ChargePointBase (1.6: StartTransaction / StopTransaction, connector ids as is)
  void start() override;
  void stop() override;
  bool plug(int connector_id) override;
  bool unplug(int connector_id) override;
  bool start_session(int connector_id, std::string id_tag) override;
  bool stop_session(int connector_id) override;
  void inject_fault(int connector_id, std::string error_code) override;
  void clear_fault(int connector_id) override;
  bool authorize(int connector_id, std::string id_tag) override; // driver_actions.cpp
  bool start_transaction(int connector_id, std::string id_tag) override;
  bool stop_transaction(int connector_id, charger::StopReason reason) override;
  void reset(bool hard) override;
  bool unlock(int connector_id) override;
  bool set_configuration(std::string key, std::string value) override;
  bool send_call(std::string action, Json payload) override;
  void drop_link() override;
  bool set_meter_interval(std::chrono::seconds interval) override;
  void set_basic_auth_password(std::optional<std::string> password) override;
  [[nodiscard]] ChargePointSnapshot snapshot() override;
  [[nodiscard]] std::vector<rpc::FrameRecord> frames() const override { return frame_log_.snapshot(); }
  [[nodiscard]] const std::string& identity() const noexcept override { return model_.identity().identity; }
  [[nodiscard]] ocpp::ProtocolVersion version() const noexcept override { return ocpp::ProtocolVersion::V16; }
  [[nodiscard]] RegistrationState registration() const noexcept override { return registration_; }
  [[nodiscard]] transport::Link& link() noexcept override { return *link_; }

  // transport::LinkListener
  void on_link_open() override;
  void on_link_message(std::string_view text) override;
  void on_link_closed(const transport::LinkFailure& failure, bool will_retry) override;

  // ---- used by the CSMS-initiated handlers (handlers.cpp) ----
  charger::ChargerModel& model() noexcept { return model_; }
  charger::ConfigStore& config() noexcept { return config_; }
  // DataTransfer vendorIds this charger answers: its vendor, and its profile's vendor id.
  bool knows_vendor(std::string_view vendor_id) const {
    return vendor_id == model_.identity().vendor ||
           (options_.profile != nullptr && !options_.profile->personality.datatransfer_vendor_id.empty() &&
            vendor_id == options_.profile->personality.datatransfer_vendor_id);
  }
  const core::Clock& clock() const noexcept { return clock_; }
  SteadyTime now() const { return clock_.steady_now(); }
  enum class Deferred : std::uint8_t {
    RemoteStart,
    RemoteStop,
    Reset,
    Trigger,
    Unlock,
    AvailabilityChanged,
    ConfigChanged
  };
  // Work a handler wants done after its CALLRESULT is written.
  void defer(Deferred kind, int connector_id = 0, std::string arg = {}, std::int64_t number = 0);

private:
  struct DeferredWork {
    Deferred kind;
    int connector_id;
    std::string arg;
    std::int64_t number;
  };
  // A StartTransaction whose answer (the CSMS transaction id) we still need.
  struct TxRef {
    std::uint64_t seq;
    int connector_id;
    std::string local_id;
    std::optional<std::int64_t> csms_id;
    std::optional<Json> stop_payload; // StopTransaction waiting for the id
  };

  // Outgoing calls
  void send_boot();
  void enqueue(std::string action, const Json& payload, std::uint64_t cookie = 0, bool durable = false);
  void pump();
  void write_frame(std::string frame);
  // `front`: ahead of whatever is queued (the boot-time report goes before calls queued offline).
  void send_status(int connector_id, std::optional<std::size_t> front = std::nullopt);
  void report_status_changes();
  // The boot-time StatusNotifications (connectors 0..n, at the head of the queue), then the
  // session work held until they were out.
  void send_boot_report();
  // True once this connection's boot-time report is queued: session messages may follow.
  bool boot_report_sent() const {
    return connected_ && registration_ == RegistrationState::Accepted && !statuses_held_;
  }
  void send_meter_values(int connector_id, const char* context);
  void begin_transaction(int connector_id, const std::string& id_tag, std::optional<std::int64_t> remote_start_id);
  void end_transaction(int connector_id, charger::StopReason reason);
  void authorize_then_start(int connector_id, std::string id_tag);

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
  // This charger's share of the in-transaction gauge: its accepted transactions while booted.
  void sync_transaction_gauge() { tally_.sync(model_, connected_ && registration_ == RegistrationState::Accepted); }
  charger::EvSpec next_ev(int connector_id); // the EV of the next session (seeded)
  void schedule_fault();                     // the profile's seeded faults (common/hardware_personality.hpp)

  boost::asio::any_io_executor executor_;
  const core::Clock& clock_;
  core::FleetCounters& counters_;
  ocpp::TransactionTally tally_;
  ChargePointOptions options_;
  charger::ChargerModel model_;
  charger::ConfigStore config_;
  std::shared_ptr<transport::Link> link_;
  rpc::CallPipeline pipeline_;
  rpc::FrameLog frame_log_;
  boost::asio::steady_timer timer_;
  std::uint32_t timer_generation_ = 0;

  RegistrationState registration_ = RegistrationState::Offline;
  rpc::BootSlot boot_;                      // boots sent on this connection and not answered
  std::optional<SteadyTime> boot_deadline_; // retry boot / boot answer timeout
  std::optional<SteadyTime> heartbeat_due_;
  std::optional<SteadyTime> sample_due_;
  std::optional<SteadyTime> reset_due_;
  std::optional<SteadyTime> stop_due_;        // stop_grace ends
  std::optional<std::string> pending_reset_;  // "Hard" | "Soft"
  std::vector<std::uint8_t> reported_status_; // per connector 0..n, 0xFF = never reported
  std::vector<TxRef> tx_refs_;
  std::vector<DeferredWork> deferred_;
  std::uint64_t tx_seq_ = 0;
  std::uint64_t authorize_seq_ = 0;
  std::vector<std::pair<std::uint64_t, std::pair<int, std::string>>> pending_authorize_; // cookie -> (connector, idTag)
  std::uint32_t sessions_ = 0;
  std::uint32_t faults_seen_ = 0;
  ocpp::DelayedActions delayed_;
  ocpp::AfterBootReport after_boot_report_; // sessions asked for before the boot-time report
  bool statuses_held_ = false;              // boot accepted, first status report not due yet
  bool faults_scheduled_ = false;
  bool connected_ = false;
  bool stopped_ = false;
  bool stopping_ = false; // stop() waits for the transactions' last answers
};

// The 1.6 CSMS-initiated action table, shared by every 1.6 charge point.
const rpc::ActionRegistry<ChargePoint>& csms_actions();

} // namespace ocppfleet::v16
