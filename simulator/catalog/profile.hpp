#pragma once
// A brand/model profile: what a charger model is (identity, hardware) and how its firmware
// behaves on the wire (protocol personality). The loader builds one per model from
// brands/<brand>/<model>.yaml; it is immutable from then on and shared by every charger of
// the model through std::shared_ptr<const ModelProfile> (never copied per charger). The
// ConnectorSpecs inside are what charger::Connector keeps by address, so a charger must hold
// its profile's shared_ptr for as long as it lives. docs/profiles.md describes every field.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/serial_pattern.hpp"
#include "simulator/charger/charger_model.hpp"
#include "simulator/charger/connector_status.hpp"

namespace ocppfleet::catalog {

struct Identity {
  std::string brand_slug;       // the directory: "abb"
  std::string brand_name;       // "ABB"
  std::string model_slug;       // the file name: "terra-ac-w22"
  std::string model_name;       // "Terra AC wallbox W22"
  std::string vendor;           // 1.6 chargePointVendor / 2.0.1 vendorName (<= 20 characters)
  std::string model;            // 1.6 chargePointModel / 2.0.1 model (<= 20 characters)
  std::string firmware_version; // <= 50 characters
  SerialPattern serial_pattern; // chargePointSerialNumber / serialNumber (<= 25 characters)
  std::string meter_type;       // 1.6 meterType (<= 25 characters); empty = not sent

  [[nodiscard]] std::string slug() const { return brand_slug + '/' + model_slug; }
  // The one model slug the control API answers with: brand-prefixed, "abb-terra-184"
  // (the catalogue of the product we match names models this way). Catalog::get/resolve
  // accept it and the bare file name alike.
  [[nodiscard]] std::string canonical_model_slug() const { return brand_slug + '-' + model_slug; }
};

struct ConnectorProfile {
  std::string type;            // connector type slug: Type1, Type2, CCS1, CCS2, CHAdeMO, GBT
  bool cable = false;          // tethered cable (true) or socket outlet (false); DC is always a cable
  charger::ConnectorSpec spec; // AC/DC, phases, voltage, max current, max power in W

  // The 2.0.1 ConnectorEnumType: cCCS2, sType2, cG105 (CHAdeMO), ...
  [[nodiscard]] std::string ocpp201_connector_type() const;
};

struct EvseProfile {
  std::vector<ConnectorProfile> connectors; // connector ids 1..n within the EVSE
};

struct Hardware {
  std::vector<std::string> ocpp_versions; // "1.6", "2.0.1"
  std::vector<EvseProfile> evses;         // EVSE ids 1..n

  [[nodiscard]] bool supports(std::string_view version) const {
    return std::find(ocpp_versions.begin(), ocpp_versions.end(), version) != ocpp_versions.end();
  }
  [[nodiscard]] int connector_count() const;
  [[nodiscard]] double max_power_w() const; // of the strongest connector
  // Connector n (1-based over all EVSEs, the 1.6 numbering); nullptr when out of range.
  [[nodiscard]] const ConnectorProfile* connector(int n) const;
};

// Types of 1.6 configuration keys and 2.0.1 variables. Values travel as strings; the type
// says what the string must look like (and what ChangeConfiguration/SetVariables accept).
enum class ValueType { Boolean, Integer, Decimal, String, Csl, OptionList, SequenceList, MemberList, DateTime };
std::string_view to_string(ValueType t);

struct ConfigKey16 {
  std::string name;
  ValueType type = ValueType::String;
  std::string default_value; // as sent on the wire ("true", "60", "Energy.Active.Import.Register,SoC")
  bool readonly = false;
  std::vector<std::string> allowed; // empty = any value of the type
};

struct Variable201 {
  std::string component;
  std::string instance;    // component instance, empty when none
  std::optional<int> evse; // component's EVSE, when it is per EVSE
  std::string variable;
  std::string variable_instance; // empty when none
  ValueType type = ValueType::String;
  std::string default_value;
  bool readonly = false;
  std::vector<std::string> allowed;
};

struct Metering {
  std::vector<std::string> measurands; // what MeterValues carry (1.6 Measurand names)
  int sample_interval_s = 60;          // during a transaction; 0 = none
  int clock_aligned_interval_s = 0;    // 0 = none
};

// Statuses the hardware reports, in order, on each physical event. Real chargers differ:
// some skip Preparing, some report SuspendedEV before Charging while the EV negotiates.
struct StatusSequences {
  std::vector<charger::ConnectorStatus> plug{charger::ConnectorStatus::Preparing};
  std::vector<charger::ConnectorStatus> start{charger::ConnectorStatus::Charging};
  std::vector<charger::ConnectorStatus> ev_full{charger::ConnectorStatus::SuspendedEV};
  std::vector<charger::ConnectorStatus> stop{charger::ConnectorStatus::Finishing};
  std::vector<charger::ConnectorStatus> unplug{charger::ConnectorStatus::Available};
};

struct Delays {
  int boot_to_status_ms = 0;     // BootNotification accepted -> first StatusNotification
  int plug_to_status_ms = 0;     // cable plugged -> Preparing reported
  int authorize_to_start_ms = 0; // Authorize accepted -> StartTransaction / TransactionEvent Started
  int start_to_charging_ms = 0;  // transaction started -> EV draws power (DC: cable check, precharge)
};

struct FaultModel {
  std::vector<std::string> error_codes; // 1.6 ChargePointErrorCode names, picked uniformly
  double rate_per_hour = 0.0;           // mean faults per connector-hour; draws use a seeded stream
};

struct Personality {
  std::vector<std::string> supported_actions_16;  // sorted; other actions answer NotSupported
  std::vector<std::string> supported_actions_201; // sorted
  std::vector<ConfigKey16> config_keys_16;
  std::vector<Variable201> variables_201;
  Metering metering;
  StatusSequences status_sequences;
  Delays delays;
  std::string datatransfer_vendor_id; // vendorId of its DataTransfer messages; empty = none
  FaultModel faults;

  [[nodiscard]] bool supports_16(std::string_view action) const {
    return std::binary_search(supported_actions_16.begin(), supported_actions_16.end(), action);
  }
  [[nodiscard]] bool supports_201(std::string_view action) const {
    return std::binary_search(supported_actions_201.begin(), supported_actions_201.end(), action);
  }
  [[nodiscard]] const ConfigKey16* config_key(std::string_view name) const;
  [[nodiscard]] const Variable201* variable(std::string_view component, std::string_view variable,
                                            std::string_view instance = {}) const;
};

struct ModelProfile {
  Identity identity;
  Hardware hardware;
  Personality personality;
  std::string source_file; // the YAML it was loaded from
};

// The charger model's spec for connector `c` (a reference into the shared profile).
inline const charger::ConnectorSpec& to_connector_spec(const ConnectorProfile& c) { return c.spec; }

} // namespace ocppfleet::catalog
