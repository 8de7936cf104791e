#pragma once
// Electric vehicles that arrive at the simulated chargers (brands/evs.yaml): battery, pack
// voltage, on-board AC charger, DC limit and DC charging curve by SoC, the inlets they have,
// and how common each one is (an integer weight). Each session picks its EV with a seeded
// weighted draw from our own PRNG: the same seed gives the same EV and arrival SoC on every
// platform. The EvSpecs handed out point at curves owned by the EvCatalog, so it must
// outlive the sessions it feeds (hold its shared_ptr).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/load_error.hpp"
#include "simulator/charger/charger_model.hpp"

namespace ocppfleet::catalog {

struct EvProfile {
  std::string id;   // "vw-id3-pro-58"
  std::string name; // "Volkswagen ID.3 Pro (58 kWh)"
  std::uint32_t weight = 1;
  std::vector<std::string> inlets; // connector types it accepts: Type2, CCS2, CHAdeMO, ...
  double battery_wh = 0.0;         // usable capacity
  double battery_voltage_v = 0.0;  // nominal pack voltage
  double max_ac_power_w = 0.0;
  int ac_phases = 3;
  double max_dc_power_w = 0.0;     // 0 = no DC inlet
  charger::ChargingCurve dc_curve; // max DC power by SoC
  double arrival_soc_min = 0.1;    // 0..1: SoC on arrival, uniform in [min, max]
  double arrival_soc_max = 0.6;

  [[nodiscard]] bool fits(std::string_view connector_type) const;
};

class EvCatalog {
public:
  explicit EvCatalog(std::vector<EvProfile> evs) : evs_(std::move(evs)) {}

  [[nodiscard]] const std::vector<EvProfile>& evs() const noexcept { return evs_; }
  [[nodiscard]] const EvProfile* find(std::string_view id) const;

  // A weighted pick among the EVs that fit `connector_type` ("" = any); nullptr when none fits.
  [[nodiscard]] const EvProfile* pick(std::uint64_t seed, std::string_view connector_type = {}) const;

  struct Session {
    const EvProfile* ev = nullptr;
    charger::EvSpec spec; // what to plug: the picked EV with its arrival SoC
  };
  // The same pick as pick(seed, type), plus the arrival SoC drawn from the same stream.
  [[nodiscard]] std::optional<Session> session(std::uint64_t seed, std::string_view connector_type = {}) const;

private:
  std::vector<EvProfile> evs_;
};

// The seed of session `session` on connector `connector_id` of charger `charger_index`.
std::uint64_t ev_seed(std::uint64_t fleet_seed, std::uint64_t charger_index, int connector_id, std::uint64_t session);

struct EvCatalogLoad {
  std::shared_ptr<const EvCatalog> catalog; // null when there are errors
  std::vector<LoadError> errors;
};

// Loads brands/evs.yaml (format in docs/profiles.md). Never throws.
EvCatalogLoad load_ev_catalog(const std::filesystem::path& file);

} // namespace ocppfleet::catalog
