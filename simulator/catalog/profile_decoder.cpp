#include "simulator/catalog/profile_decoder.hpp"

#include <cstdio>

#include "simulator/catalog/ocpp_vocabulary.hpp"

namespace ocppfleet::catalog {
namespace {

// OCPP 1.6 BootNotification field sizes (CiString20/25/50); 2.0.1 allows the same or more.
constexpr std::size_t max_vendor = 20;
constexpr std::size_t max_model = 20;
constexpr std::size_t max_firmware = 50;
constexpr std::size_t max_serial = 25;
constexpr std::size_t max_meter_type = 25;
// Rated power may exceed V x I x phases by rounding in datasheets, not by more.
constexpr double power_tolerance = 1.02;

std::string kw(double watts) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f kW", watts / 1000.0);
  return buf;
}

void check_length(FieldReader& r, const YamlNode& map, std::string_view key, const std::string& path,
                  const std::string& value, std::size_t max, const char* why) {
  if (value.size() <= max) return;
  const YamlEntry* e = map.find(key);
  r.error(e ? e->value.mark : map.mark, join_path(path, key),
          "'" + value + "' is " + std::to_string(value.size()) + " characters; at most " + std::to_string(max) + " (" +
              why + ")");
}

void decode_identity(const YamlNode& node, const std::string& path, FieldReader& r, Identity& out) {
  if (!r.expect_map(node, path,
                    {"brand_name", "model_name", "charge_point_vendor", "charge_point_model", "firmware_version",
                     "serial_pattern", "meter_type"}))
    return;
  r.read(node, "brand_name", path, true, out.brand_name);
  r.read(node, "model_name", path, true, out.model_name);
  if (r.read(node, "charge_point_vendor", path, true, out.vendor))
    check_length(r, node, "charge_point_vendor", path, out.vendor, max_vendor, "OCPP 1.6 CiString20");
  if (r.read(node, "charge_point_model", path, true, out.model))
    check_length(r, node, "charge_point_model", path, out.model, max_model, "OCPP 1.6 CiString20");
  if (r.read(node, "firmware_version", path, true, out.firmware_version))
    check_length(r, node, "firmware_version", path, out.firmware_version, max_firmware, "OCPP 1.6 CiString50");
  if (r.read(node, "meter_type", path, false, out.meter_type))
    check_length(r, node, "meter_type", path, out.meter_type, max_meter_type, "OCPP 1.6 CiString25");
  std::string pattern;
  if (r.read(node, "serial_pattern", path, true, pattern)) {
    const YamlNode& at = node.find("serial_pattern")->value;
    std::string why;
    if (auto parsed = SerialPattern::parse(pattern, &why)) {
      out.serial_pattern = std::move(*parsed);
      if (out.serial_pattern.length() > max_serial)
        r.error(at.mark, join_path(path, "serial_pattern"),
                "serials would be " + std::to_string(out.serial_pattern.length()) +
                    " characters; at most 25 (OCPP "
                    "chargePointSerialNumber CiString25)");
      else if (out.serial_pattern.length() == 0)
        r.error(at.mark, join_path(path, "serial_pattern"), "must not be empty");
    } else {
      r.error(at.mark, join_path(path, "serial_pattern"), why);
    }
  }
}

// Connector items are never merged field by field (a child's evses list replaces the
// base's), so their fields are required even in an abstract base: `r` is strict here.
void decode_connector(const YamlNode& node, const std::string& path, FieldReader& r, ConnectorProfile& out) {
  if (!r.expect_map(node, path, {"type", "cable", "current", "phases", "voltage_v", "max_current_a", "max_power_kw"}))
    return;
  if (r.read(node, "type", path, true, out.type) && !contains(connector_types(), out.type)) {
    r.error(node.find("type")->value.mark, join_path(path, "type"),
            "unknown connector type '" + out.type + "' (Type1, Type2, CCS1, CCS2, CHAdeMO, GBT)");
  }
  std::string current;
  bool current_ok = false;
  if (r.read(node, "current", path, true, current)) {
    current_ok = current == "AC" || current == "DC";
    if (!current_ok) r.error(node.find("current")->value.mark, join_path(path, "current"), "must be AC or DC");
  }
  charger::ConnectorSpec& s = out.spec;
  s.current_type = current == "DC" ? charger::CurrentType::DC : charger::CurrentType::AC;
  out.cable = s.current_type == charger::CurrentType::DC;
  r.read(node, "cable", path, false, out.cable);
  if (s.current_type == charger::CurrentType::DC && !out.cable)
    r.error(node.find("cable")->value.mark, join_path(path, "cable"), "a DC connector is always a cable");

  const YamlNode* phases = r.get(node, "phases", path, current_ok && current == "AC");
  if (phases && current_ok && current == "DC") {
    r.error(phases->mark, join_path(path, "phases"), "only AC connectors have phases");
  } else if (phases) {
    if (const auto n = r.integer(*phases, join_path(path, "phases"), 1, 3)) s.phases = static_cast<int>(*n);
  }
  if (s.current_type == charger::CurrentType::DC) s.phases = 1;

  const bool v_ok = r.read(node, "voltage_v", path, true, s.voltage_v, true);
  const bool i_ok = r.read(node, "max_current_a", path, true, s.max_current_a, true);
  double max_kw = 0.0;
  if (r.read(node, "max_power_kw", path, true, max_kw, true)) {
    s.max_power_w = max_kw * 1000.0;
    const double vi = s.voltage_v * s.max_current_a * (s.current_type == charger::CurrentType::AC ? s.phases : 1);
    if (v_ok && i_ok && current_ok && s.max_power_w > vi * power_tolerance) {
      r.error(node.find("max_power_kw")->value.mark, join_path(path, "max_power_kw"),
              kw(s.max_power_w) + " is more than voltage_v x max_current_a" +
                  (s.current_type == charger::CurrentType::AC ? " x phases" : "") + " = " + kw(vi));
    }
  }
}

void decode_hardware(const YamlNode& node, const std::string& path, FieldReader& r, Hardware& out) {
  if (!r.expect_map(node, path, {"ocpp_versions", "evses"})) return;
  if (r.read(node, "ocpp_versions", path, true, out.ocpp_versions)) {
    const YamlNode& list = node.find("ocpp_versions")->value;
    if (out.ocpp_versions.empty())
      r.error(list.mark, join_path(path, "ocpp_versions"), "must name at least one version");
    for (std::size_t i = 0; i < out.ocpp_versions.size(); ++i) {
      if (out.ocpp_versions[i] != "1.6" && out.ocpp_versions[i] != "2.0.1")
        r.error(list.items[i].mark, index_path(join_path(path, "ocpp_versions"), i),
                "unknown OCPP version '" + out.ocpp_versions[i] + "' (\"1.6\" or \"2.0.1\")");
    }
  }
  const YamlNode* evses = r.get(node, "evses", path, true);
  if (!evses || !r.expect_list(*evses, join_path(path, "evses"))) return;
  FieldReader strict = r.strict();
  const std::string evses_path = join_path(path, "evses");
  if (evses->items.empty()) r.error(evses->mark, evses_path, "must list at least one EVSE");
  for (std::size_t i = 0; i < evses->items.size(); ++i) {
    const YamlNode& evse = evses->items[i];
    const std::string evse_path = index_path(evses_path, i);
    EvseProfile e;
    if (strict.expect_map(evse, evse_path, {"connectors"})) {
      const YamlNode* connectors = strict.get(evse, "connectors", evse_path, true);
      const std::string cpath = join_path(evse_path, "connectors");
      if (connectors && strict.expect_list(*connectors, cpath)) {
        if (connectors->items.empty()) strict.error(connectors->mark, cpath, "must list at least one connector");
        for (std::size_t j = 0; j < connectors->items.size(); ++j) {
          ConnectorProfile c;
          decode_connector(connectors->items[j], index_path(cpath, j), strict, c);
          e.connectors.push_back(std::move(c));
        }
      }
    }
    out.evses.push_back(std::move(e));
  }
}

} // namespace

void decode_profile(const YamlNode& root, FieldReader& r, ModelProfile& out) {
  if (!r.expect_map(root, {}, {"extends", "abstract", "identity", "hardware", "personality"})) return;
  if (const YamlNode* n = r.get(root, "identity", {}, true)) decode_identity(*n, "identity", r, out.identity);
  if (const YamlNode* n = r.get(root, "hardware", {}, true)) decode_hardware(*n, "hardware", r, out.hardware);
  if (const YamlNode* n = r.get(root, "personality", {}, true))
    decode_personality(*n, "personality", out.hardware, r, out.personality);
}

} // namespace ocppfleet::catalog
