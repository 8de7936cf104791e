// The generated OpenAPI document against the real route set (add_control_api_routes, as
// `ocppfleet serve` registers it): every routed method+path is documented and nothing else,
// refs resolve, parameters keep their constraints inside `schema`, and request bodies carry
// the bounds the validators enforce. (The npm OpenAPI 3.1 schema validator runs on the
// served document in api.openapi_document_is_valid.)
#include "control-api/routes/charger_fields.hpp"
#include "control-api/routes/control_api.hpp"
#include "control-api/routes/openapi_document.hpp"
#include "control-api/workflows/bulk_job_runner.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>

#include "tests/support/source_tree.hpp"
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace ocppfleet::api {
namespace {

using nlohmann::json;

// OCPPFLEET_SOURCE_DIR, else the nearest folder up from here holding brands/ and control-api/:
// with ccache's base dir __FILE__ is relative to the build folder, and ctest currently gets
// only the first variable of the tests' ENVIRONMENT list (see the report of issue 11).
using ocppfleet::testing::source_dir;

struct FullApi {
  store::testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::Store::open(dir.file("api.db"));
  auth::Authenticator authenticator{
      [](std::string, std::function<void(std::optional<auth::TokenRecord>)> done) { done(std::nullopt); }};
  catalog::Catalog catalog{source_dir() / "brands"};
  ChargerRuntime runtime{*store, catalog, RuntimeConfig{.engine_threads = 1}};
  BulkJobRunner runner{*store, runtime};
  ApiContext ctx{*store, authenticator, catalog, &runtime};
  http::Router router;
  ApiRegistry api{router};
  FullApi() { add_control_api_routes(api, ctx, runner); }
  [[nodiscard]] json document() const { return openapi_document(*api.operations()); }
};

void expect_refs_resolve(const json& doc, const json& node) {
  if (node.is_object())
    if (auto it = node.find("$ref"); it != node.end()) {
      const std::string ref = *it;
      ASSERT_EQ(ref.rfind("#/", 0), 0u) << ref;
      EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << "dangling " << ref;
    }
  if (node.is_structured())
    for (const auto& child : node)
      expect_refs_resolve(doc, child);
}

TEST(OpenApiDocument, lists_exactly_the_routes_the_router_has) {
  FullApi full;
  const json doc = full.document();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  expect_refs_resolve(doc, doc);
  std::set<std::string> routed, documented;
  for (const auto& r : full.router.routes())
    routed.insert(r.method + ' ' + r.pattern);
  for (const auto& [path, item] : doc.at("paths").items())
    for (const auto& [method, operation] : item.items()) {
      std::string upper = method;
      for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(upper + ' ' + path);
      const bool is_public = operation.contains("security") && operation.at("security").empty();
      EXPECT_EQ(is_public, path == "/health" || path == "/openapi.json") << path;
      if (!is_public) {
        EXPECT_TRUE(operation.at("responses").contains("401")) << upper << ' ' << path;
      }
    }
  EXPECT_GE(routed.size(), 23u); // the routes of DESIGN.md §6 registered so far
  EXPECT_EQ(routed, documented);
}

TEST(OpenApiDocument, parameters_keep_their_constraints_inside_schema) {
  const json doc = FullApi{}.document();
  static const std::set<std::string> allowed{"name", "in", "required", "description", "schema", "deprecated"};
  bool saw_enum = false;
  for (const auto& [path, item] : doc.at("paths").items())
    for (const auto& [method, operation] : item.items())
      for (const auto& p : operation.value("parameters", json::array())) {
        for (const auto& [key, value] : p.items())
          EXPECT_TRUE(allowed.count(key)) << path << ' ' << method << ' ' << p.at("name") << " has " << key;
        saw_enum = saw_enum || p.at("schema").contains("enum");
      }
  EXPECT_TRUE(saw_enum) << "the command name's enum is documented inside its schema";
}

TEST(OpenApiDocument, request_bodies_carry_the_declared_rules) {
  const json schemas = FullApi{}.document().at("components").at("schemas");
  const json& create = schemas.at("ChargerCreateRequest");
  EXPECT_EQ(create.at("required"), json({"identity", "brand_slug", "model_slug", "connector_type", "ws_url"}));
  const json& identity = create.at("properties").at("identity");
  EXPECT_EQ(identity.at("maxLength"), 48);
  EXPECT_EQ(identity.at("pattern"), identity_field().pattern);
  EXPECT_EQ(create.at("properties").at("ocpp_version").at("enum"), json({"OCPP1.6", "OCPP2.0.1"}));
  EXPECT_EQ(create.at("properties").at("ocpp_version").at("default"), "OCPP1.6");
  EXPECT_EQ(create.at("properties").at("location_id").at("type"), json({"string", "null"}));
  EXPECT_FALSE(schemas.at("ChargerUpdateRequest").contains("required"));
  EXPECT_EQ(schemas.at("BulkChargerCreateEntry").at("properties").at("charger_ids").at("items").at("pattern"),
            identity_field().pattern)
      << "bulk identities follow the same rule";
  for (const char* shape : {"HttpErrorResponse", "HTTPValidationError", "ValidationError", "ChargerCreateAccepted",
                            "ProvisioningErrorDetail"})
    EXPECT_TRUE(schemas.contains(shape)) << shape;
}

} // namespace
} // namespace ocppfleet::api
