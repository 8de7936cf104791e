#include "simulator/ocpp/rpc/payload.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace ocppfleet::rpc {
namespace {

// Runs `read` and returns the PayloadError it threw; fails the test if it threw nothing.
PayloadError error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const PayloadError& e) {
    return e;
  }
  ADD_FAILURE() << "expected a PayloadError";
  return PayloadError{ErrorCode::GenericError, ""};
}

const Json sample = Json::parse(R"({
  "connectorId": 2,
  "idTag": "ABC123",
  "meterStart": 1500,
  "big": 18446744073709551615,
  "negative": -5,
  "ratio": 0.25,
  "whole": 7.0,
  "fraction": 7.5,
  "huge": 1e300,
  "flag": true,
  "status": "Available",
  "timestamp": "2026-11-23T10:15:30.123Z",
  "offsetTime": "2026-11-23T12:15:30+02:00",
  "badTime": "23/11/2026 10:15",
  "nothing": null,
  "object": {"a": 1},
  "array": [1, 2],
  "text": "12",
  "accented": "\u00e9\u00e9\u00e9"
})");

// --- require_object ---

TEST(Payload, require_object_accepts_object) { EXPECT_EQ(&require_object(sample), &sample); }

TEST(Payload, require_object_of_non_object_is_formation_violation) {
  for (const Json& bad : {Json::array(), Json(), Json("x"), Json(1)})
    EXPECT_EQ(error_of([&] { require_object(bad); }).code(), ErrorCode::FormationViolation) << bad.dump();
}

TEST(Payload, reading_a_field_of_a_non_object_is_formation_violation) {
  EXPECT_EQ(error_of([] { require_int(Json::array({1}), "connectorId"); }).code(), ErrorCode::FormationViolation);
}

// --- missing / null ---

TEST(Payload, missing_required_field_is_occurrence_violation_naming_the_field) {
  const PayloadError e = error_of([] { require_string(sample, "vendorId"); });
  EXPECT_EQ(e.code(), ErrorCode::OccurrenceConstraintViolation);
  EXPECT_EQ(e.description(), "vendorId: required field missing");
}

TEST(Payload, every_required_reader_reports_a_missing_field_as_occurrence_violation) {
  const std::function<void()> readers[] = {
      [] { require_string(sample, "missing"); },      [] { require_int(sample, "missing"); },
      [] { require_number(sample, "missing"); },      [] { require_bool(sample, "missing"); },
      [] { require_enum(sample, "missing", {"A"}); }, [] { require_object_field(sample, "missing"); },
      [] { require_array_field(sample, "missing"); }, [] { require_datetime(sample, "missing"); },
  };
  for (const auto& read : readers)
    EXPECT_EQ(error_of(read).code(), ErrorCode::OccurrenceConstraintViolation);
}

TEST(Payload, null_required_field_is_type_violation) {
  const PayloadError e = error_of([] { require_string(sample, "nothing"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "nothing: expected string");
  EXPECT_EQ(error_of([] { require_int(sample, "nothing"); }).code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(error_of([] { require_object_field(sample, "nothing"); }).code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(error_of([] { require_datetime(sample, "nothing"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, optional_readers_return_empty_when_absent_or_null) {
  for (const char* field : {"missing", "nothing"}) {
    EXPECT_EQ(optional_string(sample, field), std::nullopt) << field;
    EXPECT_EQ(optional_int(sample, field), std::nullopt) << field;
    EXPECT_EQ(optional_number(sample, field), std::nullopt) << field;
    EXPECT_EQ(optional_bool(sample, field), std::nullopt) << field;
    EXPECT_EQ(optional_enum(sample, field, {"A"}), std::nullopt) << field;
    EXPECT_EQ(optional_object_field(sample, field), nullptr) << field;
    EXPECT_EQ(optional_array_field(sample, field), nullptr) << field;
    EXPECT_EQ(optional_datetime(sample, field), std::nullopt) << field;
  }
}

// --- strings ---

TEST(Payload, string_is_read) {
  EXPECT_EQ(require_string(sample, "idTag", 20), "ABC123");
  EXPECT_EQ(optional_string(sample, "idTag"), "ABC123");
}

TEST(Payload, number_where_string_expected_is_type_violation) {
  const PayloadError e = error_of([] { require_string(sample, "connectorId"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "connectorId: expected string");
  EXPECT_EQ(error_of([] { optional_string(sample, "connectorId"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, string_longer_than_max_is_property_violation) {
  const PayloadError e = error_of([] { require_string(sample, "idTag", 5); });
  EXPECT_EQ(e.code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(e.description(), "idTag: longer than 5 characters");
  EXPECT_EQ(error_of([] { optional_string(sample, "idTag", 5); }).code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(require_string(sample, "idTag", 6), "ABC123");
}

TEST(Payload, string_length_counts_characters_not_bytes) {
  EXPECT_EQ(require_string(sample, "accented", 3), "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_EQ(error_of([] { require_string(sample, "accented", 2); }).code(), ErrorCode::PropertyConstraintViolation);
}

// --- integers ---

TEST(Payload, integer_is_read_within_range) {
  EXPECT_EQ(require_int(sample, "connectorId", 0, 10), 2);
  EXPECT_EQ(require_int(sample, "negative"), -5);
  EXPECT_EQ(optional_int(sample, "meterStart", 0), 1500);
}

TEST(Payload, integer_at_range_bounds_is_accepted) { EXPECT_EQ(require_int(sample, "connectorId", 2, 2), 2); }

TEST(Payload, string_where_integer_expected_is_type_violation) {
  const PayloadError e = error_of([] { require_int(sample, "text"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "text: expected integer");
}

TEST(Payload, boolean_where_integer_expected_is_type_violation) {
  EXPECT_EQ(error_of([] { require_int(sample, "flag"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, number_with_fractional_part_is_type_violation) {
  const PayloadError e = error_of([] { require_int(sample, "fraction"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "fraction: expected integer");
  EXPECT_EQ(error_of([] { optional_int(sample, "ratio"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, integral_float_is_accepted_as_integer) { EXPECT_EQ(require_int(sample, "whole"), 7); }

TEST(Payload, integer_below_min_is_property_violation) {
  const PayloadError e = error_of([] { require_int(sample, "negative", 0); });
  EXPECT_EQ(e.code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(e.description().rfind("negative: out of range", 0), 0U) << e.description();
}

TEST(Payload, integer_above_max_is_property_violation) {
  EXPECT_EQ(error_of([] { require_int(sample, "connectorId", 0, 1); }).code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(error_of([] { optional_int(sample, "meterStart", 0, 1000); }).code(),
            ErrorCode::PropertyConstraintViolation);
}

TEST(Payload, unsigned_beyond_int64_is_property_violation) {
  EXPECT_EQ(error_of([] { require_int(sample, "big"); }).code(), ErrorCode::PropertyConstraintViolation);
}

TEST(Payload, integral_float_beyond_int64_is_property_violation) {
  EXPECT_EQ(error_of([] { require_int(sample, "huge"); }).code(), ErrorCode::PropertyConstraintViolation);
}

// --- numbers and booleans ---

TEST(Payload, number_accepts_integers_and_decimals) {
  EXPECT_DOUBLE_EQ(require_number(sample, "ratio"), 0.25);
  EXPECT_DOUBLE_EQ(require_number(sample, "meterStart"), 1500.0);
  EXPECT_DOUBLE_EQ(require_number(sample, "negative"), -5.0);
  EXPECT_EQ(optional_number(sample, "ratio"), 0.25);
}

TEST(Payload, string_where_number_expected_is_type_violation) {
  const PayloadError e = error_of([] { require_number(sample, "text"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "text: expected number");
}

TEST(Payload, boolean_is_read) {
  EXPECT_TRUE(require_bool(sample, "flag"));
  EXPECT_EQ(optional_bool(sample, "flag"), true);
}

TEST(Payload, integer_where_boolean_expected_is_type_violation) {
  EXPECT_EQ(error_of([] { require_bool(sample, "connectorId"); }).code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(error_of([] { optional_bool(sample, "text"); }).code(), ErrorCode::TypeConstraintViolation);
}

// --- enums ---

TEST(Payload, enum_value_in_allowed_set_is_returned) {
  EXPECT_EQ(require_enum(sample, "status", {"Available", "Preparing"}), "Available");
  EXPECT_EQ(optional_enum(sample, "status", {"Available"}), "Available");
}

TEST(Payload, enum_value_outside_allowed_set_is_property_violation) {
  const PayloadError e = error_of([] { require_enum(sample, "status", {"Charging", "Faulted"}); });
  EXPECT_EQ(e.code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(e.description(), "status: value not allowed");
  EXPECT_EQ(error_of([] { optional_enum(sample, "status", {"available"}); }).code(),
            ErrorCode::PropertyConstraintViolation);
}

TEST(Payload, non_string_enum_is_type_violation) {
  EXPECT_EQ(error_of([] { require_enum(sample, "connectorId", {"2"}); }).code(), ErrorCode::TypeConstraintViolation);
}

// --- objects and arrays ---

TEST(Payload, object_and_array_fields_are_returned_by_reference) {
  EXPECT_EQ(&require_object_field(sample, "object"), &sample.at("object"));
  EXPECT_EQ(optional_object_field(sample, "object"), &sample.at("object"));
  EXPECT_EQ(&require_array_field(sample, "array"), &sample.at("array"));
  EXPECT_EQ(optional_array_field(sample, "array"), &sample.at("array"));
}

TEST(Payload, array_where_object_expected_is_type_violation) {
  const PayloadError e = error_of([] { require_object_field(sample, "array"); });
  EXPECT_EQ(e.code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(e.description(), "array: expected object");
  EXPECT_EQ(error_of([] { optional_object_field(sample, "array"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, object_where_array_expected_is_type_violation) {
  EXPECT_EQ(error_of([] { require_array_field(sample, "object"); }).code(), ErrorCode::TypeConstraintViolation);
  EXPECT_EQ(error_of([] { optional_array_field(sample, "object"); }).code(), ErrorCode::TypeConstraintViolation);
}

// --- date-times ---

TEST(Payload, datetime_is_returned_verbatim) {
  EXPECT_EQ(require_datetime(sample, "timestamp"), "2026-11-23T10:15:30.123Z");
  EXPECT_EQ(optional_datetime(sample, "offsetTime"), "2026-11-23T12:15:30+02:00");
}

TEST(Payload, malformed_datetime_is_property_violation) {
  const PayloadError e = error_of([] { require_datetime(sample, "badTime"); });
  EXPECT_EQ(e.code(), ErrorCode::PropertyConstraintViolation);
  EXPECT_EQ(e.description(), "badTime: malformed date-time");
  EXPECT_EQ(error_of([] { optional_datetime(sample, "idTag"); }).code(), ErrorCode::PropertyConstraintViolation);
}

TEST(Payload, impossible_calendar_date_is_property_violation) {
  const Json p = {{"t", "2026-02-30T00:00:00Z"}};
  EXPECT_EQ(error_of([&] { require_datetime(p, "t"); }).code(), ErrorCode::PropertyConstraintViolation);
}

TEST(Payload, non_string_datetime_is_type_violation) {
  EXPECT_EQ(error_of([] { require_datetime(sample, "meterStart"); }).code(), ErrorCode::TypeConstraintViolation);
}

TEST(Payload, payload_error_what_is_its_description) {
  const PayloadError e = error_of([] { require_int(sample, "idTag"); });
  EXPECT_STREQ(e.what(), "idTag: expected integer");
}

} // namespace
} // namespace ocppfleet::rpc
