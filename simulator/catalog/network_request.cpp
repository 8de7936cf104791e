// Request checks for network generation (every error names the request field to blame),
// the charger identity format and the one random seed source.
#include <algorithm>
#include <random>

#include "simulator/catalog/network_generator.hpp"
#include "simulator/catalog/template_catalog.hpp"

namespace ocppfleet::catalog {
namespace {

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_identity_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '*' || c == '-';
}

std::string codes(const CpoTemplate& t) {
  std::string out;
  for (const auto& c : t.country_codes())
    out += (out.empty() ? "" : ", ") + c;
  return out;
}

void check_override(std::vector<GenerationError>& out, const char* key, const std::optional<std::int64_t>& value,
                    int cap, const char* cap_name) {
  if (!value || (*value >= 1 && *value <= cap)) return;
  out.push_back(GenerationError{GenerationErrorCode::OverrideOutOfRange, std::string{"overrides."} + key,
                                std::string{key} + " must be between 1 and " + std::to_string(cap) +
                                    " (the template's " + cap_name + "), got " + std::to_string(*value)});
}

} // namespace

std::vector<GenerationError> check_request(const CpoTemplate& tmpl, const NetworkRequest& req) {
  std::vector<GenerationError> out;
  const auto& cc = req.country_code;
  if (cc.size() != 2 || !std::all_of(cc.begin(), cc.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    out.push_back(GenerationError{GenerationErrorCode::UnknownCountry, "country_code",
                                  "'" + cc + "' is not an ISO 3166-1 alpha-2 country code"});
  } else if (!tmpl.pools.country(cc)) {
    out.push_back(GenerationError{GenerationErrorCode::UnknownCountry, "country_code",
                                  "the template '" + tmpl.slug + "' has no locations in '" + cc + "' (it has " +
                                      codes(tmpl) + ")"});
  }
  if (req.party_id.size() != 3 || !std::all_of(req.party_id.begin(), req.party_id.end(), is_upper_alnum))
    out.push_back(GenerationError{GenerationErrorCode::InvalidPartyId, "party_id",
                                  "'" + req.party_id + "' is not an OCPI party id (3 of A-Z and 0-9)"});
  const auto& np = req.name_prefix;
  if (np.empty() || np.size() > 32 || !std::all_of(np.begin(), np.end(), is_identity_char))
    out.push_back(GenerationError{GenerationErrorCode::InvalidNamePrefix, "name_prefix",
                                  "must be 1 to 32 of A-Z, a-z, 0-9, '.', '_', ':', '*', '-' (it starts every "
                                  "charger identity)"});
  check_override(out, "locations", req.overrides.locations, tmpl.max_locations, "caps.max_locations");
  check_override(out, "chargers_per_location", req.overrides.chargers_per_location, tmpl.max_chargers_per_location,
                 "caps.max_chargers_per_location");
  return out;
}

GenerationResult generate_network(const TemplateCatalog& templates, const NetworkRequest& req) {
  GenerationResult out;
  const auto tmpl = templates.find(req.template_slug);
  if (!tmpl) {
    out.errors.push_back(
        GenerationError{GenerationErrorCode::UnknownTemplate, "template", "no template '" + req.template_slug + "'"});
    return out;
  }
  if (req.template_version && *req.template_version != tmpl->version) {
    out.errors.push_back(GenerationError{GenerationErrorCode::TemplateVersion, "template_version",
                                         "the template '" + tmpl->slug + "' is at version " +
                                             std::to_string(tmpl->version) + ", not " +
                                             std::to_string(*req.template_version)});
    return out;
  }
  return generate_network(*tmpl, req);
}

std::optional<GenerationError> set_override(NetworkOverrides& overrides, std::string_view key,
                                            std::optional<std::int64_t> value) {
  if (key == "locations") {
    overrides.locations = value;
  } else if (key == "chargers_per_location") {
    overrides.chargers_per_location = value;
  } else {
    return GenerationError{GenerationErrorCode::UnknownOverride, "overrides." + std::string{key},
                           "unknown override '" + std::string{key} + "' (locations, chargers_per_location)"};
  }
  return std::nullopt;
}

std::string cpo_charger_identity(std::string_view name_prefix, std::string_view party_id, int location_no,
                                 int max_locations, int charger_no) {
  const auto pad = [](int n, std::size_t width) {
    std::string s = std::to_string(n);
    return s.size() < width ? std::string(width - s.size(), '0') + s : s;
  };
  return std::string{name_prefix} + '-' + std::string{party_id} + '-' +
         pad(location_no, std::to_string(max_locations).size()) + '-' + pad(charger_no, 2);
}

bool is_valid_charger_identity(std::string_view id) {
  return !id.empty() && id.size() <= 48 && std::all_of(id.begin(), id.end(), is_identity_char);
}

std::uint64_t draw_random_seed() {
  // Deliberately non-deterministic (seed: null asks for "different each call"); the caller
  // stores the value, and everything generated from it is deterministic again.
  std::random_device rd;
  // 53 bits: the seed is shown on GET and must survive every JSON client's doubles exactly.
  return ((static_cast<std::uint64_t>(rd()) << 32) ^ static_cast<std::uint64_t>(rd())) & 0x1FFFFFFFFFFFFFull;
}

} // namespace ocppfleet::catalog
