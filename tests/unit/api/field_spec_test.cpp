// The declarative request layer: a Field/Schema declaration read by the validator (pydantic
// 422 entries) and the input rules every route shares (identity, ws_url, datetimes).
#include "control-api/routes/field_spec.hpp"
#include "control-api/routes/input_rules.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ocppfleet::api {
namespace {

using nlohmann::json;

// detail entries as "loc/type", e.g. "body.name/missing".
std::set<std::string> keys(const Validated& v) {
  std::set<std::string> out;
  for (const auto& e : v.errors) {
    std::string loc;
    for (const auto& part : e.loc)
      loc += (loc.empty() ? "" : ".") + (part.is_string() ? part.get<std::string>() : part.dump());
    out.insert(loc + "/" + e.type);
  }
  return out;
}

const Schema& sample() {
  static const auto inner = std::make_shared<const Schema>(Schema{"Inner", "", {Field::string("ws_url").req()}});
  static const Schema schema{"Sample",
                             "",
                             {Field::string("name").req().len(1, 5), Field::one_of("version", {"A", "B"}).fallback("A"),
                              Field::string("note").null_ok(), Field::integer("n", 1, 10),
                              Field::number("lat", -90, 90), Field::object_of("inner", inner),
                              Field::array_of("ids", Field::string("id").len(1, 3), 1, 2)}};
  return schema;
}

TEST(FieldSpec, absent_optional_field_gets_its_default_and_a_null_is_kept_only_when_nullable) {
  const auto v = validate_object(sample(), json{{"name", "ok"}, {"note", nullptr}});
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(v.text("version"), "A");
  EXPECT_TRUE(v.is_null("note"));
  EXPECT_FALSE(v.has("n"));
}

TEST(FieldSpec, explicit_null_for_a_non_nullable_field_is_a_type_error_not_the_default) {
  const auto v = validate_object(sample(), json{{"name", nullptr}, {"version", nullptr}, {"n", nullptr}});
  EXPECT_EQ(keys(v), (std::set<std::string>{"body.name/string_type", "body.version/literal_error", "body.n/int_type"}));
}

TEST(FieldSpec, every_bad_field_is_named_once_with_pydantic_types) {
  const auto v = validate_object(
      sample(),
      json{{"version", "C"}, {"n", 11}, {"lat", -91.5}, {"inner", json::object()}, {"ids", json::array({"abcd", 7})}});
  EXPECT_EQ(keys(v), (std::set<std::string>{"body.name/missing", "body.version/literal_error", "body.n/less_than_equal",
                                            "body.lat/greater_than_equal", "body.inner.ws_url/missing",
                                            "body.ids.0/string_too_long", "body.ids.1/string_type"}));
}

TEST(FieldSpec, integers_beyond_int64_are_out_of_bounds_not_wrapped) {
  const auto v = validate_object(sample(), json::parse(R"({"name":"a","n":18446744073709551615})"));
  EXPECT_EQ(keys(v), std::set<std::string>{"body.n/less_than_equal"});
}

TEST(FieldSpec, a_body_that_is_not_an_object_is_one_error_at_its_loc) {
  const auto v = validate_object(sample(), json::array({1}), json::array({"body", 3}));
  EXPECT_EQ(keys(v), std::set<std::string>{"body.3/model_attributes_type"});
}

TEST(FieldSpec, query_parameters_are_parsed_from_text_with_defaults) {
  http::HttpRequest r;
  r.query = {{"limit", "x"}, {"start", "2099-01-01T00:00:00Z"}};
  const std::vector<Field> params{Field::integer("limit", 1, 100).fallback(50),
                                  Field::integer("page", 1, 9).fallback(1), Field::datetime("start"),
                                  Field::datetime("end")};
  auto v = validate_query(params, r);
  EXPECT_EQ(keys(v), std::set<std::string>{"query.limit/int_parsing"});
  EXPECT_EQ(v.integer("page"), 1);
  EXPECT_EQ(v.text("start"), "2099-01-01T00:00:00.000Z") << "normalised to the stored form";
  r.query = {{"end", "yesterday"}};
  EXPECT_EQ(keys(validate_query(params, r)), std::set<std::string>{"query.end/datetime_parsing"});
}

TEST(InputRules, identity_allows_letters_digits_and_dash_underscore_dot_colon_star) {
  const std::string longest(48, 'x');
  for (const std::string& ok : {std::string{"CP-FAST-201"}, std::string{"a"}, std::string{"cp_1.2:3*"}, longest})
    EXPECT_FALSE(identity_problem(ok)) << ok;
}

TEST(InputRules, identity_refuses_separators_dot_segments_and_anything_not_ascii) {
  for (const std::string& bad :
       {std::string{}, std::string(49, 'x'), std::string{".."}, std::string{"a..b"}, std::string{"."},
        std::string{"a/b"}, std::string{"a?b"}, std::string{"a#b"}, std::string{"a%2F"}, std::string{"a b"},
        std::string{"a\tb"}, std::string{"a\x7f"}, std::string{"caf\xc3\xa9"}, std::string{"a\xe2\x80\xae"},
        std::string{"a\xe2\x80\x8b"}, std::string{"a+b"}, std::string{"a@b"}})
    EXPECT_TRUE(identity_problem(bad)) << bad;
}

TEST(InputRules, ws_url_needs_scheme_host_and_valid_port_in_plain_ascii) {
  EXPECT_FALSE(ws_url_problem("ws://127.0.0.1:9000/ocpp"));
  EXPECT_FALSE(ws_url_problem("wss://csms.example.test/ws"));
  EXPECT_FALSE(ws_url_problem("ws://[::1]:80/x"));
  for (const char* bad :
       {"http://h/x", "ws://h:99999/x", "ws://:80/x", "ws:///x", "ws://h:0/x", "ws://h/x?q=1", "ws://u:p@h/x",
        "ws://h/a b", "ws://h/x\r\nHost: evil", "ws://h/\x01", "ws://h\xc3\xa9/x", "h:80", "ws://h:80:90/x"})
    EXPECT_TRUE(ws_url_problem(bad)) << bad;
}

TEST(InputRules, datetimes_normalise_to_utc_milliseconds_without_overflow) {
  EXPECT_EQ(normalized_datetime("2099-01-01T00:00:00Z"), "2099-01-01T00:00:00.000Z");
  EXPECT_EQ(normalized_datetime("2026-01-01T01:30:00.1234+01:30"), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(normalized_datetime("2026-01-01T00:00:00 01:00"), "2025-12-31T23:00:00.000Z") << "'+' sent unencoded";
  EXPECT_EQ(normalized_datetime("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59.000Z");
  for (const char* bad : {"2099-01-01", "2099-01-01T00:00:00", "2099-13-01T00:00:00Z", "9999-12-31T23:59:59-01:00",
                          "0000-01-01T00:00:00Z", "2099-01-01T00:00:00Zjunk", "2099-02-30T00:00:00Z"})
    EXPECT_FALSE(normalized_datetime(bad)) << bad;
}

} // namespace
} // namespace ocppfleet::api
