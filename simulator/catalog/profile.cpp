#include "simulator/catalog/profile.hpp"

namespace ocppfleet::catalog {

std::string ConnectorProfile::ocpp201_connector_type() const {
  if (type == "CCS1") return "cCCS1";
  if (type == "CCS2") return "cCCS2";
  if (type == "CHAdeMO") return "cG105";
  if (type == "Type1") return "cType1";
  if (type == "Type2") return cable ? "cType2" : "sType2";
  return "Other"; // GBT has no 2.0.1 value of its own
}

int Hardware::connector_count() const {
  int n = 0;
  for (const auto& e : evses)
    n += static_cast<int>(e.connectors.size());
  return n;
}

double Hardware::max_power_w() const {
  double p = 0.0;
  for (const auto& e : evses)
    for (const auto& c : e.connectors)
      p = std::max(p, c.spec.max_power_w);
  return p;
}

const ConnectorProfile* Hardware::connector(int n) const {
  if (n < 1) return nullptr;
  for (const auto& e : evses) {
    if (n <= static_cast<int>(e.connectors.size())) return &e.connectors[static_cast<std::size_t>(n - 1)];
    n -= static_cast<int>(e.connectors.size());
  }
  return nullptr;
}

std::string_view to_string(ValueType t) {
  switch (t) {
  case ValueType::Boolean: return "boolean";
  case ValueType::Integer: return "integer";
  case ValueType::Decimal: return "decimal";
  case ValueType::String: return "string";
  case ValueType::Csl: return "csl";
  case ValueType::OptionList: return "option_list";
  case ValueType::SequenceList: return "sequence_list";
  case ValueType::MemberList: return "member_list";
  case ValueType::DateTime: return "date_time";
  }
  return "string";
}

const ConfigKey16* Personality::config_key(std::string_view name) const {
  for (const auto& k : config_keys_16)
    if (k.name == name) return &k;
  return nullptr;
}

const Variable201* Personality::variable(std::string_view component, std::string_view variable,
                                         std::string_view instance) const {
  for (const auto& v : variables_201)
    if (v.component == component && v.variable == variable && v.instance == instance) return &v;
  return nullptr;
}

} // namespace ocppfleet::catalog
