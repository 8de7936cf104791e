#pragma once
// OCPI 2.2.1 Tariffs, our CPO as SENDER (mod_tariffs): the tariffs of the CPO's network
// document (generated with it, one per template tariff, in the country's currency) as OCPI
// Tariff objects. Copied once into ocpi_tariffs so a page never parses the whole document.
// Runs on the store thread.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control-api/store/database.hpp"
#include "ocpi/module_context.hpp"
#include "ocpi/pagination.hpp"
#include "ocpi/peer_repo.hpp"

namespace ocppfleet::ocpi {

// The standard VAT rate (percent) of the countries our templates generate; nullopt elsewhere
// (then a price component carries no `vat`: OCPI's "no VAT applicable").
std::optional<double> standard_vat_percent(std::string_view country_code);

// Copies the CPO's tariffs into ocpi_tariffs unless they are there already (a cheap EXISTS
// when they are). Nothing happens before the network step stored the document.
void ensure_ocpi_tariffs(store::Database& db, const CpoParty& cpo);

struct TariffPage {
  std::vector<nlohmann::json> items; // oldest last_updated first, then id
  std::int64_t total = 0;            // matching the dates, before offset/limit
};

TariffPage list_ocpi_tariffs(store::Database& db, const CpoParty& cpo, const PageQuery& query);
std::optional<nlohmann::json> find_ocpi_tariff(store::Database& db, const CpoParty& cpo, const std::string& tariff_id);

// GET tariffs (paged), listed as SENDER.
void add_tariffs_module(ModuleContext& module);

} // namespace ocppfleet::ocpi
