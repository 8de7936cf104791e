#pragma once
// The version-neutral charger: connectors with physical state (plugged, EV drawing,
// fault, availability), transactions and meters. It knows no OCPP version and no socket:
// adapters read its derived status and drive it through these operations. Touched only
// from its shard thread (no locking).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "simulator/charger/connector_status.hpp"
#include "simulator/charger/meter.hpp"

namespace ocppfleet::charger {

using WallTime = std::chrono::system_clock::time_point;

struct ConnectorSpec {
  CurrentType current_type = CurrentType::AC;
  int phases = 3;              // AC only
  double voltage_v = 230.0;    // AC phase-to-neutral, or DC nominal
  double max_current_a = 32.0; // per phase for AC
  double max_power_w = 22'000.0;
};

// The most DC power an EV accepts by state of charge: points sorted by soc (0..1), linear
// between points and flat beyond the first and last. One curve per EV model, immutable and
// shared by every connector that has such an EV plugged (the catalog owns it).
struct ChargingCurve {
  struct Point {
    double soc = 0.0;         // 0..1
    double max_power_w = 0.0; // >= 0
  };
  std::vector<Point> points;

  // +infinity for an empty curve (no limit beyond the EV's max_dc_power_w).
  [[nodiscard]] double max_power_at(double soc) const noexcept;
};

// The vehicle plugged into a connector. The first four fields are the simple model; the
// rest (from the catalog's EV profiles) default to it: pack voltage of the connector, all
// its phases, and a flat DC limit to 80 % SoC that tapers to a tenth at 100 %.
struct EvSpec {
  double battery_wh = 60'000.0;
  double max_ac_power_w = 11'000.0;
  double max_dc_power_w = 100'000.0;
  double initial_soc = 0.2; // 0..1
  // Nominal pack voltage for DC; the pack's voltage rises with SoC around it, and DC power is
  // also limited by that voltage times the connector's max current. 0 = the connector's voltage.
  double battery_voltage_v = 0.0;
  int ac_phases = 0;                       // phases the on-board charger draws on (1..3); 0 = all the connector has
  const ChargingCurve* dc_curve = nullptr; // must outlive the plug; nullptr = the simple taper
};

struct Transaction {
  std::string local_id;                // our own id (2.0.1 transactionId; unique per charger)
  std::optional<std::int64_t> csms_id; // 1.6 transactionId assigned by the CSMS
  std::string id_tag;
  double meter_start_wh = 0.0;
  WallTime started_at{};
  std::optional<std::int64_t> remote_start_id;
  // The CSMS accepted its start (1.6 StartTransaction / 2.0.1 TransactionEvent Started): only
  // then is it a started transaction in the fleet's figures (ocpp/common/transaction_tally.hpp).
  bool confirmed = false;
};

enum class Availability { Operative, Inoperative };
enum class AvailabilityChange { Accepted, Scheduled, Rejected };

// Why a transaction stopped, neutral names (1.6 "reason" values are the superset).
enum class StopReason {
  Local,
  Remote,
  EVDisconnected,
  HardReset,
  SoftReset,
  PowerLoss,
  Reboot,
  UnlockCommand,
  DeAuthorized,
  EmergencyStop,
  Other
};
std::string_view to_string(StopReason r);

struct Fault {
  std::string error_code; // neutral vocabulary = 1.6 ChargePointErrorCode names, e.g. "GroundFailure"
  std::string info;
};

class Connector {
public:
  Connector(int id, const ConnectorSpec& spec, double initial_energy_wh = 0.0);
  Connector(int id, const ConnectorSpec&& spec, double initial_energy_wh = 0.0) = delete; // spec is kept by address

  [[nodiscard]] int id() const noexcept { return id_; }
  [[nodiscard]] const ConnectorSpec& spec() const noexcept { return *spec_; }
  [[nodiscard]] ConnectorStatus status() const noexcept; // derived, see connector_status.hpp
  [[nodiscard]] bool plugged() const noexcept { return plugged_; }
  [[nodiscard]] bool ev_drawing() const noexcept; // true when the meter shows power > 0
  [[nodiscard]] const std::optional<Transaction>& transaction() const noexcept { return tx_; }
  [[nodiscard]] std::optional<Transaction>& transaction() noexcept { return tx_; }
  [[nodiscard]] const std::optional<Fault>& fault() const noexcept { return fault_; }
  [[nodiscard]] Availability availability() const noexcept { return availability_; }
  [[nodiscard]] const Meter& meter() const noexcept { return meter_; }
  // State of charge of the plugged EV (0..100 %); nullopt when nothing is plugged. DC
  // adapters report it; AC EVs fill too (and stop drawing when full -> SuspendedEV).
  [[nodiscard]] std::optional<double> soc_percent() const noexcept;
  // Phases the meter's current flows on, so that power = voltage * current * active_phases():
  // AC, the connector's phases or fewer when the plugged EV's on-board charger uses fewer;
  // DC, always 1.
  [[nodiscard]] int active_phases() const noexcept;

  // Physical operations. Each recomputes the operating point at `now`.
  void plug(SteadyTime now, const EvSpec& ev);
  void unplug(SteadyTime now); // ends "Finishing"; a running transaction must be stopped first by the caller
  void set_ev_suspended(SteadyTime now, bool suspended);                   // EV stops/resumes drawing (SuspendedEV)
  void set_offered_limit_w(SteadyTime now, std::optional<double> limit_w); // 0 -> SuspendedEVSE
  void set_fault(SteadyTime now, Fault f);
  void clear_fault(SteadyTime now);
  void set_reserved(bool reserved) { reserved_ = reserved; }
  // Inoperative while a transaction runs -> Scheduled (applied when it ends).
  AvailabilityChange request_availability(SteadyTime now, Availability a);

  // Transactions: start needs plugged and no fault and Operative; returns false otherwise.
  // Starting consumes a reservation (the adapter has matched the idTag) and ends Finishing.
  bool start_transaction(SteadyTime now, Transaction tx);
  // Ends the transaction (meter integrated to now); returns it. Applies a scheduled
  // availability change. The connector shows Finishing while still plugged.
  std::optional<Transaction> stop_transaction(SteadyTime now);

  // Integrates energy up to now and moves the EV's SoC (DC taper). Call before reading.
  void advance(SteadyTime now);

private:
  void recompute(SteadyTime now);

  const ConnectorSpec* spec_;
  int id_;
  bool plugged_ = false;
  bool finishing_ = false;
  bool ev_suspended_ = false;
  bool reserved_ = false;
  Availability availability_ = Availability::Operative;
  std::optional<Availability> scheduled_availability_;
  std::optional<double> offered_limit_w_;
  std::optional<Fault> fault_;
  // What the physics needs of the plugged EV (meaningful while plugged_): a compact copy of
  // EvSpec whose curve stays shared, so a connector is no bigger than with the simple model.
  struct PluggedEv {
    double battery_wh = 0.0;
    double max_ac_power_w = 0.0;
    double max_dc_power_w = 0.0;
    const ChargingCurve* dc_curve = nullptr;
    float battery_voltage_v = 0.0F;
    std::uint8_t ac_phases = 0;
  };
  PluggedEv ev_{};
  double ev_energy_wh_ = 0.0; // energy in the EV battery
  std::optional<Transaction> tx_;
  Meter meter_;
};

// Identity of the charge point as the CSMS sees it.
struct ChargerIdentity {
  std::string identity; // the path segment after ws_url
  std::string vendor = "ocppfleet";
  std::string model = "Virtual-1";
  std::string serial_number;
  std::string firmware_version = "0.1.0";
};

class ChargerModel {
public:
  // Connector ids are 1..n; `spec` must outlive the model (it is shared, immutable data).
  ChargerModel(ChargerIdentity identity, const ConnectorSpec& spec, int connector_count);
  ChargerModel(ChargerIdentity identity, const ConnectorSpec&& spec, int connector_count) = delete;
  // One spec per connector (connector n uses specs[n - 1]), e.g. a DC charger with an AC
  // outlet; every spec must outlive the model (they live in a shared brand/model profile).
  ChargerModel(ChargerIdentity identity, const std::vector<const ConnectorSpec*>& specs);

  [[nodiscard]] const ChargerIdentity& identity() const noexcept { return identity_; }
  [[nodiscard]] int connector_count() const noexcept { return static_cast<int>(connectors_.size()); }
  // 1-based; nullptr when out of range.
  [[nodiscard]] Connector* connector(int id) noexcept;
  [[nodiscard]] const Connector* connector(int id) const noexcept;
  [[nodiscard]] std::vector<Connector>& connectors() noexcept { return connectors_; }

  // Charge-point-wide (connector 0) state. availability() is the last requested value;
  // an Inoperative request takes effect (status() Unavailable) once no transaction runs.
  [[nodiscard]] Availability availability() const noexcept { return availability_; }
  // Connector 0: Unavailable or Available. The model has no charger-level fault; connector
  // faults are reported on their connectors.
  [[nodiscard]] ConnectorStatus status() const noexcept;
  AvailabilityChange request_availability(SteadyTime now, Availability a); // applies to every connector

  // A fresh local transaction id, unique per charger ("<identity>-<n>").
  std::string next_transaction_id();

  void advance(SteadyTime now);

private:
  ChargerIdentity identity_;
  std::vector<Connector> connectors_;
  Availability availability_ = Availability::Operative;
  std::uint64_t tx_counter_ = 0;
};

} // namespace ocppfleet::charger
