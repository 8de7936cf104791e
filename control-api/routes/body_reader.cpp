#include "control-api/routes/body_reader.hpp"

#include <charconv>

namespace ocppfleet::api {
namespace {

http::FieldError field_error(const std::string& where, const std::string& field, std::string msg, std::string type) {
  return http::FieldError{nlohmann::json::array({where, field}), std::move(msg), std::move(type), std::nullopt};
}

const nlohmann::json& empty_object() {
  static const nlohmann::json object = nlohmann::json::object();
  return object;
}

} // namespace

BodyReader::BodyReader(const nlohmann::json& body) : body_(body.is_object() ? body : empty_object()) {
  if (!body.is_object())
    errors_.push_back(http::FieldError{nlohmann::json::array({"body"}),
                                       "Input should be a valid dictionary or object to extract fields from",
                                       "model_attributes_type", std::nullopt});
}

bool BodyReader::has(const std::string& field) const { return body_.contains(field) && !body_[field].is_null(); }

void BodyReader::add_error(const std::string& field, std::string msg, std::string type) {
  errors_.push_back(field_error("body", field, std::move(msg), std::move(type)));
}

const nlohmann::json* BodyReader::value(const std::string& field, bool required) {
  if (!has(field)) {
    if (required) add_error(field, "Field required", "missing");
    return nullptr;
  }
  return &body_[field];
}

std::optional<std::string> BodyReader::required_string(const std::string& field, std::size_t min_len,
                                                       std::size_t max_len) {
  const auto* v = value(field, true);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    add_error(field, "Input should be a valid string", "string_type");
    return std::nullopt;
  }
  auto s = v->get<std::string>();
  if (s.size() < min_len) {
    add_error(field,
              "String should have at least " + std::to_string(min_len) + " character" + (min_len == 1 ? "" : "s"),
              "string_too_short");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    add_error(field, "String should have at most " + std::to_string(max_len) + " characters", "string_too_long");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> BodyReader::optional_string(const std::string& field, std::size_t min_len,
                                                       std::size_t max_len) {
  if (!has(field)) return std::nullopt;
  return required_string(field, min_len, max_len);
}

std::optional<std::int64_t> BodyReader::optional_int(const std::string& field, std::int64_t min, std::int64_t max) {
  const auto* v = value(field, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    add_error(field, "Input should be a valid integer", "int_type");
    return std::nullopt;
  }
  const auto n = v->get<std::int64_t>();
  if (n < min) {
    add_error(field, "Input should be greater than or equal to " + std::to_string(min), "greater_than_equal");
    return std::nullopt;
  }
  if (n > max) {
    add_error(field, "Input should be less than or equal to " + std::to_string(max), "less_than_equal");
    return std::nullopt;
  }
  return n;
}

std::optional<double> BodyReader::optional_number(const std::string& field, double min, double max) {
  const auto* v = value(field, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number()) {
    add_error(field, "Input should be a valid number", "float_type");
    return std::nullopt;
  }
  const auto n = v->get<double>();
  if (n < min || n > max) {
    add_error(field, "Input should be between " + std::to_string(min) + " and " + std::to_string(max), "value_error");
    return std::nullopt;
  }
  return n;
}

std::optional<bool> BodyReader::optional_bool(const std::string& field) {
  const auto* v = value(field, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    add_error(field, "Input should be a valid boolean", "bool_type");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> BodyReader::optional_enum(const std::string& field,
                                                     std::initializer_list<std::string_view> allowed) {
  auto s = optional_string(field, 0, 255);
  if (!s) return std::nullopt;
  for (const auto a : allowed)
    if (a == *s) return s;
  std::string msg = "Input should be ";
  std::size_t i = 0;
  for (const auto a : allowed) {
    if (i > 0) msg += i + 1 == allowed.size() ? " or " : ", ";
    msg += "'" + std::string{a} + "'";
    ++i;
  }
  add_error(field, msg, "literal_error");
  return std::nullopt;
}

std::optional<std::int64_t> read_int_query(const http::HttpRequest& request, const std::string& name, std::int64_t min,
                                           std::int64_t max, std::vector<http::FieldError>& errors) {
  const auto text = request.query_param(name);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size()) {
    errors.push_back(field_error("query", name, "Input should be a valid integer, unable to parse string as an integer",
                                 "int_parsing"));
    return std::nullopt;
  }
  if (v < min) {
    errors.push_back(field_error("query", name, "Input should be greater than or equal to " + std::to_string(min),
                                 "greater_than_equal"));
    return std::nullopt;
  }
  if (v > max) {
    errors.push_back(
        field_error("query", name, "Input should be less than or equal to " + std::to_string(max), "less_than_equal"));
    return std::nullopt;
  }
  return v;
}

PageQuery read_page_query(const http::HttpRequest& request, std::vector<http::FieldError>& errors) {
  PageQuery q;
  if (auto page = read_int_query(request, "page", 1, 1'000'000, errors)) q.page = static_cast<int>(*page);
  if (auto limit = read_int_query(request, "limit", 1, 100, errors)) q.limit = static_cast<int>(*limit);
  return q;
}

} // namespace ocppfleet::api
