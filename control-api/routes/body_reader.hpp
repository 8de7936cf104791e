#pragma once
// Validation at the edge of the control API: reads fields of a JSON body (or query
// parameters) and collects every problem as a pydantic-v2-style FieldError, so one 422
// names all bad fields at once: {"detail":[{"loc":["body","ws_url"],"msg":...,"type":...}]}.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control-api/http/errors.hpp"
#include "control-api/http/http_types.hpp"

namespace ocppfleet::api {

class BodyReader {
public:
  // A body that is not a JSON object is itself an error (loc ["body"]).
  explicit BodyReader(const nlohmann::json& body);

  // Missing or null -> "missing" (required) / nullopt (optional); wrong type -> "string_type";
  // shorter than min_len -> "string_too_short"; longer than max_len -> "string_too_long".
  std::optional<std::string> required_string(const std::string& field, std::size_t min_len = 0,
                                             std::size_t max_len = 255);
  std::optional<std::string> optional_string(const std::string& field, std::size_t min_len = 0,
                                             std::size_t max_len = 255);
  std::optional<std::int64_t> optional_int(const std::string& field, std::int64_t min, std::int64_t max);
  std::optional<double> optional_number(const std::string& field, double min, double max);
  std::optional<bool> optional_bool(const std::string& field);
  // One of `allowed` ("literal_error").
  std::optional<std::string> optional_enum(const std::string& field, std::initializer_list<std::string_view> allowed);
  [[nodiscard]] bool has(const std::string& field) const;
  // An extra rule the caller checked itself.
  void add_error(const std::string& field, std::string msg, std::string type);

  [[nodiscard]] bool ok() const noexcept { return errors_.empty(); }
  [[nodiscard]] http::HttpResponse error_response() const { return http::validation_error(errors_); }
  [[nodiscard]] const std::vector<http::FieldError>& errors() const noexcept { return errors_; }

private:
  const nlohmann::json* value(const std::string& field, bool required);
  const nlohmann::json& body_;
  std::vector<http::FieldError> errors_;
};

struct PageQuery {
  int page = 1;
  int limit = 50;
};
// page >= 1, 1 <= limit <= 100 (default 50); errors are appended with loc ["query", name].
PageQuery read_page_query(const http::HttpRequest& request, std::vector<http::FieldError>& errors);
// An optional integer query parameter in [min, max].
std::optional<std::int64_t> read_int_query(const http::HttpRequest& request, const std::string& name, std::int64_t min,
                                           std::int64_t max, std::vector<http::FieldError>& errors);

} // namespace ocppfleet::api
