#pragma once
// `ocppfleet run` flags that pick each charger's brand/model profile: `--model` for the
// whole fleet or a seeded `--model-mix`, from the brands directory. A charger's boot
// strings, connectors, configuration, supported actions and meter values then come from
// its profile, and its EVs from brands/evs.yaml.
#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "simulator/catalog/catalog.hpp"
#include "simulator/charger/charger_model.hpp"
#include "simulator/fleet/model_mix.hpp"

namespace ocppfleet::app {

struct ModelOptions {
  std::optional<std::string> model;      // "abb/terra-184"
  std::optional<std::string> model_mix;  // "abb/terra-184=2,wallbox/pulsar-plus=5"
  std::optional<std::string> brands_dir; // default: default_brands_dir()
};

void add_model_options(CLI::App& run, ModelOptions& o);

class FleetModels {
public:
  // Loads every named profile and the EV catalogue; nullopt with *error naming the model,
  // file, line and field of the first problem. Without --model/--model-mix: the generic
  // charger (active() false) and no files are read.
  static std::optional<FleetModels> make(const ModelOptions& o, std::string* error);

  [[nodiscard]] bool active() const noexcept { return mix_.has_value(); }
  // The profile of the charger at `index` (null when inactive).
  [[nodiscard]] std::shared_ptr<const catalog::ModelProfile> model_of(std::uint32_t index, std::uint64_t seed) const;
  [[nodiscard]] std::shared_ptr<const catalog::EvCatalog> evs() const { return evs_; }
  [[nodiscard]] std::string describe() const;

private:
  FleetModels() = default;
  std::optional<fleet::ModelMix> mix_;
  std::map<std::string, std::shared_ptr<const catalog::ModelProfile>> profiles_;
  std::shared_ptr<const catalog::EvCatalog> evs_;
};

} // namespace ocppfleet::app
