#include "simulator/catalog/added_location.hpp"

#include "simulator/catalog/network_parts.hpp"
#include "simulator/catalog/template_catalog.hpp"

namespace ocppfleet::catalog {
namespace {

GenerationError error_at(GenerationErrorCode code, std::string field, std::string message) {
  return GenerationError{code, std::move(field), std::move(message)};
}

} // namespace

AddedLocationSpec spec_of_preset(const LocationPreset& preset) {
  AddedLocationSpec spec;
  spec.parking_type = preset.parking_type;
  spec.facilities = preset.facilities;
  for (const auto& g : preset.groups)
    spec.chargers.push_back(AddedChargerGroup{g.brand, g.model, g.ocpp_version, g.count});
  return spec;
}

AddedLocationResult generate_added_location(const CpoTemplate& t, const NetworkRequest& req, int n,
                                            const AddedLocationSpec& spec, Catalog& brands) {
  AddedLocationResult out;
  const TemplateCountry* country = t.pools.country(req.country_code);
  if (!country) {
    out.error = error_at(GenerationErrorCode::UnknownCountry, "country_code",
                         "the template '" + t.slug + "' has no pool for " + req.country_code);
    return out;
  }
  if (n < 1 || n > t.max_locations) {
    out.error = error_at(GenerationErrorCode::OverrideOutOfRange, "locations",
                         "the template '" + t.slug + "' allows at most " + std::to_string(t.max_locations) +
                             " locations per CPO; this would be location " + std::to_string(n));
    return out;
  }
  int total = 0;
  for (const auto& g : spec.chargers)
    total += g.count;
  if (total < 1 || total > t.max_chargers_per_location) {
    out.error = error_at(GenerationErrorCode::OverrideOutOfRange, "chargers",
                         "a location of '" + t.slug + "' holds 1 to " + std::to_string(t.max_chargers_per_location) +
                             " chargers; asked for " + std::to_string(total));
    return out;
  }
  AddedLocation added;
  added.location = detail::make_location(t, *country, req, n);
  auto& l = added.location;
  if (spec.name) l.name = *spec.name;
  if (spec.address) l.address = *spec.address;
  if (spec.city) l.city = *spec.city;
  if (spec.postal_code) l.postal_code = *spec.postal_code;
  if (spec.time_zone) l.time_zone = *spec.time_zone;
  if (spec.parking_type) l.parking_type = *spec.parking_type;
  if (spec.latitude) l.latitude = *spec.latitude;
  if (spec.longitude) l.longitude = *spec.longitude;
  if (spec.facilities) l.facilities = *spec.facilities;
  const auto tariffs = detail::make_tariffs(t, *country);
  int m = 0;
  for (std::size_t gi = 0; gi < spec.chargers.size(); ++gi) {
    const auto& g = spec.chargers[gi];
    const std::string where = "chargers." + std::to_string(gi);
    const auto version = normalize_ocpp_version(g.ocpp_version);
    if (!version) {
      out.error = error_at(GenerationErrorCode::UnknownTemplate, where + ".ocpp_version",
                           "unknown OCPP version '" + g.ocpp_version + "' (OCPP1.6 or OCPP2.0.1)");
      return out;
    }
    auto lookup = brands.resolve(g.brand, g.model);
    if (!lookup.profile) {
      out.error = error_at(GenerationErrorCode::UnknownTemplate, where + ".model",
                           "no charger profile " + g.brand + "/" + g.model + " in the catalogue");
      return out;
    }
    if (!lookup.profile->hardware.supports(*version)) {
      out.error = error_at(GenerationErrorCode::UnknownTemplate, where + ".ocpp_version",
                           g.brand + "/" + g.model + " does not speak OCPP" + *version);
      return out;
    }
    for (int k = 0; k < g.count; ++k) {
      ++m;
      core::Prng p{
          core::derive_seed(req.seed, "cpo/" + t.slug + "/charger/" + std::to_string(n) + '/' + std::to_string(m))};
      added.chargers.push_back(
          detail::make_charger(t, req, tariffs, *lookup.profile, "OCPP" + *version, "added", p, l, m));
    }
  }
  out.value = std::move(added);
  return out;
}

} // namespace ocppfleet::catalog
