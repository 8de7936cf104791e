#pragma once
// OCPI 2.2.1 Tokens, our CPO as RECEIVER (mod_tokens): the eMSP GETs, PUTs and PATCHes its
// Tokens at /tokens/{country_code}/{party_id}/{token_uid}[?type=RFID]. Each one is stored
// (ocpi_tokens) and put in the CPO's TokenTable, which the CPO's backend decides the chargers'
// Authorize and transaction starts on (ocpi/token_table.hpp).
#include "ocpi/module_context.hpp"

namespace ocppfleet::ocpi {

void add_tokens_module(ModuleContext& module);

} // namespace ocppfleet::ocpi
