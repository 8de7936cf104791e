#pragma once
// What every route handler of the control API reaches: the store (SQLite on its own
// thread), the authenticator, the brand/model catalogue and the charger runtime (the
// fleet engine behind the API). Built once by `ocppfleet serve`; outlives the server.
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "control-api/auth/authenticator.hpp"
#include "control-api/http/errors.hpp"
#include "control-api/http/router.hpp"
#include "control-api/store/errors.hpp"
#include "control-api/store/store.hpp"
#include "simulator/catalog/catalog.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::api {

class ChargerRuntime; // control-api/workflows/charger_runtime.hpp
class CpoRuntime;     // control-api/workflows/cpo_runtime.hpp
class CpoPlanner;     // control-api/workflows/cpo_runtime.hpp

struct ApiContext {
  store::Store& store;
  auth::Authenticator& auth;
  catalog::Catalog& catalog;
  ChargerRuntime* runtime = nullptr; // null in route tests that need no chargers
  CpoRuntime* cpos = nullptr;        // null: the CPO routes answer 503
  const CpoPlanner* cpo_planner = nullptr;
  std::string public_url{}; // base of absolute URLs we hand out (serve --public-url)
};

// Runs `handler` once the request's bearer token is checked (401/403 answered here). The
// request is copied: the handler may run later, on the store thread.
template <class Handler>
void with_principal(ApiContext& ctx, http::HttpRequest& request, http::Responder responder, Handler handler) {
  auto req = std::make_shared<http::HttpRequest>(std::move(request));
  ctx.auth.authenticate(*req, [req, responder, handler = std::move(handler)](
                                  std::variant<auth::Principal, http::HttpResponse> outcome) mutable {
    if (auto* error = std::get_if<http::HttpResponse>(&outcome)) return responder.send(std::move(*error));
    handler(std::get<auth::Principal>(outcome), *req, responder);
  });
}

// A route handler that authenticates first, then calls handler(principal, request, responder).
template <class Handler> http::Handler authenticated(ApiContext& ctx, Handler handler) {
  return [&ctx, handler](http::HttpRequest& request, http::Responder responder) {
    with_principal(ctx, request, std::move(responder), handler);
  };
}

// Runs `work(db)` on the store thread and sends the response it returns. A full store queue
// is 503; any other exception a 500 (logged), never a hung request.
template <class Work> void respond_from_store(ApiContext& ctx, http::Responder responder, Work work) {
  try {
    ctx.store.post([responder, work = std::move(work)](store::Database& db) mutable {
      try {
        responder.send(work(db));
      } catch (const std::exception& e) {
        core::logger()->error("control API: store work failed: {}", e.what());
        responder.send(http::error_response(500, "Internal Server Error"));
      }
    });
  } catch (const store::StoreBusy&) {
    responder.send(http::error_response(503, "The store is busy; retry shortly"));
  }
}

} // namespace ocppfleet::api
