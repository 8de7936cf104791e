#include "control-api/routes/openapi_routes.hpp"

#include "control-api/http/errors.hpp"
#include "control-api/routes/openapi_document.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <utility>

namespace ocppfleet::api {
namespace {

struct RenderedDocument {
  std::once_flag once;
  std::string text;
};

} // namespace

void add_openapi_routes(ApiRegistry& api) {
  auto rendered = std::make_shared<RenderedDocument>();
  api.add(Operation{.method = "GET",
                    .path = "/openapi.json",
                    .operation_id = "openapi",
                    .summary = "This OpenAPI document",
                    .tag = "Service",
                    .responses = {{200, "OpenAPI 3.1 document", "OpenApiDocument"}},
                    .is_public = true},
          [rendered, operations = api.operations()](http::HttpRequest&, http::Responder responder) {
            std::call_once(rendered->once, [&] { rendered->text = openapi_document(*operations).dump(); });
            http::HttpResponse r;
            r.body = rendered->text;
            responder.send(std::move(r));
          });
  api.add(Operation{.method = "GET",
                    .path = "/health",
                    .operation_id = "health",
                    .summary = "Health check",
                    .tag = "Service",
                    .responses = {{200, "The server is up", "Health"}},
                    .is_public = true},
          [](http::HttpRequest&, http::Responder responder) {
            responder.send(http::json_response(200, nlohmann::json{{"status", "ok"}}));
          });
}

} // namespace ocppfleet::api
