// The location, catalogue and OpenAPI routes through a real Router, Authenticator (tokens
// read from the store) and Store on a temp file, without sockets: a Responder whose sink
// fulfils a promise, awaited with a deadline so a lost response fails instead of hanging.
#include "control-api/auth/token.hpp"
#include "control-api/routes/api_registry.hpp"
#include "control-api/routes/catalog_routes.hpp"
#include "control-api/routes/location_routes.hpp"
#include "control-api/routes/openapi_routes.hpp"
#include "control-api/store/org_repo.hpp"
#include "control-api/store/token_repo.hpp"
#include "store_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/source_tree.hpp"
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <string>
#include <utility>

namespace ocppfleet::api {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// OCPPFLEET_SOURCE_DIR, else the nearest folder up from here holding brands/ and control-api/:
// with ccache's base dir __FILE__ is relative to the build folder, and ctest currently gets
// only the first variable of the tests' ENVIRONMENT list (see the report of issue 11).
using ocppfleet::testing::source_dir;

// Token lookups go through the store like the server's: find_token on the store thread.
auth::TokenLookup store_lookup(store::Store& s) {
  return [&s](std::string hash, std::function<void(std::optional<auth::TokenRecord>)> done) {
    s.post([hash = std::move(hash), done = std::move(done)](store::Database& db) {
      const auto row = store::find_token(db, hash);
      if (!row) return done(std::nullopt);
      done(auth::TokenRecord{row->token_hash, row->org_id, row->admin, row->revoked});
    });
  };
}

struct Reply {
  unsigned status = 0;
  std::string body;
  Headers headers;
  [[nodiscard]] json json_body() const { return json::parse(body); }
  [[nodiscard]] std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

Reply dispatch(const http::Router& router, http::HttpRequest request) {
  auto promise = std::make_shared<std::promise<http::HttpResponse>>();
  auto future = promise->get_future();
  router.dispatch(request, http::Responder{[promise](http::HttpResponse r) { promise->set_value(std::move(r)); }});
  if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << request.method << ' ' << request.path << ": no response within 10 s";
    return {};
  }
  auto r = future.get();
  return {r.status, std::move(r.body), std::move(r.headers)};
}

class RoutesTest : public ::testing::Test {
protected:
  RoutesTest() {
    store
        ->submit([this](store::Database& db) {
          org_a = store::create_org(db, "org-a");
          org_b = store::create_org(db, "org-b");
          store::insert_token(db, store::hash_token(token_a), org_a, false);
          store::insert_token(db, store::hash_token(token_b), org_b, false);
        })
        .get();
    add_location_routes(api, ctx);
    add_catalog_routes(api, ctx);
    add_openapi_routes(api);
  }

  Reply call(std::string method, std::string path, const std::string& token, const std::string& body = {},
             std::vector<std::pair<std::string, std::string>> query = {}) {
    http::HttpRequest r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.query = std::move(query);
    r.body = body;
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return dispatch(router, std::move(r));
  }
  json create_location(const std::string& token, const json& body) {
    const auto r = call("POST", "/ocpp/locations", token, body.dump());
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json_body();
  }

  store::testing::TempDir dir;
  std::unique_ptr<store::Store> store = store::Store::open(dir.file("api.db"));
  auth::Authenticator authenticator{store_lookup(*store)};
  catalog::Catalog catalog{source_dir() / "brands"};
  ApiContext ctx{*store, authenticator, catalog};
  http::Router router;
  ApiRegistry api{router};
  std::string org_a, org_b;
  std::string token_a = auth::generate_token();
  std::string token_b = auth::generate_token();
};

// detail[] of a 422 as "loc/type" strings, e.g. "body.name/missing".
std::set<std::string> error_keys(const Reply& r) {
  std::set<std::string> out;
  const json body = r.json_body(); // named: a range-for over a temporary's member would dangle
  for (const auto& e : body.at("detail")) {
    std::string loc;
    for (const auto& part : e.at("loc"))
      loc += (loc.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
    EXPECT_TRUE(e.at("msg").is_string());
    out.insert(loc + "/" + e.at("type").get<std::string>());
  }
  return out;
}

TEST_F(RoutesTest, location_create_get_update_delete_round_trip) {
  const json created = create_location(token_a, {{"name", "Depot"}, {"city", "Lyon"}, {"latitude", 45.76}});
  const std::string id = created.at("id");
  EXPECT_EQ(id.rfind("loc_", 0), 0u);
  EXPECT_EQ(created.at("name"), "Depot");
  EXPECT_EQ(created.at("city"), "Lyon");
  EXPECT_EQ(created.at("latitude"), 45.76);
  EXPECT_TRUE(created.at("address").is_null());
  EXPECT_TRUE(created.at("country").is_null());
  EXPECT_TRUE(created.at("longitude").is_null());
  EXPECT_FALSE(created.at("created_at").get<std::string>().empty());
  EXPECT_EQ(created.size(), 9u); // exactly the documented fields: no org_id leaks

  const auto got = call("GET", "/ocpp/locations/" + id, token_a);
  EXPECT_EQ(got.status, 200u);
  EXPECT_EQ(got.json_body(), created);

  // Only the fields sent change; an explicit null clears one.
  const auto put = call("PUT", "/ocpp/locations/" + id, token_a, R"({"country":"FR","latitude":null})");
  ASSERT_EQ(put.status, 200u) << put.body;
  const json updated = put.json_body();
  EXPECT_EQ(updated.at("name"), "Depot");
  EXPECT_EQ(updated.at("city"), "Lyon");
  EXPECT_EQ(updated.at("country"), "FR");
  EXPECT_TRUE(updated.at("latitude").is_null());

  const auto del = call("DELETE", "/ocpp/locations/" + id, token_a);
  EXPECT_EQ(del.status, 204u);
  EXPECT_TRUE(del.body.empty());
  for (const char* method : {"GET", "DELETE", "PUT"}) {
    const auto gone = call(method, "/ocpp/locations/" + id, token_a, R"({"name":"x"})");
    EXPECT_EQ(gone.status, 404u) << method;
    EXPECT_EQ(gone.json_body(), json({{"detail", "Location not found"}})) << method;
  }
}

TEST_F(RoutesTest, location_list_pages_in_creation_order) {
  std::vector<std::string> ids;
  for (const char* name : {"one", "two", "three"})
    ids.push_back(create_location(token_a, {{"name", name}}).at("id"));
  create_location(token_b, {{"name", "other org"}});

  auto first = call("GET", "/ocpp/locations", token_a, {}, {{"limit", "2"}});
  ASSERT_EQ(first.status, 200u);
  json page = first.json_body();
  EXPECT_EQ(page.at("total"), 3);
  EXPECT_EQ(page.at("page"), 1);
  EXPECT_EQ(page.at("limit"), 2);
  ASSERT_EQ(page.at("data").size(), 2u);
  EXPECT_EQ(page.at("data")[0].at("id"), ids[0]);
  EXPECT_EQ(page.at("data")[1].at("id"), ids[1]);

  page = call("GET", "/ocpp/locations", token_a, {}, {{"page", "2"}, {"limit", "2"}}).json_body();
  ASSERT_EQ(page.at("data").size(), 1u);
  EXPECT_EQ(page.at("data")[0].at("id"), ids[2]);
  EXPECT_EQ(page.at("page"), 2);

  page = call("GET", "/ocpp/locations", token_a).json_body();
  EXPECT_EQ(page.at("limit"), 50); // the default
  EXPECT_EQ(page.at("data").size(), 3u);
}

TEST_F(RoutesTest, validation_errors_are_422_naming_every_bad_field) {
  auto r = call("POST", "/ocpp/locations", token_a, R"({"latitude":200,"longitude":"east","city":7})");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(error_keys(r), (std::set<std::string>{"body.name/missing", "body.latitude/less_than_equal",
                                                  "body.longitude/float_type", "body.city/string_type"}));

  r = call("POST", "/ocpp/locations", token_a, R"({"name":""})");
  EXPECT_EQ(error_keys(r), std::set<std::string>{"body.name/string_too_short"});
  r = call("POST", "/ocpp/locations", token_a, json{{"name", std::string(256, 'n')}}.dump());
  EXPECT_EQ(error_keys(r), std::set<std::string>{"body.name/string_too_long"});
  r = call("POST", "/ocpp/locations", token_a, "{not json");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(r.json_body().at("detail")[0].at("type"), "json_invalid");
  r = call("POST", "/ocpp/locations", token_a, "[1]");
  EXPECT_EQ(error_keys(r), std::set<std::string>{"body/model_attributes_type"});

  r = call("GET", "/ocpp/locations", token_a, {}, {{"limit", "0"}, {"page", "x"}});
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(error_keys(r), (std::set<std::string>{"query.limit/greater_than_equal", "query.page/int_parsing"}));
  r = call("GET", "/ocpp/locations", token_a, {}, {{"limit", "101"}});
  EXPECT_EQ(error_keys(r), std::set<std::string>{"query.limit/less_than_equal"});

  const std::string id = create_location(token_a, {{"name", "Depot"}}).at("id");
  r = call("PUT", "/ocpp/locations/" + id, token_a, R"({"name":null,"longitude":-181})");
  ASSERT_EQ(r.status, 422u);
  EXPECT_EQ(error_keys(r), (std::set<std::string>{"body.name/string_type", "body.longitude/greater_than_equal"}));
  EXPECT_EQ(call("GET", "/ocpp/locations/" + id, token_a).json_body().at("name"), "Depot"); // nothing written
}

TEST_F(RoutesTest, every_location_and_catalog_route_needs_a_valid_token) {
  const std::vector<std::pair<std::string, std::string>> routes{{"POST", "/ocpp/locations"},
                                                                {"GET", "/ocpp/locations"},
                                                                {"GET", "/ocpp/locations/loc_x"},
                                                                {"PUT", "/ocpp/locations/loc_x"},
                                                                {"DELETE", "/ocpp/locations/loc_x"},
                                                                {"GET", "/ocpp/catalog/brands"},
                                                                {"GET", "/ocpp/catalog/brands/abb/models"},
                                                                {"GET", "/ocpp/catalog/brands/abb/models/terra-184"}};
  for (const auto& [method, path] : routes) {
    auto r = call(method, path, "", R"({"name":"x"})");
    EXPECT_EQ(r.status, 401u) << method << ' ' << path;
    EXPECT_EQ(r.json_body(), json({{"detail", "Not authenticated"}}));
    EXPECT_EQ(r.header("WWW-Authenticate"), "Bearer");
    r = call(method, path, "ocf_not-a-known-token", R"({"name":"x"})");
    EXPECT_EQ(r.status, 401u) << method << ' ' << path;
    EXPECT_EQ(r.json_body(), json({{"detail", "Invalid authentication credentials"}}));
  }
}

TEST_F(RoutesTest, another_organisations_location_is_404_and_left_alone) {
  const json theirs = create_location(token_b, {{"name", "Theirs"}});
  const std::string path = "/ocpp/locations/" + theirs.at("id").get<std::string>();
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    const auto r = call(method, path, token_a, R"({"name":"Mine now"})");
    EXPECT_EQ(r.status, 404u) << method;
    EXPECT_EQ(r.json_body(), json({{"detail", "Location not found"}}));
  }
  EXPECT_EQ(call("GET", "/ocpp/locations", token_a).json_body().at("total"), 0);
  EXPECT_EQ(call("GET", path, token_b).json_body(), theirs);
}

TEST_F(RoutesTest, unknown_path_is_404_and_unknown_method_405_in_fastapi_shape) {
  auto r = call("GET", "/ocpp/nowhere", token_a);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json_body(), json({{"detail", "Not Found"}}));
  r = call("PATCH", "/ocpp/locations/loc_x", token_a);
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.json_body(), json({{"detail", "Method Not Allowed"}}));
  EXPECT_NE(r.header("Allow").find("PUT"), std::string::npos);
}

TEST_F(RoutesTest, catalog_lists_every_shipped_brand_with_its_model_count) {
  ASSERT_TRUE(catalog.load_all().errors.empty()); // the shipped profiles load cleanly
  const auto r = call("GET", "/ocpp/catalog/brands", token_a);
  ASSERT_EQ(r.status, 200u);
  const json brands = r.json_body();
  ASSERT_EQ(brands.at("total"), brands.at("data").size());
  std::size_t models = 0;
  std::string previous;
  json abb;
  for (const auto& b : brands.at("data")) {
    EXPECT_GT(b.at("slug").get<std::string>(), previous); // sorted by slug
    previous = b.at("slug");
    models += b.at("models").get<std::size_t>();
    if (b.at("slug") == "abb") abb = b;
  }
  EXPECT_EQ(models, catalog.model_slugs().size());
  EXPECT_EQ(abb, json({{"slug", "abb"}, {"name", "ABB"}, {"models", 3}}));
}

TEST_F(RoutesTest, catalog_lists_a_brands_models_and_404s_an_unknown_brand) {
  auto r = call("GET", "/ocpp/catalog/brands/abb/models", token_a);
  ASSERT_EQ(r.status, 200u);
  const json models = r.json_body();
  EXPECT_EQ(models.at("total"), 3);
  std::vector<std::string> slugs;
  for (const auto& m : models.at("data")) {
    slugs.push_back(m.at("slug"));
    EXPECT_EQ(m.at("brand_slug"), "abb");
    EXPECT_FALSE(m.at("charge_point_vendor").get<std::string>().empty());
    EXPECT_GT(m.at("max_power_kw").get<double>(), 0.0);
  }
  // The canonical, brand-prefixed slugs (the shape of the product we match).
  EXPECT_EQ(slugs, (std::vector<std::string>{"abb-terra-184", "abb-terra-ac-w11", "abb-terra-ac-w22"}));

  r = call("GET", "/ocpp/catalog/brands/nope/models", token_a);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json_body(), json({{"detail", "Brand not found"}}));
}

TEST_F(RoutesTest, catalog_model_carries_hardware_and_protocol_personality) {
  const auto r = call("GET", "/ocpp/catalog/brands/abb/models/terra-184", token_a);
  ASSERT_EQ(r.status, 200u);
  const json m = r.json_body();
  const auto profile = catalog.get("abb/terra-184").profile;
  ASSERT_TRUE(profile);
  EXPECT_EQ(m.at("name"), profile->identity.model_name);
  EXPECT_EQ(m.at("brand_name"), "ABB");
  EXPECT_EQ(m.at("charge_point_model"), profile->identity.model);
  EXPECT_EQ(m.at("firmware_version"), profile->identity.firmware_version);
  ASSERT_EQ(m.at("evses").size(), profile->hardware.evses.size());
  const json& c = m.at("evses")[0].at("connectors")[0];
  EXPECT_EQ(m.at("evses")[0].at("evse_id"), 1);
  EXPECT_EQ(c.at("connector_id"), 1);
  EXPECT_EQ(c.at("current"), "DC");
  EXPECT_TRUE(c.at("phases").is_null());
  EXPECT_EQ(c.at("max_power_kw"), profile->hardware.evses[0].connectors[0].spec.max_power_w / 1000.0);
  for (const auto& v : m.at("ocpp_versions")) {
    ASSERT_TRUE(m.at("supported_actions").contains(v.get<std::string>())) << v;
    EXPECT_FALSE(m.at("supported_actions").at(v.get<std::string>()).empty());
  }
  EXPECT_EQ(m.at("supported_actions").size(), m.at("ocpp_versions").size());
  EXPECT_EQ(m.at("measurands"), profile->personality.metering.measurands);
  EXPECT_EQ(m.at("sample_interval_s"), profile->personality.metering.sample_interval_s);

  const auto ac = call("GET", "/ocpp/catalog/brands/abb/models/terra-ac-w22", token_a).json_body();
  EXPECT_EQ(ac.at("evses")[0].at("connectors")[0].at("current"), "AC");
  EXPECT_TRUE(ac.at("evses")[0].at("connectors")[0].at("phases").is_number_integer());

  for (const char* path : {"/ocpp/catalog/brands/abb/models/nope", "/ocpp/catalog/brands/nope/models/terra-184"}) {
    const auto missing = call("GET", path, token_a);
    EXPECT_EQ(missing.status, 404u) << path;
    EXPECT_EQ(missing.json_body(), json({{"detail", "Model not found"}}));
  }
}

TEST_F(RoutesTest, catalog_model_answers_either_slug_form_with_the_one_canonical_slug) {
  const auto bare = call("GET", "/ocpp/catalog/brands/abb/models/terra-184", token_a);
  const auto prefixed = call("GET", "/ocpp/catalog/brands/abb/models/abb-terra-184", token_a);
  ASSERT_EQ(bare.status, 200u);
  ASSERT_EQ(prefixed.status, 200u);
  EXPECT_EQ(bare.body, prefixed.body);
  EXPECT_EQ(prefixed.json_body().at("slug"), "abb-terra-184");
  EXPECT_EQ(prefixed.json_body().at("ocpp_versions"), json({"OCPP1.6", "OCPP2.0.1"})); // the reference's version
  const auto wallbox = call("GET", "/ocpp/catalog/brands/wallbox/models/wallbox-pulsar-plus", token_a);
  ASSERT_EQ(wallbox.status, 200u);
  EXPECT_EQ(wallbox.json_body().at("slug"), "wallbox-pulsar-plus");
  // The prefix must be the model's own brand.
  EXPECT_EQ(call("GET", "/ocpp/catalog/brands/abb/models/wallbox-pulsar-plus", token_a).status, 404u);
  EXPECT_EQ(call("GET", "/ocpp/catalog/brands/wallbox/models/abb-terra-184", token_a).status, 404u);
}

TEST_F(RoutesTest, catalog_skips_profiles_that_fail_to_load) {
  // The catalogue fixtures: acme/good.yaml loads; the others are broken on purpose.
  catalog::Catalog fixtures{source_dir() / "tests/unit/catalog/fixtures"};
  ApiContext fixture_ctx{*store, authenticator, fixtures};
  http::Router fixture_router;
  ApiRegistry fixture_api{fixture_router};
  add_catalog_routes(fixture_api, fixture_ctx);
  const auto get = [&](const std::string& path) {
    http::HttpRequest r;
    r.method = "GET";
    r.path = path;
    r.headers.emplace_back("Authorization", "Bearer " + token_a);
    return dispatch(fixture_router, std::move(r));
  };
  const json brands = get("/ocpp/catalog/brands").json_body();
  ASSERT_EQ(brands.at("total"), 1);
  EXPECT_EQ(brands.at("data")[0].at("models"), 1);
  const json models = get("/ocpp/catalog/brands/acme/models").json_body();
  ASSERT_EQ(models.at("data").size(), 1u);
  EXPECT_EQ(models.at("data")[0].at("slug"), "acme-good");
  EXPECT_EQ(get("/ocpp/catalog/brands/acme/models/good").status, 200u);
  EXPECT_EQ(get("/ocpp/catalog/brands/acme/models/malformed").status, 404u);
}

TEST_F(RoutesTest, health_and_openapi_answer_without_a_token) {
  auto r = call("GET", "/health", "");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json_body(), json({{"status", "ok"}}));
  r = call("GET", "/openapi.json", "");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.json_body().at("openapi"), "3.1.0");
  EXPECT_EQ(call("GET", "/openapi.json", "").body, r.body) << "rendered once, then served as is";
}

} // namespace
} // namespace ocppfleet::api
