#include "control-api/app/model_options.hpp"

#include "control-api/app/catalog_commands.hpp"

namespace ocppfleet::app {

void add_model_options(CLI::App& run, ModelOptions& o) {
  auto* model = run.add_option("--model", o.model,
                               "Brand/model profile of every charger, e.g. abb/terra-184 (see `ocppfleet catalog`)");
  run.add_option("--model-mix", o.model_mix,
                 "Weighted models, e.g. abb/terra-184=2,wallbox/pulsar-plus=5; each charger's model is a seeded pick "
                 "(same --seed, same models)")
      ->excludes(model);
  run.add_option("--brands-dir", o.brands_dir,
                 "Profile directory (default: $OCPPFLEET_BRANDS_DIR, else the brands/ of the source tree)");
}

std::optional<FleetModels> FleetModels::make(const ModelOptions& o, std::string* error) {
  FleetModels models;
  if (!o.model && !o.model_mix) return models;
  std::string why;
  if (o.model) {
    models.mix_ = fleet::parse_model_mix(*o.model + "=1", &why);
    if (!models.mix_) {
      *error = "--model '" + *o.model + "': not a brand/model slug (e.g. abb/terra-184)";
      return std::nullopt;
    }
  } else {
    models.mix_ = fleet::parse_model_mix(*o.model_mix, &why);
    if (!models.mix_) {
      *error = "--model-mix '" + *o.model_mix + "': " + why;
      return std::nullopt;
    }
  }
  const std::string dir = o.brands_dir ? *o.brands_dir : default_brands_dir("/proc/self/exe");
  catalog::Catalog cat{dir};
  for (auto& w : *models.mix_) {
    // abb/terra-184 and abb/abb-terra-184 name one model (Catalog::get takes both).
    auto lookup = cat.get(w.slug);
    if (!lookup.profile) {
      *error = "model " + w.slug + ": " +
               (lookup.errors.empty() ? "unknown in " + dir + " (see `ocppfleet catalog`)"
                                      : lookup.errors.front().to_string());
      return std::nullopt;
    }
    // One spelling from here on, so both forms give byte-identical runs and a model named
    // twice in a mix is caught whatever the spelling.
    const std::string given = w.slug;
    w.slug = lookup.profile->identity.slug();
    if (!models.profiles_.emplace(w.slug, std::move(lookup.profile)).second) {
      *error = "--model-mix: model " + w.slug + " given twice (as " + given + ")";
      return std::nullopt;
    }
  }
  auto evs = cat.evs();
  if (!evs.catalog) {
    *error = "EV profiles (" + dir +
             "/evs.yaml): " + (evs.errors.empty() ? std::string{"missing"} : evs.errors.front().to_string());
    return std::nullopt;
  }
  models.evs_ = std::move(evs.catalog);
  return models;
}

std::shared_ptr<const catalog::ModelProfile> FleetModels::model_of(std::uint32_t index, std::uint64_t seed) const {
  if (!mix_) return nullptr;
  return profiles_.at(fleet::pick_model(*mix_, seed, index));
}

std::string FleetModels::describe() const {
  if (!mix_) return "generic chargers";
  std::string out;
  for (const auto& w : *mix_)
    out += (out.empty() ? "" : ",") + w.slug + (mix_->size() > 1 ? "=" + std::to_string(w.weight) : "");
  return "models " + out;
}

} // namespace ocppfleet::app
