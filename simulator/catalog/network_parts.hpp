#pragma once
// The pieces of network generation that more than one generator uses: the seeded site of
// location n, the tariffs of a country and one charger of a profile at a location. Internal to
// the catalog module (network_generator.cpp and added_location.cpp); the draw order of each is
// part of the document format.
#include <string>
#include <vector>

#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/network.hpp"
#include "simulator/catalog/network_generator.hpp"
#include "simulator/core/prng.hpp"

namespace ocppfleet::catalog::detail {

// Location n (1-based) as the template's pools draw it, from the substream
// `cpo/<template>/location/<n>`.
NetworkLocation make_location(const CpoTemplate& t, const TemplateCountry& country, const NetworkRequest& req, int n);
// The template's tariffs priced in the country's currency.
std::vector<NetworkTariff> make_tariffs(const CpoTemplate& t, const TemplateCountry& country);
// Charger m of location `l` built from `prof` (its EVSEs are appended to `l`); `p` is the
// charger's substream, after any draws the caller made on it.
NetworkCharger make_charger(const CpoTemplate& t, const NetworkRequest& req, const std::vector<NetworkTariff>& tariffs,
                            const ModelProfile& prof, const std::string& ocpp_version, const std::string& group,
                            core::Prng& p, NetworkLocation& l, int m);

} // namespace ocppfleet::catalog::detail
