#pragma once
// The control API's frame log redacts with the engine's rules (simulator/ocpp/rpc/
// frame_redaction.hpp): the same secrets stay hidden in stored logs, trace logs and dumps.
#include "simulator/ocpp/rpc/frame_redaction.hpp"

namespace ocppfleet::api {

using rpc::kRedacted;
using rpc::redact_call;
using rpc::redact_call_result;

} // namespace ocppfleet::api
