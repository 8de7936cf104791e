// The standard 2.0.1 components and variables the adapter implements (OCPP 2.0.1 Part 2,
// Appendix 3 "Standardized Components"), with the defaults our charger behaves by. Values
// that describe live state (AvailabilityState, Power) start at a static default; the adapter
// keeps them current with DeviceModel::set_internal.
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "simulator/ocpp/v201/device_model.hpp"

namespace ocppfleet::v201 {

namespace {

using enum DataType;
constexpr Mutability RO = Mutability::ReadOnly;
constexpr Mutability RW = Mutability::ReadWrite;
constexpr Mutability WO = Mutability::WriteOnly;

// Chained setters on the definition just appended; used only within one statement, before
// the next append can move it.
struct Ref {
  VariableDef& d;
  Ref instance(std::string_view i) const {
    d.instance = std::string{i};
    return *this;
  }
  Ref range(double lo, double hi) const {
    d.min = lo;
    d.max = hi;
    return *this;
  }
  Ref unit(std::string_view u) const {
    d.unit = std::string{u};
    return *this;
  }
  Ref values(std::vector<std::string> v) const {
    d.values_list = std::move(v);
    return *this;
  }
  Ref max_length(std::size_t n) const {
    d.max_length = n;
    return *this;
  }
  Ref reboot() const {
    d.reboot_required = true;
    return *this;
  }
  // Live state rather than configuration: not kept across a reboot.
  Ref state() const {
    d.persistent = false;
    return *this;
  }
  Ref constant() const {
    d.constant = true;
    return *this;
  }
};

class Adder {
public:
  explicit Adder(std::vector<VariableDef>& out) : out_(out) {}
  Ref operator()(std::string_view component, std::string_view variable, DataType type, Mutability m,
                 std::string_view value, std::optional<int> evse = std::nullopt,
                 std::optional<int> connector = std::nullopt) {
    VariableDef& d = out_.emplace_back();
    d.component = std::string{component};
    d.evse_id = evse;
    d.connector_id = connector;
    d.variable = std::string{variable};
    d.type = type;
    d.mutability = m;
    d.default_value = std::string{value};
    return Ref{d};
  }

private:
  std::vector<VariableDef>& out_;
};

std::vector<std::string> measurands() {
  return {"Current.Export",
          "Current.Import",
          "Current.Offered",
          "Energy.Active.Export.Register",
          "Energy.Active.Import.Register",
          "Energy.Reactive.Export.Register",
          "Energy.Reactive.Import.Register",
          "Energy.Active.Export.Interval",
          "Energy.Active.Import.Interval",
          "Energy.Active.Net",
          "Energy.Reactive.Export.Interval",
          "Energy.Reactive.Import.Interval",
          "Energy.Reactive.Net",
          "Energy.Apparent.Net",
          "Energy.Apparent.Import",
          "Energy.Apparent.Export",
          "Frequency",
          "Power.Active.Export",
          "Power.Active.Import",
          "Power.Factor",
          "Power.Offered",
          "Power.Reactive.Export",
          "Power.Reactive.Import",
          "SoC",
          "Voltage"};
}

// ConnectorStatusEnumType: what StatusNotification reports, so the two never disagree.
std::vector<std::string> availability_states() {
  return {"Available", "Occupied", "Reserved", "Unavailable", "Faulted"};
}

std::vector<std::string> tx_points() {
  return {"ParkingBayOccupancy", "EVConnected", "Authorized", "DataSigned", "PowerPathClosed", "EnergyTransfer"};
}

constexpr double kDay = 86'400;

} // namespace

std::vector<VariableDef> standard_variables(int evse_count) {
  std::vector<VariableDef> out;
  out.reserve(60 + 10 * static_cast<std::size_t>(evse_count < 0 ? 0 : evse_count));
  Adder add(out);

  add("ChargingStation", "Available", Boolean, RO, "true").state();
  add("ChargingStation", "AvailabilityState", OptionList, RO, "Available").values(availability_states()).state();

  // 2.0.1 moved the 1.6 HeartbeatInterval key onto OCPPCommCtrlr; the range mirrors 1.6.
  add("OCPPCommCtrlr", "HeartbeatInterval", Integer, RW, "300").range(0, kDay).unit("s");
  add("OCPPCommCtrlr", "MessageTimeout", Integer, RO, "30").instance("Default").range(1, 3600).unit("s");
  add("OCPPCommCtrlr", "MessageAttempts", Integer, RW, "3").instance("TransactionEvent").range(0, 100);
  add("OCPPCommCtrlr", "MessageAttemptInterval", Integer, RW, "10")
      .instance("TransactionEvent")
      .range(0, kDay)
      .unit("s");
  add("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", Integer, RW, "3").range(0, 100);
  add("OCPPCommCtrlr", "OfflineThreshold", Integer, RW, "60").range(0, kDay).unit("s");
  add("OCPPCommCtrlr", "RetryBackOffRepeatTimes", Integer, RW, "5").range(0, 100);
  add("OCPPCommCtrlr", "RetryBackOffRandomRange", Integer, RW, "10").range(0, 3600).unit("s");
  add("OCPPCommCtrlr", "RetryBackOffWaitMinimum", Integer, RW, "5").range(0, 3600).unit("s");
  // The link's ping timer is armed when it opens; as in 1.6, a new interval needs a reconnect.
  add("OCPPCommCtrlr", "WebSocketPingInterval", Integer, RW, "30").range(0, 3600).unit("s").reboot();
  add("OCPPCommCtrlr", "ResetRetries", Integer, RW, "2").range(0, 100);
  add("OCPPCommCtrlr", "UnlockOnEVSideDisconnect", Boolean, RO, "true").constant();

  add("SampledDataCtrlr", "Enabled", Boolean, RW, "true");
  add("SampledDataCtrlr", "TxUpdatedInterval", Integer, RW, "60").range(0, kDay).unit("s");
  add("SampledDataCtrlr", "TxUpdatedMeasurands", MemberList, RW,
      "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage")
      .values(measurands());
  add("SampledDataCtrlr", "TxStartedMeasurands", MemberList, RW, "Energy.Active.Import.Register").values(measurands());
  add("SampledDataCtrlr", "TxEndedMeasurands", MemberList, RW, "Energy.Active.Import.Register").values(measurands());
  add("SampledDataCtrlr", "TxEndedInterval", Integer, RW, "0").range(0, kDay).unit("s");

  add("AlignedDataCtrlr", "Interval", Integer, RW, "0").range(0, kDay).unit("s"); // 0 = no clock-aligned data
  add("AlignedDataCtrlr", "Measurands", MemberList, RW, "Energy.Active.Import.Register").values(measurands());

  add("AuthCtrlr", "Enabled", Boolean, RW, "true");
  add("AuthCtrlr", "AuthorizeRemoteStart", Boolean, RW, "true");
  add("AuthCtrlr", "LocalAuthorizeOffline", Boolean, RW, "true");
  add("AuthCtrlr", "LocalPreAuthorize", Boolean, RW, "false");
  add("AuthCacheCtrlr", "Enabled", Boolean, RW, "true");

  add("TxCtrlr", "EVConnectionTimeOut", Integer, RW, "60").range(0, 3600).unit("s");
  add("TxCtrlr", "StopTxOnEVSideDisconnect", Boolean, RO, "true").constant();
  add("TxCtrlr", "StopTxOnInvalidId", Boolean, RW, "true");
  // What the adapter implements: a transaction starts at the first of authorization and
  // plug-in and stops at the first of unplug and deauthorization.
  add("TxCtrlr", "TxStartPoint", MemberList, RO, "Authorized,EVConnected").values(tx_points()).constant();
  add("TxCtrlr", "TxStopPoint", MemberList, RO, "EVConnected,Authorized").values(tx_points()).constant();

  // Read-only to the CSMS; the station sets it from its connection settings (0 = plain ws, no auth).
  add("SecurityCtrlr", "SecurityProfile", Integer, RO, "1").range(0, 3);
  add("SecurityCtrlr", "BasicAuthPassword", String, WO, "").max_length(40);
  add("SecurityCtrlr", "Identity", String, RO, "").max_length(48);

  add("ClockCtrlr", "TimeSource", SequenceList, RW, "Heartbeat")
      .values({"Heartbeat", "NTP", "GPS", "RealTimeClock", "MobileNetwork", "RadioTimeTransmitter"});

  for (const char* message : {"GetReport", "GetVariables", "SetVariables"}) {
    const char* items = std::string_view{message} == "GetReport" ? "20" : "50";
    add("DeviceDataCtrlr", "ItemsPerMessage", Integer, RO, items).instance(message).range(1, 1000).constant();
    add("DeviceDataCtrlr", "BytesPerMessage", Integer, RO, "65000").instance(message).range(1, 1'000'000).constant();
  }

  for (int evse = 1; evse <= evse_count; ++evse) {
    add("EVSE", "Available", Boolean, RO, "true", evse).state();
    add("EVSE", "AvailabilityState", OptionList, RO, "Available", evse).values(availability_states()).state();
    add("EVSE", "Power", Decimal, RO, "0", evse).unit("W").state();
    add("EVSE", "SupplyPhases", Integer, RO, "3", evse).range(0, 3).constant();
    add("Connector", "Available", Boolean, RO, "true", evse, 1).state();
    add("Connector", "AvailabilityState", OptionList, RO, "Available", evse, 1).values(availability_states()).state();
    add("Connector", "ConnectorType", String, RO, "cType2", evse, 1).max_length(50).constant();
  }
  return out;
}

const DeviceModelSchema& standard_device_model(int evse_count) {
  if (evse_count < 0 || evse_count > kMaxEvses) {
    throw std::invalid_argument("standard_device_model: evse_count " + std::to_string(evse_count) + " outside [0, " +
                                std::to_string(kMaxEvses) + "]");
  }
  // Never destroyed: chargers on shard threads may still read their schema while static
  // destructors run at exit. At most kMaxEvses + 1 schemas can ever be built.
  static std::mutex mutex;
  static auto* cache = new std::map<int, std::unique_ptr<const DeviceModelSchema>>();
  const std::lock_guard lock(mutex);
  auto& slot = (*cache)[evse_count];
  if (!slot) slot = std::make_unique<const DeviceModelSchema>(standard_variables(evse_count));
  return *slot;
}

} // namespace ocppfleet::v201
