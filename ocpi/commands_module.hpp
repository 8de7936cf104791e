#pragma once
// OCPI 2.2.1 Commands, our CPO as RECEIVER (mod_commands): START_SESSION, STOP_SESSION,
// UNLOCK_CONNECTOR, RESERVE_NOW and CANCEL_RESERVATION. The POST is answered at once with a
// CommandResponse; the backend then sends the OCPP call to the charger the EVSE routes to
// (ocpi/evse_index.hpp), and the CommandResult goes to the eMSP's response_url through the
// outbox when the charger answered or the backend's call timeout passed.
#include <chrono>

#include "ocpi/module_context.hpp"

namespace ocppfleet::ocpi {

struct CommandsConfig {
  // The `timeout` of every CommandResponse: how long the eMSP should wait for the result. The
  // backend's own call timeout (30 s by default) is shorter, so the result comes first.
  std::chrono::seconds result_timeout{60};
};

void add_commands_module(ModuleContext& module, CommandsConfig config = {});

} // namespace ocppfleet::ocpi
