#pragma once
// The embedded CSMS's public value types: snapshots of what a backend recorded, the events it
// publishes, and the outcome of a CSMS-initiated call. Plain copies: a reader never holds a
// lock or a reference into the live state.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ocppfleet::csms {

using Json = nlohmann::json;

// The backend behind /ocpp/<identity>. A CPO's backend is named by its cpo_id
// (/cpos/<cpo_id>/<identity>); "default" is therefore not a valid cpo_id.
inline constexpr std::string_view default_backend = "default";

// Status of one connector. OCPP 1.6 has no EVSE level: there `evse_id` is the 1.6 connectorId
// (a 1.6 connector is what 2.0.1 calls an EVSE) and `connector_id` repeats it; 0 is the station.
struct ConnectorStatus {
  int evse_id = 0;
  int connector_id = 0;
  std::string status;     // as sent: Available, Charging (1.6), Occupied (2.0.1), Faulted, ...
  std::string error_code; // 1.6 errorCode; "NoError" for 2.0.1, which has none
  std::string timestamp;  // the charger's, else when we received it
};

struct StationSnapshot {
  std::string backend;
  std::string identity;
  std::string ocpp_version; // "ocpp1.6" or "ocpp2.0.1"; of the latest connection
  bool connected = false;
  std::string vendor;
  std::string model;
  std::string serial_number;
  std::string firmware_version;
  std::string boot_status; // "" before the first BootNotification, else what we answered
  std::string last_boot_at;
  std::string last_seen;                   // RFC 3339, any frame from the station
  std::vector<ConnectorStatus> connectors; // sorted by (evse_id, connector_id)
};

enum class TransactionState { Active, Ended };

struct TransactionSnapshot {
  std::string backend;
  std::string identity;
  std::string transaction_id; // 1.6: the integer we minted, in decimal; 2.0.1: the station's
  int evse_id = 0;
  int connector_id = 0;
  std::string id_token;
  std::optional<double> meter_start_wh;
  std::optional<double> meter_stop_wh;
  std::optional<double> meter_last_wh; // the latest Energy.Active.Import.Register reading
  double energy_wh = 0;                // last (or stop) reading minus start; 0 until both exist
  std::string started_at;
  std::string stopped_at;
  std::string stop_reason;
  TransactionState state = TransactionState::Active;
  std::string updated_at;
};

struct IdTokenSnapshot {
  std::string backend;
  std::string id_token;
  std::string type;     // 2.0.1 IdTokenEnumType; "ISO14443" assumed for 1.6 idTags
  std::string identity; // the station that presented it last
  std::string first_seen;
  std::string last_seen;
};

// ---- events ----

struct ConnectionChanged {
  std::string backend;
  std::string identity;
  bool connected = false;
};

struct StatusChanged {
  std::string backend;
  std::string identity;
  ConnectorStatus status;
};

enum class TransactionChange { Started, Updated, Ended };

struct TransactionChanged {
  TransactionChange change = TransactionChange::Started;
  TransactionSnapshot transaction;
};

// Subscribers (the OCPI layer) implement what they need. Called on a CSMS network thread,
// after the state lock is released, so a listener may call the read API; it must not block
// (no I/O, no waiting): post the work elsewhere.
class EventListener {
public:
  virtual ~EventListener() = default;
  virtual void on_connection(const ConnectionChanged&) {}
  virtual void on_status(const StatusChanged&) {}
  virtual void on_transaction(const TransactionChanged&) {}
};

// ---- CSMS-initiated calls ----

enum class CallFailureKind {
  NotConnected,   // no live connection for (backend, identity)
  QueueFull,      // too many calls waiting for this connection
  Timeout,        // no answer within the call timeout
  ConnectionLost, // the connection closed before the answer
  CallError,      // the station answered with a CALLERROR (code/description/details)
  Invalid,        // the request could not be sent (e.g. a 1.6 transaction id that is not an integer)
};

struct CallFailure {
  CallFailureKind kind = CallFailureKind::NotConnected;
  std::string code; // CALLERROR code for CallError; otherwise a short name of the kind
  std::string description;
  Json details = Json::object();
};

// The CALLRESULT payload, or why there is none.
using CallOutcome = std::variant<Json, CallFailure>;
// Invoked exactly once: on the connection's network thread (must not block), or on the
// caller's thread when the call fails before it is sent (NotConnected, Invalid).
using CallCallback = std::function<void(CallOutcome)>;

std::string_view to_string(CallFailureKind kind);
std::string_view to_string(TransactionState state);

} // namespace ocppfleet::csms
