#include "simulator/ocpp/v201/messages.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "simulator/core/timestamp.hpp"

namespace ocppfleet::v201 {
namespace {

std::string clip(std::string_view s, std::size_t max) { return std::string{s.substr(0, max)}; }

// Rounded to a fixed number of decimals so equal states give byte-identical frames.
double rounded(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
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

Json boot_notification_request(const charger::ChargerIdentity& identity, std::string_view reason) {
  Json station{{"model", clip(identity.model, 20)}, {"vendorName", clip(identity.vendor, 50)}};
  if (!identity.serial_number.empty()) station["serialNumber"] = clip(identity.serial_number, 25);
  if (!identity.firmware_version.empty()) station["firmwareVersion"] = clip(identity.firmware_version, 50);
  return Json{{"reason", std::string{reason}}, {"chargingStation", std::move(station)}};
}

std::string_view connector_status(charger::ConnectorStatus status) {
  using S = charger::ConnectorStatus;
  switch (status) {
  case S::Available: return "Available";
  case S::Preparing:
  case S::Charging:
  case S::SuspendedEV:
  case S::SuspendedEVSE:
  case S::Finishing: return "Occupied";
  case S::Reserved: return "Reserved";
  case S::Unavailable: return "Unavailable";
  case S::Faulted: return "Faulted";
  }
  return "Unavailable";
}

Json status_notification_request(int evse_id, int connector_id, charger::ConnectorStatus status, WallTime at) {
  return Json{{"timestamp", core::format_timestamp(at)},
              {"connectorStatus", std::string{connector_status(status)}},
              {"evseId", evse_id},
              {"connectorId", connector_id}};
}

std::string_view charging_state(const charger::Connector& c) {
  using S = charger::ConnectorStatus;
  if (!c.plugged()) return "Idle";
  switch (c.status()) {
  case S::Charging: return "Charging";
  case S::SuspendedEV: return "SuspendedEV";
  case S::SuspendedEVSE: return "SuspendedEVSE";
  default: return "EVConnected";
  }
}

Json meter_value(const charger::Connector& c, std::string_view measurands_csv, std::string_view context, WallTime at) {
  Json sampled = Json::array();
  const auto& m = c.meter();
  const auto add = [&](double value, const char* measurand, const char* unit) {
    sampled.push_back(Json{{"value", value},
                           {"context", std::string{context}},
                           {"measurand", measurand},
                           {"location", "Outlet"},
                           {"unitOfMeasure", Json{{"unit", unit}}}});
  };
  for_each_member(measurands_csv, [&](std::string_view measurand) {
    if (measurand == "Energy.Active.Import.Register") {
      add(std::floor(m.energy_wh()), "Energy.Active.Import.Register", "Wh");
    } else if (measurand == "Power.Active.Import") {
      add(rounded(m.power_w(), 1), "Power.Active.Import", "W");
    } else if (measurand == "Current.Import") {
      add(rounded(m.current_a(), 2), "Current.Import", "A");
    } else if (measurand == "Voltage") {
      add(rounded(m.voltage_v(), 1), "Voltage", "V");
    } else if (measurand == "SoC") {
      if (c.spec().current_type == charger::CurrentType::DC) {
        if (const auto soc = c.soc_percent()) add(rounded(*soc, 1), "SoC", "Percent");
      }
    }
  });
  if (sampled.empty()) add(std::floor(m.energy_wh()), "Energy.Active.Import.Register", "Wh");
  return Json{{"timestamp", core::format_timestamp(at)}, {"sampledValue", std::move(sampled)}};
}

Json meter_values_request(const charger::Connector& c, std::string_view measurands_csv, std::string_view context,
                          WallTime at) {
  return Json{{"evseId", c.id()}, {"meterValue", Json::array({meter_value(c, measurands_csv, context, at)})}};
}

std::string_view stopped_reason(charger::StopReason reason) {
  using R = charger::StopReason;
  switch (reason) {
  case R::Local: return "Local";
  case R::Remote: return "Remote";
  case R::EVDisconnected: return "EVDisconnected";
  case R::HardReset:
  case R::SoftReset: return "ImmediateReset";
  case R::PowerLoss: return "PowerLoss";
  case R::Reboot: return "Reboot";
  case R::DeAuthorized: return "DeAuthorized";
  case R::EmergencyStop: return "EmergencyStop";
  case R::UnlockCommand:
  case R::Other: return "Other";
  }
  return "Other";
}

std::string_view id_token_type_for(std::string_view id_tag) {
  const auto all = [&](auto pred) {
    for (const char c : id_tag)
      if (!pred(static_cast<unsigned char>(c))) return false;
    return true;
  };
  const bool hex = !id_tag.empty() && all([](unsigned char c) { return std::isxdigit(c) != 0; });
  if (hex && (id_tag.size() == 8 || id_tag.size() == 14)) return "ISO14443";
  if (hex && id_tag.size() == 16) return "ISO15693";
  // eMAID (ISO 15118 / eMI3): 2 letters, 3 alphanumerics, then 9 alphanumerics and an
  // optional check character, with optional dashes between the parts.
  std::string compact;
  for (const char c : id_tag)
    if (c != '-') compact.push_back(c);
  const bool upper_alnum =
      all([](unsigned char c) { return c == '-' || std::isdigit(c) != 0 || std::isupper(c) != 0; });
  if (upper_alnum && (compact.size() == 14 || compact.size() == 15) &&
      std::isalpha(static_cast<unsigned char>(compact[0])) && std::isalpha(static_cast<unsigned char>(compact[1])))
    return "eMAID";
  return "Local";
}

Json local_id_token(std::string_view id_tag) {
  return Json{{"idToken", clip(id_tag, 36)}, {"type", id_token_type_for(id_tag)}};
}

std::string transaction_id_for(std::string_view local_id) {
  if (local_id.size() <= 36) return std::string{local_id};
  // FNV-1a of the part before the counter keeps ids stable across runs and unique per
  // charger (the counter is kept verbatim).
  const auto dash = local_id.rfind('-');
  const std::string_view stem = local_id.substr(0, dash);
  const std::string_view counter = dash == std::string_view::npos ? std::string_view{} : local_id.substr(dash);
  std::uint64_t h = 1469598103934665603ULL;
  for (const char ch : stem) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string{buf} + std::string{counter.substr(0, 20)};
}

} // namespace ocppfleet::v201
