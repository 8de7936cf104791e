#include "control-api/routes/field_spec.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "control-api/routes/input_rules.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

Json at(const Json& loc, const std::string& name) {
  Json out = loc;
  out.push_back(name);
  return out;
}

std::string plural(std::size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

// A bound without a trailing ".000000" (pydantic prints 90, not 90.000000).
std::string bound(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  return std::to_string(v);
}

std::string literal_message(const std::vector<std::string>& choices) {
  std::string msg = "Input should be ";
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) msg += i + 1 == choices.size() ? " or " : ", ";
    msg += "'" + choices[i] + "'";
  }
  return msg;
}

class Reader {
public:
  explicit Reader(Validated& out) : out_(out) {}

  // Checks one present, non-null value; true (and `clean` set) when it passes.
  bool check(const Field& f, const Json& v, const Json& loc, Json& clean) {
    switch (f.type) {
    case FieldType::string:
    case FieldType::datetime: return check_string(f, v, loc, clean);
    case FieldType::integer: return check_integer(f, v, loc, clean);
    case FieldType::number: return check_number(f, v, loc, clean);
    case FieldType::boolean:
      if (!v.is_boolean()) return fail(loc, "Input should be a valid boolean", "bool_type");
      clean = v;
      return true;
    case FieldType::scalar:
      if (!v.is_string() && !v.is_number() && !v.is_boolean())
        return fail(loc, "Input should be a valid string, number or boolean", "scalar_type");
      clean = v;
      return true;
    case FieldType::object: return check_object(f, v, loc, clean);
    case FieldType::array: return check_array(f, v, loc, clean);
    }
    return false;
  }

private:
  bool fail(const Json& loc, std::string msg, std::string type) {
    out_.add(loc, std::move(msg), std::move(type));
    return false;
  }

  bool check_string(const Field& f, const Json& v, const Json& loc, Json& clean) {
    if (!f.choices.empty()) {
      if (v.is_string())
        for (const auto& c : f.choices)
          if (c == v.get_ref<const std::string&>()) {
            clean = v;
            return true;
          }
      return fail(loc, literal_message(f.choices), "literal_error");
    }
    if (!v.is_string()) return fail(loc, "Input should be a valid string", "string_type");
    const auto& s = v.get_ref<const std::string&>();
    if (f.min_length && s.size() < *f.min_length)
      return fail(loc, "String should have at least " + plural(*f.min_length, "character"), "string_too_short");
    if (f.max_length && s.size() > *f.max_length)
      return fail(loc, "String should have at most " + plural(*f.max_length, "character"), "string_too_long");
    if (f.rule)
      if (auto problem = f.rule(s)) return fail(loc, std::move(problem->msg), std::move(problem->type));
    clean = v;
    if (f.type == FieldType::datetime) {
      // Kept in the store's normalised form, so callers compare it as text.
      auto normal = normalized_datetime(s);
      if (!normal)
        return fail(loc, "Input should be a valid datetime (RFC 3339, e.g. 2026-01-31T12:00:00Z)", "datetime_parsing");
      clean = std::move(*normal);
    }
    return true;
  }

  bool check_integer(const Field& f, const Json& v, const Json& loc, Json& clean) {
    if (!v.is_number_integer()) return fail(loc, "Input should be a valid integer", "int_type");
    // Above int64: unsigned in nlohmann; report it against the maximum instead of wrapping.
    const bool huge = v.is_number_unsigned() &&
                      v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    const double n = huge ? std::numeric_limits<double>::infinity() : static_cast<double>(v.get<std::int64_t>());
    if (f.minimum && n < *f.minimum)
      return fail(loc, "Input should be greater than or equal to " + bound(*f.minimum), "greater_than_equal");
    if (f.maximum && n > *f.maximum)
      return fail(loc, "Input should be less than or equal to " + bound(*f.maximum), "less_than_equal");
    clean = v.get<std::int64_t>();
    return true;
  }

  bool check_number(const Field& f, const Json& v, const Json& loc, Json& clean) {
    if (!v.is_number()) return fail(loc, "Input should be a valid number", "float_type");
    const double n = v.get<double>();
    if (!std::isfinite(n)) return fail(loc, "Input should be a finite number", "finite_number");
    if (f.minimum && n < *f.minimum)
      return fail(loc, "Input should be greater than or equal to " + bound(*f.minimum), "greater_than_equal");
    if (f.maximum && n > *f.maximum)
      return fail(loc, "Input should be less than or equal to " + bound(*f.maximum), "less_than_equal");
    clean = n;
    return true;
  }

  bool check_object(const Field& f, const Json& v, const Json& loc, Json& clean) {
    if (!v.is_object())
      return fail(loc, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type");
    if (!f.object) return clean = v, true;
    auto inner = validate_object(*f.object, v, loc);
    for (auto& e : inner.errors)
      out_.errors.push_back(std::move(e));
    clean = std::move(inner.values);
    return inner.errors.empty();
  }

  bool check_array(const Field& f, const Json& v, const Json& loc, Json& clean) {
    if (!v.is_array()) return fail(loc, "Input should be a valid list", "list_type");
    if (f.min_length && v.size() < *f.min_length)
      return fail(loc,
                  "List should have at least " + plural(*f.min_length, "item") + " after validation, not " +
                      std::to_string(v.size()),
                  "too_short");
    if (f.max_length && v.size() > *f.max_length)
      return fail(loc,
                  "List should have at most " + plural(*f.max_length, "item") + " after validation, not " +
                      std::to_string(v.size()),
                  "too_long");
    clean = Json::array();
    bool all = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      Json item_loc = loc;
      item_loc.push_back(i);
      Json item;
      if (f.items && !check(*f.items, v[i], item_loc, item)) {
        all = false;
      } else {
        clean.push_back(f.items ? item : v[i]);
      }
    }
    return all;
  }

  Validated& out_;
};

Field make(std::string name, FieldType type) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  return f;
}

} // namespace

Field Field::string(std::string name) { return make(std::move(name), FieldType::string); }
Field Field::integer(std::string name, std::int64_t min, std::int64_t max) {
  Field f = make(std::move(name), FieldType::integer);
  f.minimum = static_cast<double>(min);
  f.maximum = static_cast<double>(max);
  return f;
}
Field Field::number(std::string name, double min, double max) {
  Field f = make(std::move(name), FieldType::number);
  f.minimum = min;
  f.maximum = max;
  return f;
}
Field Field::boolean(std::string name) { return make(std::move(name), FieldType::boolean); }
Field Field::datetime(std::string name) { return make(std::move(name), FieldType::datetime); }
Field Field::scalar(std::string name) { return make(std::move(name), FieldType::scalar); }
Field Field::object_of(std::string name, std::shared_ptr<const Schema> schema) {
  Field f = make(std::move(name), FieldType::object);
  f.object = std::move(schema);
  return f;
}
Field Field::any_object(std::string name) { return make(std::move(name), FieldType::object); }
Field Field::array_of(std::string name, Field items, std::size_t min_items, std::size_t max_items) {
  Field f = make(std::move(name), FieldType::array);
  f.items = std::make_shared<const Field>(std::move(items));
  f.min_length = min_items;
  f.max_length = max_items;
  return f;
}
Field Field::one_of(std::string name, std::vector<std::string> choices) {
  Field f = make(std::move(name), FieldType::string);
  f.choices = std::move(choices);
  return f;
}

Field Field::req() const {
  Field f = *this;
  f.required = true;
  return f;
}
Field Field::null_ok() const {
  Field f = *this;
  f.nullable = true;
  return f;
}
Field Field::len(std::size_t min, std::size_t max) const {
  Field f = *this;
  f.min_length = min;
  f.max_length = max;
  return f;
}
Field Field::fallback(nlohmann::json value) const {
  Field f = *this;
  f.default_value = std::move(value);
  return f;
}
Field Field::doc(std::string text) const {
  Field f = *this;
  f.description = std::move(text);
  return f;
}
Field Field::check(StringRule r, std::string documented_pattern) const {
  Field f = *this;
  f.rule = std::move(r);
  f.pattern = std::move(documented_pattern);
  return f;
}
Field Field::eg(std::string text) const {
  Field f = *this;
  f.example = std::move(text);
  return f;
}

Schema Schema::partial(std::string new_name, std::string new_description,
                       const std::vector<std::string>& nullable_names) const {
  Schema out;
  out.name = std::move(new_name);
  out.description = std::move(new_description);
  out.fields = fields;
  for (auto& f : out.fields) {
    f.required = false;
    f.default_value = nullptr;
    for (const auto& n : nullable_names)
      if (n == f.name) f.nullable = true;
  }
  return out;
}

std::optional<std::string> Validated::text(const std::string& name) const {
  if (!has(name) || !values[name].is_string()) return std::nullopt;
  return values[name].get<std::string>();
}
std::optional<std::int64_t> Validated::integer(const std::string& name) const {
  if (!has(name) || !values[name].is_number_integer()) return std::nullopt;
  return values[name].get<std::int64_t>();
}
std::optional<double> Validated::number(const std::string& name) const {
  if (!has(name) || !values[name].is_number()) return std::nullopt;
  return values[name].get<double>();
}
void Validated::add(nlohmann::json loc, std::string msg, std::string type) {
  errors.push_back(http::FieldError{std::move(loc), std::move(msg), std::move(type), std::nullopt});
}

Validated validate_object(const Schema& schema, const nlohmann::json& body, const nlohmann::json& loc) {
  Validated out;
  if (!body.is_object()) {
    out.add(loc, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type");
    return out;
  }
  Reader reader{out};
  for (const auto& f : schema.fields) {
    const auto it = body.find(f.name);
    if (it == body.end()) {
      if (f.required)
        out.add(at(loc, f.name), "Field required", "missing");
      else if (!f.default_value.is_null())
        out.values[f.name] = f.default_value;
      continue;
    }
    if (it->is_null() && f.nullable) {
      out.values[f.name] = nullptr;
      continue;
    }
    // An explicit null for a non-nullable field fails its type check, as in pydantic.
    Json clean;
    if (reader.check(f, *it, at(loc, f.name), clean)) out.values[f.name] = std::move(clean);
  }
  return out;
}

Validated validate_query(const std::vector<Field>& params, const http::HttpRequest& request) {
  Validated out;
  Reader reader{out};
  for (const auto& f : params) {
    const auto text = request.query_param(f.name);
    const Json loc = Json::array({"query", f.name});
    if (!text) {
      if (f.required)
        out.add(loc, "Field required", "missing");
      else if (!f.default_value.is_null())
        out.values[f.name] = f.default_value;
      continue;
    }
    Json value = *text;
    if (f.type == FieldType::integer) {
      std::int64_t n = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
      if (text->empty() || ec != std::errc{} || end != text->data() + text->size()) {
        out.add(loc, "Input should be a valid integer, unable to parse string as an integer", "int_parsing");
        continue;
      }
      value = n;
    }
    Json clean;
    if (reader.check(f, value, loc, clean)) out.values[f.name] = std::move(clean);
  }
  return out;
}

} // namespace ocppfleet::api
