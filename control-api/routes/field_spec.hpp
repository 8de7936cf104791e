#pragma once
// One declaration per request field, read by both the validator (here) and the OpenAPI
// generator (openapi_document.cpp), so the document cannot drift from what the API enforces.
// A Schema is an object's fields; validate_object() reads a JSON body through it and
// collects every problem as a pydantic-v2-style FieldError ({"loc","msg","type"}), so one 422
// names all bad fields at once. Query parameters use the same Field, read from text.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control-api/http/errors.hpp"
#include "control-api/http/http_types.hpp"

namespace ocppfleet::api {

struct Schema;

enum class FieldType {
  string,
  integer,
  number,
  boolean,
  datetime, // RFC 3339 text; validated by parsing (queries: start_date, end_date)
  scalar,   // string, number or boolean (a configuration value)
  object,   // a nested Schema, or any object when none is given
  array,    // of `items`
};

// What an extra rule reports: the message, and pydantic's type for it.
struct RuleError {
  std::string msg{};
  std::string type = "value_error";
};
// An extra rule on a string beyond its length: returns the problem when `value` breaks it.
using StringRule = std::function<std::optional<RuleError>(const std::string& value)>;

struct Field {
  std::string name{};
  FieldType type = FieldType::string;
  bool required = false;
  bool nullable = false; // an explicit null is accepted (and kept) instead of a type error
  std::optional<std::size_t> min_length{}, max_length{}; // strings; items of arrays
  std::optional<double> minimum{}, maximum{};            // integers and numbers
  std::vector<std::string> choices{};                    // enum ("literal_error")
  nlohmann::json default_value{};                        // null: none; applied when absent
  std::string description{};
  std::string pattern{};                  // documented as the JSON Schema pattern; `rule` enforces it
  std::string example{};                  // documented only
  StringRule rule{};                      // enforced after the length checks ("value_error")
  std::shared_ptr<const Schema> object{}; // FieldType::object with a declared shape
  std::shared_ptr<const Field> items{};   // FieldType::array
  bool deprecated = false;

  static Field string(std::string name);
  static Field integer(std::string name, std::int64_t min, std::int64_t max);
  static Field number(std::string name, double min, double max);
  static Field boolean(std::string name);
  static Field datetime(std::string name);
  static Field scalar(std::string name);
  static Field object_of(std::string name, std::shared_ptr<const Schema> schema);
  static Field any_object(std::string name);
  static Field array_of(std::string name, Field items, std::size_t min_items, std::size_t max_items);
  static Field one_of(std::string name, std::vector<std::string> choices);

  // Chainable modifiers, used where the declarations are written.
  [[nodiscard]] Field req() const;
  [[nodiscard]] Field null_ok() const;
  [[nodiscard]] Field len(std::size_t min, std::size_t max) const;
  [[nodiscard]] Field fallback(nlohmann::json value) const;
  [[nodiscard]] Field doc(std::string text) const;
  [[nodiscard]] Field check(StringRule r, std::string documented_pattern = {}) const;
  [[nodiscard]] Field eg(std::string text) const;
};

// A JSON object's declared fields; `name` is its components/schemas key in the document.
struct Schema {
  std::string name{};
  std::string description{};
  std::vector<Field> fields{};
  // The same fields, none required and without defaults (a partial update: only the keys
  // present change); `nullable_names` also accept null there (null clears the value).
  [[nodiscard]] Schema partial(std::string new_name, std::string new_description,
                               const std::vector<std::string>& nullable_names = {}) const;
};

// The outcome of reading input through declarations: `values` holds every field that
// passed (absent ones with a default get it; an accepted null stays null), `errors` the rest.
struct Validated {
  nlohmann::json values = nlohmann::json::object();
  std::vector<http::FieldError> errors{};

  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
  [[nodiscard]] bool has(const std::string& name) const { return values.contains(name); }
  [[nodiscard]] bool is_null(const std::string& name) const { return has(name) && values[name].is_null(); }
  [[nodiscard]] std::optional<std::string> text(const std::string& name) const;
  [[nodiscard]] std::optional<std::int64_t> integer(const std::string& name) const;
  [[nodiscard]] std::optional<double> number(const std::string& name) const;
  void add(nlohmann::json loc, std::string msg, std::string type);
  [[nodiscard]] http::HttpResponse error_response() const { return http::validation_error(errors); }
};

// Reads `body` (must be an object) through `schema`; errors are located under `loc`, e.g.
// ["body"] or ["body", 0, "template"]. Unknown keys are ignored, as pydantic does.
Validated validate_object(const Schema& schema, const nlohmann::json& body,
                          const nlohmann::json& loc = nlohmann::json::array({"body"}));

// Reads query parameters (text) through `params`; errors at ["query", name].
Validated validate_query(const std::vector<Field>& params, const http::HttpRequest& request);

} // namespace ocppfleet::api
