#pragma once
// What the fleet engine (and, through it, the control API) sees of a charger, whatever
// its OCPP version. Each adapter (ocpp/v16, ocpp/v201) implements it; the engine holds
// chargers through this interface so one fleet can mix versions. All calls happen on
// the charger's shard thread.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "simulator/catalog/ev_profiles.hpp"
#include "simulator/catalog/profile.hpp"
#include "simulator/charger/charger_model.hpp"
#include "simulator/charger/connector_status.hpp"
#include "simulator/ocpp/rpc/frame_log.hpp"
#include "simulator/transport/link.hpp"
#include "simulator/transport/link_error.hpp"

namespace ocppfleet::ocpp {

enum class ProtocolVersion : std::uint8_t { V16, V201 };
// "1.6" / "2.0.1"
std::string_view to_string(ProtocolVersion v);
// Accepts "1.6", "2.0.1" (and the subprotocol spellings "ocpp1.6", "ocpp2.0.1").
std::optional<ProtocolVersion> parse_protocol_version(std::string_view text);
// The WebSocket subprotocol: "ocpp1.6" / "ocpp2.0.1".
std::string_view subprotocol(ProtocolVersion v);

enum class RegistrationState { Offline, Booting, Pending, Rejected, Accepted };
std::string_view to_string(RegistrationState s);

struct ChargePointOptions {
  std::chrono::milliseconds call_timeout{30'000};
  std::chrono::seconds boot_retry_fallback{30}; // when the CSMS gives interval 0 or no answer
  std::chrono::milliseconds reset_delay{500};   // from the Reset answer to the reconnect
  // stop() first ends running transactions with the CSMS (1.6 StopTransaction, 2.0.1
  // TransactionEvent Ended, reason Local) and closes once they are answered or stop_grace
  // has passed; false: the old behaviour, close at once and leave them running.
  bool end_transactions_on_stop = true;
  std::chrono::milliseconds stop_grace{2000};
  std::size_t frame_log_capacity = 64;
  std::size_t frame_log_frame_bytes = rpc::FrameLog::kDefaultMaxFrameBytes; // longer frames are stored cut
  std::size_t max_queued_calls = 64;
  std::uint64_t seed = 1;
  // The brand/model profile (identity, connectors, configuration, supported actions); null
  // for the built-in generic charger. Shared and immutable: whoever creates the charger
  // keeps it alive for the charger's life (the fleet's shard does).
  const catalog::ModelProfile* profile = nullptr;
  // EVs that arrive for sessions (seeded pick per session); null: the generic EV.
  const catalog::EvCatalog* evs = nullptr;
  // Sees every frame in and out (null: none); `observer_key` says which charger it was.
  rpc::FrameObserver* frame_observer = nullptr;
  std::uint64_t observer_key = 0;
  // Position in the seeded fleet: picks this charger's EVs (catalog::ev_seed).
  std::uint64_t fleet_index = 0;
};

// What other threads may read (copied out on the shard thread).
struct ChargePointSnapshot {
  std::string identity;
  ProtocolVersion version = ProtocolVersion::V16;
  transport::LinkState link_state = transport::LinkState::Idle;
  RegistrationState registration = RegistrationState::Offline;
  std::optional<transport::LinkFailure> last_failure;
  std::uint32_t connect_attempts = 0;
  std::uint32_t boots_sent = 0;
  struct ConnectorView {
    int id; // 1.6 connector id; 2.0.1 EVSE id (one connector per EVSE)
    charger::ConnectorStatus status;
    double energy_wh;
    double power_w;
    std::optional<std::string> transaction_id;       // our local id (the 2.0.1 transactionId)
    std::optional<std::int64_t> csms_transaction_id; // 1.6 only: the id the CSMS assigned
  };
  std::vector<ConnectorView> connectors;
};

class ChargePointBase {
public:
  virtual ~ChargePointBase() = default;

  virtual void start() = 0;
  virtual void stop() = 0;

  // Driver actions (the simulated user at the charger), also used by commands. Connector
  // ids are 1-based (a 2.0.1 charger has one connector per EVSE: id = EVSE id).
  virtual bool plug(int connector_id) = 0;
  virtual bool unplug(int connector_id) = 0;
  // Plug (if needed), authorize, then start a transaction.
  virtual bool start_session(int connector_id, std::string id_tag) = 0;
  // Stop the transaction (reason Local), then unplug.
  virtual bool stop_session(int connector_id) = 0;
  virtual void inject_fault(int connector_id, std::string error_code) = 0;
  virtual void clear_fault(int connector_id) = 0;
  // Commands of the control API (driver_actions.cpp of each adapter). Each sends what it
  // needs through the normal call pipeline and returns at once (false: not applicable).
  // Authorize only: the answer starts nothing.
  virtual bool authorize(int connector_id, std::string id_tag) = 0;
  // Plug (if needed) and start a transaction without Authorize.
  virtual bool start_transaction(int connector_id, std::string id_tag) = 0;
  // Stop the transaction; the EV stays plugged.
  virtual bool stop_transaction(int connector_id, charger::StopReason reason) = 0;
  // Reboot: transactions end (HardReset / SoftReset), reconnect, boot again.
  virtual void reset(bool hard) = 0;
  // Unlock the connector (1.6 ends a running transaction first; 2.0.1 refuses during one).
  virtual bool unlock(int connector_id) = 0;
  // A local configuration change (1.6 key; 2.0.1 "Component.Variable"), applied internally
  // (read-only values too, still type-checked); false when unknown or invalid.
  virtual bool set_configuration(std::string key, std::string value) = 0;
  // One charger->CSMS CALL with this action and payload (a JSON object).
  virtual bool send_call(std::string action, nlohmann::json payload) = 0;
  // Drops the TCP link without a close handshake (storm).
  virtual void drop_link() = 0;
  // Seconds between meter samples during a transaction (1.6 MeterValueSampleInterval,
  // 2.0.1 SampledDataCtrlr.TxUpdatedInterval); false when the value is refused.
  virtual bool set_meter_interval(std::chrono::seconds interval) = 0;
  virtual void set_basic_auth_password(std::optional<std::string> password) = 0;

  [[nodiscard]] virtual ChargePointSnapshot snapshot() = 0;
  [[nodiscard]] virtual std::vector<rpc::FrameRecord> frames() const = 0;
  [[nodiscard]] virtual const std::string& identity() const noexcept = 0;
  [[nodiscard]] virtual ProtocolVersion version() const noexcept = 0;
  [[nodiscard]] virtual RegistrationState registration() const noexcept = 0;
  [[nodiscard]] virtual transport::Link& link() noexcept = 0;
};

// ---- what a profile changes, shared by both adapters (profile_support.cpp) ----

// The EV that arrives for `session` (0, 1, ...) on connector `connector_id`: a seeded pick
// among the catalogue's EVs that fit the connector, or the generic EV without a catalogue.
charger::EvSpec ev_for_session(const ChargePointOptions& options, int connector_id, std::uint64_t session);
// The charger model: `count` connectors of `fallback`, or with a profile its connectors
// (all EVSEs' connectors in order, the 1.6 numbering).
charger::ChargerModel build_charger_model(charger::ChargerIdentity identity, const charger::ConnectorSpec& fallback,
                                          int count, const ChargePointOptions& options);
// The profile's hardware delays (zero without a profile).
struct HardwareDelays {
  std::chrono::milliseconds boot_to_status{0};
  std::chrono::milliseconds authorize_to_start{0};
  std::chrono::milliseconds start_to_charging{0};
};
HardwareDelays hardware_delays(const ChargePointOptions& options);
// The n-th seeded fault of a charger (profile fault model: error codes drawn uniformly, a
// Poisson process of rate_per_hour per connector): when it comes after the previous one,
// on which connector, with which code, and for how long. nullopt: the profile has none.
struct FaultEvent {
  std::chrono::milliseconds after;
  int connector_id;
  std::string error_code;
  std::chrono::milliseconds lasts;
};
std::optional<FaultEvent> next_fault(const ChargePointOptions& options, std::string_view identity, int connectors,
                                     std::uint32_t n);
// Whether `action` is one a CSMS may send in `version` (known to the spec).
bool is_csms_action(ProtocolVersion version, std::string_view action);
// True when the charger's profile leaves out `action`, a recognised CSMS action: answered
// NotSupported (an unknown action stays NotImplemented). Without a profile: false.
bool action_disabled(const ChargePointOptions& options, ProtocolVersion version, std::string_view action);
// The CALLERROR for a CSMS action we will not run: NotSupported for an action the spec
// defines ("recognised but not supported", OCPP-J §4.2.3) that the profile leaves out or we
// do not implement (`implemented` = the adapter has a handler); nullopt otherwise (an unknown
// action is NotImplemented through the dispatch table).
std::optional<std::string> not_supported_reason(const ChargePointOptions& options, ProtocolVersion version,
                                                std::string_view action, bool implemented);

} // namespace ocppfleet::ocpp
