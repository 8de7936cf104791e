#pragma once
// What an OCPI module gets from OcpiService to add its routes: authenticated routing on the
// service's worker thread, the store, the CPO's backend, the URLs we hand out. Each module
// (locations, tariffs, sessions, cdrs, tokens, commands) lives in its own file and adds its
// routes and its version-details endpoint through this.
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control-api/http/http_types.hpp"
#include "control-api/store/store.hpp"
#include "ocpi/backend_port.hpp"
#include "ocpi/outbox_repo.hpp"
#include "ocpi/peer_repo.hpp"
#include "ocpi/token_table.hpp"

namespace ocppfleet::ocpi {

enum class Caller { none, token_a, token_c };

// The caller of one request, authenticated on the worker thread.
struct Authed {
  Caller caller = Caller::none;
  CpoParty cpo;
  std::optional<PeerRow> peer;
};

// A module's handler: runs on the OCPI worker thread (it may block on the store or an eMSP
// call); the request is already authenticated.
using Action = std::function<http::HttpResponse(const http::HttpRequest&, Authed&)>;

struct ModuleContext {
  store::Store& store;
  BackendPort* backend = nullptr; // null when `serve` runs without the embedded CSMS
  // Adds a route; `token_a_ok` is false for every functional module (only Token C opens them).
  std::function<void(const char* method, const char* pattern, bool token_a_ok, Action)> route;
  // Lists the module in the 2.2.1 version details: identifier and our role (SENDER/RECEIVER).
  std::function<void(const char* identifier, const char* role)> endpoint;
  // ".../ocpi/cpo/{cpo_id}/2.2.1" for this CPO (no trailing slash).
  std::function<std::string(const CpoParty&)> version_url;
  // Owes the CPO's eMSP a call (ocpi/outbox_repo.hpp): queued durably, then delivered with
  // retries. Callable from any thread; never blocks (the store write is posted).
  std::function<void(OutboxItem)> push_later;
  // What each CPO's backend decides the chargers' idTokens on (tokens module, commands' grants).
  TokenTable* tokens = nullptr;
};

} // namespace ocppfleet::ocpi
