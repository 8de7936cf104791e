#include "csms/meter.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace ocppfleet::csms::detail {
namespace {

using nlohmann::json;

bool is_energy_total(const json& sample) {
  const auto measurand = sample.find("measurand");
  if (measurand != sample.end() && (!measurand->is_string() || *measurand != "Energy.Active.Import.Register"))
    return false;
  return !sample.contains("phase"); // per-phase values are not the total
}

template <class Read> std::optional<double> last_reading(const json& meter_values, Read read) {
  if (!meter_values.is_array()) return std::nullopt;
  std::optional<double> last;
  for (const auto& mv : meter_values) {
    const auto samples = mv.is_object() ? mv.find("sampledValue") : mv.end();
    if (!mv.is_object() || samples == mv.end() || !samples->is_array()) continue;
    for (const auto& sample : *samples) {
      if (!sample.is_object() || !is_energy_total(sample)) continue;
      if (const auto v = read(sample); v && std::isfinite(*v)) last = v;
    }
  }
  return last;
}

} // namespace

std::optional<double> energy_register_wh_v16(const json& meter_values) {
  return last_reading(meter_values, [](const json& sample) -> std::optional<double> {
    const auto value = sample.find("value");
    if (value == sample.end() || !value->is_string()) return std::nullopt;
    const auto& text = value->get_ref<const std::string&>();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return std::nullopt;
    const auto unit = sample.find("unit");
    if (unit == sample.end() || *unit == "Wh") return v;
    if (*unit == "kWh") return v * 1000.0;
    return std::nullopt;
  });
}

std::optional<double> energy_register_wh_v201(const json& meter_values) {
  return last_reading(meter_values, [](const json& sample) -> std::optional<double> {
    const auto value = sample.find("value");
    if (value == sample.end() || !value->is_number()) return std::nullopt;
    double v = value->get<double>();
    const auto uom = sample.find("unitOfMeasure");
    if (uom == sample.end()) return v;
    if (!uom->is_object()) return std::nullopt;
    const auto multiplier = uom->find("multiplier");
    if (multiplier != uom->end() && multiplier->is_number_integer()) v *= std::pow(10.0, multiplier->get<int>());
    const auto unit = uom->find("unit");
    if (unit == uom->end() || *unit == "Wh") return v;
    if (*unit == "kWh") return v * 1000.0;
    return std::nullopt;
  });
}

} // namespace ocppfleet::csms::detail
