#include "simulator/ocpp/rpc/payload.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "simulator/core/text.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::rpc {

namespace {
using core::utf8_length;

[[noreturn]] void fail(ErrorCode code, std::string_view field, std::string_view what) {
  std::string description{field};
  description += ": ";
  description += what;
  throw PayloadError(code, std::move(description));
}

// nullptr when absent.
const Json* lookup(const Json& obj, std::string_view field) {
  // Readers are meant for objects only; a non-object here means the enclosing value was never
  // checked, and answering "missing field" would point the peer at the wrong problem.
  if (!obj.is_object()) fail(ErrorCode::FormationViolation, field, "enclosing value is not an object");
  const auto it = obj.find(field);
  return it == obj.end() ? nullptr : &*it;
}

// A present null reaches the typed check below and fails there as a type error.
const Json& required(const Json& obj, std::string_view field) {
  const Json* v = lookup(obj, field);
  if (v == nullptr) fail(ErrorCode::OccurrenceConstraintViolation, field, "required field missing");
  return *v;
}

// null counts as absent: several CSMS serializers emit null for unset optional members, and
// refusing those would break interoperability for no gain.
const Json* optional(const Json& obj, std::string_view field) {
  const Json* v = lookup(obj, field);
  return v == nullptr || v->is_null() ? nullptr : v;
}

std::string as_string(const Json& v, std::string_view field, std::size_t max_len) {
  if (!v.is_string()) fail(ErrorCode::TypeConstraintViolation, field, "expected string");
  std::string s = v.get<std::string>();
  if (max_len != SIZE_MAX && utf8_length(s) > max_len)
    fail(ErrorCode::PropertyConstraintViolation, field, "longer than " + std::to_string(max_len) + " characters");
  return s;
}

std::int64_t as_int(const Json& v, std::string_view field, std::int64_t min, std::int64_t max) {
  constexpr auto int64_max = std::numeric_limits<std::int64_t>::max();
  const auto out_of_range = [&] {
    fail(ErrorCode::PropertyConstraintViolation, field,
         "out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  };
  std::int64_t value = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(int64_max)) out_of_range();
    value = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    value = v.get<std::int64_t>();
  } else if (v.is_number_float()) {
    // 5.0 is accepted: some peers (Python's json, for one) write integral floats, and the value
    // is exactly an integer. 5.5 is not an integer at all, so that is a type error.
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::trunc(d) != d) fail(ErrorCode::TypeConstraintViolation, field, "expected integer");
    // 2^63 is exact as a double; the range test must happen before the cast (UB otherwise).
    constexpr double two_63 = 9223372036854775808.0;
    if (d < -two_63 || d >= two_63) out_of_range();
    value = static_cast<std::int64_t>(d);
  } else {
    fail(ErrorCode::TypeConstraintViolation, field, "expected integer");
  }
  if (value < min || value > max) out_of_range();
  return value;
}

double as_number(const Json& v, std::string_view field) {
  if (!v.is_number()) fail(ErrorCode::TypeConstraintViolation, field, "expected number");
  return v.get<double>();
}

bool as_bool(const Json& v, std::string_view field) {
  if (!v.is_boolean()) fail(ErrorCode::TypeConstraintViolation, field, "expected boolean");
  return v.get<bool>();
}

std::string as_enum(const Json& v, std::string_view field, std::initializer_list<std::string_view> allowed) {
  std::string s = as_string(v, field, SIZE_MAX);
  if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
    fail(ErrorCode::PropertyConstraintViolation, field, "value not allowed");
  return s;
}

std::string as_datetime(const Json& v, std::string_view field) {
  if (!v.is_string()) fail(ErrorCode::TypeConstraintViolation, field, "expected date-time string");
  std::string s = v.get<std::string>();
  if (!core::parse_timestamp(s)) fail(ErrorCode::PropertyConstraintViolation, field, "malformed date-time");
  return s;
}

const Json& as_object(const Json& v, std::string_view field) {
  if (!v.is_object()) fail(ErrorCode::TypeConstraintViolation, field, "expected object");
  return v;
}

const Json& as_array(const Json& v, std::string_view field) {
  if (!v.is_array()) fail(ErrorCode::TypeConstraintViolation, field, "expected array");
  return v;
}

} // namespace

const Json& require_object(const Json& payload) {
  if (!payload.is_object()) throw PayloadError(ErrorCode::FormationViolation, "payload: expected object");
  return payload;
}

std::string require_string(const Json& obj, std::string_view field, std::size_t max_len) {
  return as_string(required(obj, field), field, max_len);
}

std::optional<std::string> optional_string(const Json& obj, std::string_view field, std::size_t max_len) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_string(*v, field, max_len);
}

std::int64_t require_int(const Json& obj, std::string_view field, std::int64_t min, std::int64_t max) {
  return as_int(required(obj, field), field, min, max);
}

std::optional<std::int64_t> optional_int(const Json& obj, std::string_view field, std::int64_t min, std::int64_t max) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_int(*v, field, min, max);
}

double require_number(const Json& obj, std::string_view field) { return as_number(required(obj, field), field); }

std::optional<double> optional_number(const Json& obj, std::string_view field) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_number(*v, field);
}

bool require_bool(const Json& obj, std::string_view field) { return as_bool(required(obj, field), field); }

std::optional<bool> optional_bool(const Json& obj, std::string_view field) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_bool(*v, field);
}

std::string require_enum(const Json& obj, std::string_view field, std::initializer_list<std::string_view> allowed) {
  return as_enum(required(obj, field), field, allowed);
}

std::optional<std::string> optional_enum(const Json& obj, std::string_view field,
                                         std::initializer_list<std::string_view> allowed) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_enum(*v, field, allowed);
}

const Json& require_object_field(const Json& obj, std::string_view field) {
  return as_object(required(obj, field), field);
}

const Json* optional_object_field(const Json& obj, std::string_view field) {
  const Json* v = optional(obj, field);
  return v == nullptr ? nullptr : &as_object(*v, field);
}

const Json& require_array_field(const Json& obj, std::string_view field) {
  return as_array(required(obj, field), field);
}

const Json* optional_array_field(const Json& obj, std::string_view field) {
  const Json* v = optional(obj, field);
  return v == nullptr ? nullptr : &as_array(*v, field);
}

std::string require_datetime(const Json& obj, std::string_view field) {
  return as_datetime(required(obj, field), field);
}

std::optional<std::string> optional_datetime(const Json& obj, std::string_view field) {
  const Json* v = optional(obj, field);
  if (v == nullptr) return std::nullopt;
  return as_datetime(*v, field);
}

} // namespace ocppfleet::rpc
