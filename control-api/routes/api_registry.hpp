#pragma once
// Every control-API route is registered here with its Operation: the handler goes to the
// Router, the Operation (request declarations + responses) to the OpenAPI document that
// GET /openapi.json serves. One call per route, so a route cannot exist undocumented.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "control-api/http/router.hpp"
#include "control-api/routes/field_spec.hpp"

namespace ocppfleet::api {

struct Response {
  unsigned status = 200;
  std::string description{};
  std::string schema{}; // a components/schemas name (see openapi_components.cpp); empty: no body
};

struct Operation {
  std::string method{}; // "GET", "POST", ...
  std::string path{};   // "/ocpp/chargers/{charger_id}"
  std::string operation_id{};
  std::string summary{};
  std::string tag{};
  std::string description{};
  // The request body: an object, or (body_is_list) a list of such objects.
  std::shared_ptr<const Schema> body{};
  bool body_is_list = false;
  std::size_t body_max_items = 0; // lists: 0 = unbounded
  std::string body_description{};
  std::vector<Field> query{};
  std::vector<Field> path_params{}; // declared names; undeclared {params} are plain strings
  std::vector<Response> responses{};
  // Error statuses beyond the automatic ones (401/403 when authenticated, 422 with a body or
  // query, 500 always): e.g. 404, 409, 413, 503.
  std::vector<unsigned> errors{};
  bool is_public = false; // no bearer token (health, the document itself)
};

class ApiRegistry {
public:
  explicit ApiRegistry(http::Router& router);

  // Registers the route (Router::add, which throws on a bad or duplicate pattern) and keeps
  // its Operation for the document.
  void add(Operation op, http::Handler handler);

  [[nodiscard]] http::Router& router() noexcept { return router_; }
  // Shared with the /openapi.json handler, which renders it on first use: every route is
  // registered before the server starts.
  [[nodiscard]] std::shared_ptr<const std::vector<Operation>> operations() const { return operations_; }

private:
  http::Router& router_;
  std::shared_ptr<std::vector<Operation>> operations_ = std::make_shared<std::vector<Operation>>();
};

} // namespace ocppfleet::api
