// Router dispatch and the FastAPI error shapes, without sockets: a Responder whose sink
// records what would be sent.
#include "control-api/http/errors.hpp"
#include "control-api/http/router.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <thread>

namespace ocppfleet::http {
namespace {

using nlohmann::json;

struct Sent {
  std::vector<HttpResponse> responses;
  Responder responder() {
    return Responder{[this](HttpResponse r) { responses.push_back(std::move(r)); }};
  }
};

HttpRequest make_request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

Handler answer(std::string what) {
  return [what](HttpRequest& req, Responder res) {
    json body{{"route", what}, {"params", req.path_params}};
    res.send(json_response(200, body));
  };
}

class RouterTest : public ::testing::Test {
protected:
  RouterTest() {
    router.add("GET", "/ocpp/chargers", answer("list"), "List chargers");
    router.add("POST", "/ocpp/chargers", answer("create"), "Create charger");
    router.add("GET", "/ocpp/chargers/{charger_id}", answer("get"));
    router.add("DELETE", "/ocpp/chargers/{charger_id}", answer("delete"));
    router.add("GET", "/ocpp/chargers/{charger_id}/status", answer("status"));
    router.add("GET", "/ocpp/chargers/summary", answer("summary"));
    router.add("GET", "/", answer("root"));
  }
  json route(std::string method, std::string path, unsigned expect_status = 200) {
    Sent sent;
    auto req = make_request(std::move(method), std::move(path));
    router.dispatch(req, sent.responder());
    EXPECT_EQ(sent.responses.size(), 1u);
    if (sent.responses.empty()) return {};
    EXPECT_EQ(sent.responses[0].status, expect_status);
    return json::parse(sent.responses[0].body);
  }
  Router router;
};

TEST_F(RouterTest, matches_literal_routes_and_fills_path_params) {
  EXPECT_EQ(route("GET", "/ocpp/chargers")["route"], "list");
  EXPECT_EQ(route("POST", "/ocpp/chargers")["route"], "create");
  const auto status = route("GET", "/ocpp/chargers/dep-123/status");
  EXPECT_EQ(status["route"], "status");
  EXPECT_EQ(status["params"]["charger_id"], "dep-123");
  EXPECT_EQ(route("GET", "/")["route"], "root");
}

TEST_F(RouterTest, path_params_are_percent_decoded_per_segment) {
  const auto r = route("GET", "/ocpp/chargers/CP%201%2F%C3%A9");
  EXPECT_EQ(r["params"]["charger_id"], "CP 1/\xC3\xA9");
  // '+' is literal in a path (only the query decodes it as a space).
  EXPECT_EQ(route("GET", "/ocpp/chargers/a+b")["params"]["charger_id"], "a+b");
}

TEST_F(RouterTest, tolerates_a_trailing_slash) {
  EXPECT_EQ(route("GET", "/ocpp/chargers/")["route"], "list");
  EXPECT_EQ(route("GET", "/ocpp/chargers/x/status/")["route"], "status");
}

TEST_F(RouterTest, literal_segment_wins_over_param_regardless_of_order) {
  EXPECT_EQ(route("GET", "/ocpp/chargers/summary")["route"], "summary");
  // Only GET has the literal: DELETE falls back to the {charger_id} route.
  EXPECT_EQ(route("DELETE", "/ocpp/chargers/summary")["route"], "delete");
}

TEST_F(RouterTest, unknown_path_is_404_not_found) {
  EXPECT_EQ(route("GET", "/nope", 404), json({{"detail", "Not Found"}}));
  EXPECT_EQ(route("GET", "/ocpp/chargers//status", 404)["detail"], "Not Found");
  EXPECT_EQ(route("GET", "/ocpp/chargers/x/status/more", 404)["detail"], "Not Found");
}

TEST_F(RouterTest, known_path_with_wrong_method_is_405_with_allow) {
  Sent sent;
  auto req = make_request("PUT", "/ocpp/chargers");
  router.dispatch(req, sent.responder());
  ASSERT_EQ(sent.responses.size(), 1u);
  EXPECT_EQ(sent.responses[0].status, 405u);
  EXPECT_EQ(json::parse(sent.responses[0].body), json({{"detail", "Method Not Allowed"}}));
  EXPECT_EQ(header(sent.responses[0], "Allow"), "GET, POST");
}

TEST_F(RouterTest, handler_that_throws_gets_500) {
  router.add("GET", "/boom", [](HttpRequest&, Responder) { throw std::runtime_error("db gone"); });
  EXPECT_EQ(route("GET", "/boom", 500), json({{"detail", "Internal Server Error"}}));
}

TEST_F(RouterTest, handler_that_answers_then_throws_sends_one_response) {
  router.add("GET", "/half", [](HttpRequest&, Responder res) {
    res.send(error_response(409, "conflict"));
    throw std::runtime_error("after the fact");
  });
  EXPECT_EQ(route("GET", "/half", 409)["detail"], "conflict");
}

TEST_F(RouterTest, dropped_responder_sends_500_instead_of_hanging) {
  router.add("GET", "/forgot", [](HttpRequest&, Responder) {});
  EXPECT_EQ(route("GET", "/forgot", 500)["detail"], "Internal Server Error");
}

TEST_F(RouterTest, second_send_is_ignored_even_from_another_thread) {
  Sent sent;
  auto responder = sent.responder();
  std::thread other([responder] { responder.send(error_response(201, "first")); });
  other.join();
  responder.send(error_response(200, "second"));
  ASSERT_EQ(sent.responses.size(), 1u);
  EXPECT_EQ(sent.responses[0].status, 201u);
  EXPECT_TRUE(responder.sent());
}

TEST_F(RouterTest, add_rejects_bad_patterns_and_duplicates) {
  EXPECT_THROW(router.add("GET", "no-slash", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{}", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/{x}/{x}", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/a/b{x}", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/ocpp/chargers/{other_name}", answer("x")), std::invalid_argument);
  EXPECT_THROW(router.add("get", "/ocpp/chargers/", answer("x")), std::invalid_argument);
}

TEST_F(RouterTest, routes_lists_every_route_with_its_summary) {
  const auto routes = router.routes();
  ASSERT_EQ(routes.size(), 7u);
  EXPECT_EQ(routes[0].method, "GET");
  EXPECT_EQ(routes[0].pattern, "/ocpp/chargers");
  EXPECT_EQ(routes[0].summary, "List chargers");
  EXPECT_EQ(routes[4].pattern, "/ocpp/chargers/{charger_id}/status");
}

TEST(HttpRequestTest, headers_are_case_insensitive_and_query_is_decoded) {
  HttpRequest r;
  r.headers = {{"Content-Type", "application/json"}, {"X-Organization-Id", "org1"}};
  r.query = parse_query("page=2&name=CP%201+a&flag&&limit=");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("X-ORGANIZATION-ID"), "org1");
  EXPECT_FALSE(r.header("Authorization"));
  EXPECT_EQ(r.query_param("page"), "2");
  EXPECT_EQ(r.query_param("name"), "CP 1 a");
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_EQ(r.query_param("limit"), "");
  EXPECT_FALSE(r.query_param("missing"));
  EXPECT_EQ(percent_decode("100%", false), "100%"); // malformed escapes stay literal
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
}

TEST(ErrorsTest, error_and_validation_shapes_match_fastapi) {
  const auto e = error_response(404, "Charger not found");
  EXPECT_EQ(e.status, 404u);
  EXPECT_EQ(e.content_type, "application/json");
  EXPECT_EQ(json::parse(e.body), json({{"detail", "Charger not found"}}));

  const auto v = validation_error({{json::array({"body", "ws_url"}), "Field required", "missing", json::object()},
                                   {json::array({"query", "limit"}), "Input should be less than or equal to 100",
                                    "less_than_equal", std::nullopt}});
  EXPECT_EQ(v.status, 422u);
  const auto body = json::parse(v.body);
  ASSERT_EQ(body["detail"].size(), 2u);
  EXPECT_EQ(body["detail"][0]["loc"], json::array({"body", "ws_url"}));
  EXPECT_EQ(body["detail"][0]["msg"], "Field required");
  EXPECT_EQ(body["detail"][0]["type"], "missing");
  EXPECT_EQ(body["detail"][0]["input"], json::object());
  EXPECT_FALSE(body["detail"][1].contains("input"));
}

TEST(ErrorsTest, parse_json_body_reports_json_invalid_and_missing_bodies) {
  HttpRequest r;
  r.body = R"({"identity": "CP-1"})";
  auto ok = parse_json_body(r);
  ASSERT_TRUE(std::holds_alternative<json>(ok));
  EXPECT_EQ(std::get<json>(ok)["identity"], "CP-1");

  r.body = "{bad";
  auto bad = parse_json_body(r);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(bad));
  const auto detail = json::parse(std::get<HttpResponse>(bad).body)["detail"][0];
  EXPECT_EQ(std::get<HttpResponse>(bad).status, 422u);
  EXPECT_EQ(detail["type"], "json_invalid");
  EXPECT_EQ(detail["loc"], json::array({"body", 1})); // Python's JSONDecodeError.pos
  EXPECT_EQ(detail["msg"], "JSON decode error");

  r.body.clear();
  auto missing = parse_json_body(r);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(missing));
  EXPECT_EQ(json::parse(std::get<HttpResponse>(missing).body)["detail"][0]["type"], "missing");
}

} // namespace
} // namespace ocppfleet::http
