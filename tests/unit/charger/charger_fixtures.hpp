#pragma once
#include <chrono>
#include <string>

#include "simulator/charger/charger_model.hpp"

// What the charger tests share: the origin of their virtual time, a 22 kW AC connector and a
// transaction. One definition, so the test files can be compiled together.
namespace ocppfleet::charger::testing {

inline const SteadyTime t0 = std::chrono::steady_clock::time_point{};
inline const ConnectorSpec ac_22kw{CurrentType::AC, 3, 230.0, 32.0, 22'000.0};

inline Transaction tx(std::string id = "CP-1-1", std::string id_tag = "TAG1") {
  Transaction t;
  t.local_id = std::move(id);
  t.id_tag = std::move(id_tag);
  return t;
}

} // namespace ocppfleet::charger::testing
