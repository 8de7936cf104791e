#pragma once
// Seeded expansion of a CPO template into a Network (docs/templates.md, "Generation").
//
// Determinism: every random draw comes from core::Prng streams derived from the request's
// seed and a label per entity: `cpo/<template>/location/<n>` for location n and
// `cpo/<template>/charger/<n>/<m>` for charger m of location n. So the same request gives
// the same network on every platform, raising `locations` keeps the earlier locations as
// they were, and changing `chargers_per_location` changes no location field. No clock, no
// std distribution, no random_device here (draw_random_seed() is the one exception, for
// `seed: null`, and it only picks the seed).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/network.hpp"

namespace ocppfleet::catalog {

class TemplateCatalog;

struct NetworkOverrides {
  std::optional<std::int64_t> locations;
  std::optional<std::int64_t> chargers_per_location;
};

struct NetworkRequest {
  std::string template_slug;
  std::optional<int> template_version; // nullopt: whatever version the catalogue holds
  std::uint64_t seed = 0;
  NetworkOverrides overrides;
  std::string country_code; // ISO 3166-1 alpha-2; the template needs a pool for it
  std::string party_id;     // OCPI party id: 3 of A-Z, 0-9
  std::string name_prefix;  // 1-32 of A-Z a-z 0-9 . _ : * - (it starts every charger identity)
};

enum class GenerationErrorCode {
  UnknownTemplate,    // field "template"
  TemplateVersion,    // field "template_version"
  UnknownCountry,     // field "country_code"
  InvalidPartyId,     // field "party_id"
  InvalidNamePrefix,  // field "name_prefix"
  OverrideOutOfRange, // field "overrides.<key>"
  UnknownOverride,    // field "overrides.<key>"
};

// A request the template cannot satisfy; `field` is the request field to blame (the API
// answers 422 with it as the location).
struct GenerationError {
  GenerationErrorCode code;
  std::string field;
  std::string message;
};

struct GenerationResult {
  std::optional<Network> network; // set when errors is empty
  std::vector<GenerationError> errors;

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

// The request's problems against `tmpl` (empty when it can be generated).
std::vector<GenerationError> check_request(const CpoTemplate& tmpl, const NetworkRequest& request);

// The network; `tmpl` must have been loaded with a brand catalogue (each group's profile set).
GenerationResult generate_network(const CpoTemplate& tmpl, const NetworkRequest& request);
// The same, finding the template (and checking its version) in `templates`.
GenerationResult generate_network(const TemplateCatalog& templates, const NetworkRequest& request);

// Sets one `overrides` entry as the API receives them ("locations": 3); an unknown key is
// an error naming it. A null value leaves the template's default.
std::optional<GenerationError> set_override(NetworkOverrides& overrides, std::string_view key,
                                            std::optional<std::int64_t> value);

// `<name_prefix>-<party_id>-<location_no>-<charger_no>`: the location number zero-padded to
// the digits of max_locations, the charger number to 2 (both 1-based).
std::string cpo_charger_identity(std::string_view name_prefix, std::string_view party_id, int location_no,
                                 int max_locations, int charger_no);
// ^[A-Za-z0-9._:*-]{1,48}$: what the charger API accepts as an identity.
bool is_valid_charger_identity(std::string_view identity);

// A fresh seed for `seed: null` (53 bits, exact as a JSON number). The only non-deterministic
// function in generation: it reads std::random_device; store the seed it returns so the CPO
// can be regenerated.
std::uint64_t draw_random_seed();

} // namespace ocppfleet::catalog
