#pragma once
// Validation at the edge: typed readers for incoming CALL payloads. They throw
// PayloadError, which the dispatcher turns into the matching CALLERROR, so a handler
// can read fields straight-line and a bad payload can never reach the charger model.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "simulator/ocpp/rpc/error_code.hpp"

namespace ocppfleet::rpc {

using Json = nlohmann::json;

class PayloadError : public std::exception {
public:
  PayloadError(ErrorCode code, std::string description) : code_(code), description_(std::move(description)) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }
  [[nodiscard]] const std::string& description() const noexcept { return description_; }
  [[nodiscard]] const char* what() const noexcept override { return description_.c_str(); }

private:
  ErrorCode code_;
  std::string description_;
};

// Payload must be a JSON object: else FormationViolation.
const Json& require_object(const Json& payload);

// Missing required field -> OccurrenceConstraintViolation; wrong JSON type ->
// TypeConstraintViolation; value outside the allowed set/range/length ->
// PropertyConstraintViolation. Descriptions name the field ("idTag: expected string").
std::string require_string(const Json& obj, std::string_view field, std::size_t max_len = SIZE_MAX);
std::optional<std::string> optional_string(const Json& obj, std::string_view field, std::size_t max_len = SIZE_MAX);
std::int64_t require_int(const Json& obj, std::string_view field, std::int64_t min = INT64_MIN,
                         std::int64_t max = INT64_MAX);
std::optional<std::int64_t> optional_int(const Json& obj, std::string_view field, std::int64_t min = INT64_MIN,
                                         std::int64_t max = INT64_MAX);
double require_number(const Json& obj, std::string_view field);
std::optional<double> optional_number(const Json& obj, std::string_view field);
bool require_bool(const Json& obj, std::string_view field);
std::optional<bool> optional_bool(const Json& obj, std::string_view field);
// Value must be one of `allowed`; returns it.
std::string require_enum(const Json& obj, std::string_view field, std::initializer_list<std::string_view> allowed);
std::optional<std::string> optional_enum(const Json& obj, std::string_view field,
                                         std::initializer_list<std::string_view> allowed);
// Field is an object / array (type-checked); nullptr when absent for the optional forms.
const Json& require_object_field(const Json& obj, std::string_view field);
const Json* optional_object_field(const Json& obj, std::string_view field);
const Json& require_array_field(const Json& obj, std::string_view field);
const Json* optional_array_field(const Json& obj, std::string_view field);
// RFC 3339 date-time string (TypeConstraintViolation when not a string, PropertyConstraintViolation when malformed).
std::string require_datetime(const Json& obj, std::string_view field);
std::optional<std::string> optional_datetime(const Json& obj, std::string_view field);

} // namespace ocppfleet::rpc
