#include "control-api/routes/api_registry.hpp"

#include <stdexcept>

namespace ocppfleet::api {

ApiRegistry::ApiRegistry(http::Router& router) : router_(router) {}

void ApiRegistry::add(Operation op, http::Handler handler) {
  if (op.operation_id.empty() || op.responses.empty())
    throw std::invalid_argument("route " + op.method + " " + op.path + " needs an operationId and a response");
  router_.add(op.method, op.path, std::move(handler), op.summary);
  operations_->push_back(std::move(op));
}

} // namespace ocppfleet::api
