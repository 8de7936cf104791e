#pragma once
// OCPI 2.2.1 names a template may use (parking types, facilities, tariff dimension types)
// and the mapping from our connector type slugs to OCPI ConnectorType. A typo in a template
// is a load error rather than a CPO that an eMSP rejects.
#include <span>
#include <string>
#include <string_view>

namespace ocppfleet::catalog {

std::span<const std::string_view> ocpi_parking_types();
std::span<const std::string_view> ocpi_facilities();
// Tariff price component types: ENERGY, FLAT, PARKING_TIME, TIME.
std::span<const std::string_view> ocpi_price_component_types();

// Type2 -> IEC_62196_T2, CCS2 -> IEC_62196_T2_COMBO, CHAdeMO -> CHADEMO, ... (GBT: by current).
std::string ocpi_connector_standard(std::string_view type, bool dc);

} // namespace ocppfleet::catalog
