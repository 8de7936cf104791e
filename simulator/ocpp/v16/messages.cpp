#include "simulator/ocpp/v16/messages.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "simulator/core/timestamp.hpp"

namespace ocppfleet::v16 {
namespace {

std::string clip(std::string_view s, std::size_t max) { return std::string{s.substr(0, max)}; }

// Fixed formatting: decimal with up to `decimals` places, no exponent, so output is stable.
std::string number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

template <class F> void for_each_member(std::string_view csv, F&& f) {
  while (!csv.empty()) {
    const auto comma = csv.find(',');
    std::string_view item = csv.substr(0, comma);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) f(item);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
}

} // namespace

bool is_v16_error_code(std::string_view code) {
  static constexpr std::array<std::string_view, 16> codes{"ConnectorLockFailure",
                                                          "EVCommunicationError",
                                                          "GroundFailure",
                                                          "HighTemperature",
                                                          "InternalError",
                                                          "LocalListConflict",
                                                          "NoError",
                                                          "OtherError",
                                                          "OverCurrentFailure",
                                                          "PowerMeterFailure",
                                                          "PowerSwitchFailure",
                                                          "ReaderFailure",
                                                          "ResetFailure",
                                                          "UnderVoltage",
                                                          "OverVoltage",
                                                          "WeakSignal"};
  for (auto c : codes)
    if (c == code) return true;
  return false;
}

Json boot_notification_payload(const charger::ChargerIdentity& identity) {
  Json p{{"chargePointVendor", clip(identity.vendor, 20)}, {"chargePointModel", clip(identity.model, 20)}};
  if (!identity.serial_number.empty()) {
    p["chargePointSerialNumber"] = clip(identity.serial_number, 25);
    p["chargeBoxSerialNumber"] = clip(identity.serial_number, 25);
  }
  if (!identity.firmware_version.empty()) p["firmwareVersion"] = clip(identity.firmware_version, 50);
  return p;
}

Json status_notification_payload(int connector_id, charger::ConnectorStatus status, std::string_view error_code,
                                 WallTime at) {
  Json p{{"connectorId", connector_id},
         {"errorCode", is_v16_error_code(error_code) ? std::string{error_code} : std::string{"OtherError"}},
         {"status", std::string{charger::to_string(status)}},
         {"timestamp", core::format_timestamp(at)}};
  if (!is_v16_error_code(error_code)) p["vendorErrorCode"] = clip(error_code, 50);
  return p;
}

Json meter_value_entry(const charger::Connector& c, std::string_view measurands_csv, std::string_view context,
                       WallTime at) {
  Json sampled = Json::array();
  const auto& m = c.meter();
  const auto add = [&](std::string value, const char* measurand, const char* unit) {
    sampled.push_back(Json{{"value", std::move(value)},
                           {"context", std::string{context}},
                           {"measurand", measurand},
                           {"location", "Outlet"},
                           {"unit", unit}});
  };
  for_each_member(measurands_csv, [&](std::string_view measurand) {
    if (measurand == "Energy.Active.Import.Register") {
      add(number(std::floor(m.energy_wh()), 0), "Energy.Active.Import.Register", "Wh");
    } else if (measurand == "Power.Active.Import") {
      add(number(m.power_w(), 1), "Power.Active.Import", "W");
    } else if (measurand == "Current.Import") {
      add(number(m.current_a(), 2), "Current.Import", "A");
    } else if (measurand == "Voltage") {
      add(number(m.voltage_v(), 1), "Voltage", "V");
    } else if (measurand == "SoC") {
      if (c.spec().current_type == charger::CurrentType::DC) {
        if (const auto soc = c.soc_percent()) add(number(*soc, 1), "SoC", "Percent");
      }
    }
  });
  if (sampled.empty()) add(number(std::floor(m.energy_wh()), 0), "Energy.Active.Import.Register", "Wh");
  return Json{{"timestamp", core::format_timestamp(at)}, {"sampledValue", std::move(sampled)}};
}

Json meter_values_payload(const charger::Connector& c, std::optional<std::int64_t> transaction_id,
                          std::string_view measurands_csv, std::string_view context, WallTime at) {
  Json p{{"connectorId", c.id()}, {"meterValue", Json::array({meter_value_entry(c, measurands_csv, context, at)})}};
  if (transaction_id) p["transactionId"] = *transaction_id;
  return p;
}

Json stop_transaction_payload(const charger::Transaction& tx, const charger::Connector& c, charger::StopReason reason,
                              std::string_view measurands_csv, WallTime at) {
  Json p{{"idTag", clip(tx.id_tag, 20)},
         {"meterStop", static_cast<std::int64_t>(std::floor(c.meter().energy_wh()))},
         {"timestamp", core::format_timestamp(at)},
         {"reason", std::string{charger::to_string(reason)}}};
  if (!measurands_csv.empty())
    p["transactionData"] = Json::array({meter_value_entry(c, measurands_csv, "Transaction.End", at)});
  return p;
}

} // namespace ocppfleet::v16
