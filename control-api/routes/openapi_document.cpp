#include "control-api/routes/openapi_document.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "control-api/routes/input_rules.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

std::string ref(const std::string& name) { return "#/components/schemas/" + name; }

// The reusable error responses, by status: every operation refers to these.
struct ErrorResponse {
  unsigned status;
  const char* name;
  const char* description;
  const char* schema;
};
constexpr ErrorResponse kErrors[] = {
    {401, "Unauthorized", "Missing or invalid bearer token (WWW-Authenticate: Bearer)", "HttpErrorResponse"},
    {403, "Forbidden", "Not allowed to act for another organisation", "HttpErrorResponse"},
    {404, "NotFound", "Unknown resource, or another organisation's", "HttpErrorResponse"},
    {409, "Conflict", "Conflicts with the current state (e.g. identity already used)", "HttpErrorResponse"},
    {413, "PayloadTooLarge", "The body is larger than --max-body", "HttpErrorResponse"},
    {422, "ValidationError", "Validation error", "HTTPValidationError"},
    {500, "InternalError", "Internal Server Error", "HttpErrorResponse"},
    {503, "ServiceUnavailable", "The store is busy; retry shortly", "HttpErrorResponse"},
};

const ErrorResponse& error_for(unsigned status) {
  for (const auto& e : kErrors)
    if (e.status == status) return e;
  throw std::invalid_argument("no reusable error response for status " + std::to_string(status));
}

class Builder {
public:
  Json build(const std::vector<Operation>& operations) {
    Json doc{
        {"openapi", "3.1.0"},
        {"info",
         {{"title", "ocppfleet control API"},
          {"version", "0.2.0"},
          {"description", "Create and drive simulated OCPP 1.6 / 2.0.1 chargers. Errors are FastAPI-shaped: "
                          "{\"detail\": \"...\"}, or for 422 a list of {loc, msg, type}. Lists are {data, total, page, "
                          "limit}. Generated from the same field declarations the validators read."}}},
        {"servers", Json::array({{{"url", "/"}}})},
        {"security", Json::array({{{"HTTPBearer", Json::array()}}})}};
    Json paths = Json::object();
    std::vector<std::string> tags;
    for (const auto& op : operations) {
      std::string method = op.method;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      paths[op.path][method] = operation(op);
      if (!op.tag.empty() && std::find(tags.begin(), tags.end(), op.tag) == tags.end()) tags.push_back(op.tag);
    }
    doc["tags"] = Json::array();
    for (const auto& t : tags)
      doc["tags"].push_back({{"name", t}});
    doc["paths"] = std::move(paths);
    Json components;
    components["securitySchemes"] = {
        {"HTTPBearer",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description", "Authorization: Bearer <token>. Each token belongs to one organisation."}}}};
    Json responses = Json::object();
    for (const auto& e : kErrors)
      responses[e.name] = {{"description", e.description},
                           {"content", {{"application/json", {{"schema", {{"$ref", ref(e.schema)}}}}}}}};
    components["responses"] = std::move(responses);
    Json all = response_schemas();
    for (auto& [name, schema] : schemas_.items())
      all[name] = schema;
    components["schemas"] = std::move(all);
    doc["components"] = std::move(components);
    return doc;
  }

private:
  // Registers a declared object under its name (once) and returns a $ref to it.
  Json schema_ref(const Schema& schema) {
    if (schema.name.empty()) throw std::invalid_argument("a request schema needs a name");
    if (!schemas_.contains(schema.name)) {
      schemas_[schema.name] = nullptr; // placeholder: a schema may refer to itself
      schemas_[schema.name] = object_schema(schema);
    }
    return {{"$ref", ref(schema.name)}};
  }

  Json object_schema(const Schema& schema) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& f : schema.fields) {
      properties[f.name] = property(f);
      if (f.required) required.push_back(f.name);
    }
    Json out{{"type", "object"}, {"properties", std::move(properties)}, {"title", schema.name}};
    if (!required.empty()) out["required"] = std::move(required);
    if (!schema.description.empty()) out["description"] = schema.description;
    return out;
  }

  Json property(const Field& f) {
    if (f.type == FieldType::object && f.object) {
      Json r = schema_ref(*f.object);
      Json out = f.nullable ? Json{{"oneOf", Json::array({r, {{"type", "null"}}})}} : r;
      if (!f.description.empty()) out["description"] = f.description;
      return out;
    }
    if (f.type == FieldType::array && f.items && f.items->type == FieldType::object && f.items->object) {
      Json out = field_schema(f);
      out["items"] = schema_ref(*f.items->object);
      return out;
    }
    return field_schema(f);
  }

  Json parameter(const Field& f, const char* where) {
    Json schema = field_schema(f);
    Json out{{"name", f.name}, {"in", where}, {"required", f.required || std::string{where} == "path"}};
    if (auto it = schema.find("description"); it != schema.end()) {
      out["description"] = *it;
      schema.erase(it);
    }
    out["schema"] = std::move(schema);
    return out;
  }

  Json operation(const Operation& op) {
    Json out{{"operationId", op.operation_id}, {"summary", op.summary}};
    if (!op.tag.empty()) out["tags"] = Json::array({op.tag});
    if (!op.description.empty()) out["description"] = op.description;
    Json params = Json::array();
    // Path parameters in pattern order; declared ones carry their description/enum.
    for (std::size_t pos = op.path.find('{'); pos != std::string::npos; pos = op.path.find('{', pos + 1)) {
      const std::string name = op.path.substr(pos + 1, op.path.find('}', pos) - pos - 1);
      Field f = Field::string(name);
      for (const auto& declared : op.path_params)
        if (declared.name == name) f = declared;
      params.push_back(parameter(f, "path"));
    }
    for (const auto& q : op.query)
      params.push_back(parameter(q, "query"));
    if (!op.is_public)
      params.push_back(
          {{"name", "X-Organization-Id"},
           {"in", "header"},
           {"required", false},
           {"schema", {{"type", "string"}}},
           {"description", "Admin tokens: act for this organisation. Other tokens may only name their own."}});
    if (!params.empty()) out["parameters"] = std::move(params);
    if (op.body) {
      Json schema = schema_ref(*op.body);
      if (op.body_is_list) {
        schema = {{"type", "array"}, {"items", schema}, {"minItems", 1}};
        if (op.body_max_items > 0) schema["maxItems"] = op.body_max_items;
      }
      if (!op.body_description.empty()) schema["description"] = op.body_description;
      out["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    Json responses = Json::object();
    for (const auto& r : op.responses) {
      Json item{{"description", r.description}};
      if (!r.schema.empty()) {
        if (!response_schemas().contains(r.schema) && !schemas_.contains(r.schema))
          throw std::invalid_argument("unknown response schema " + r.schema);
        item["content"] = {{"application/json", {{"schema", {{"$ref", ref(r.schema)}}}}}};
      }
      responses[std::to_string(r.status)] = std::move(item);
    }
    std::vector<unsigned> errors = op.errors;
    if (!op.is_public) errors.insert(errors.end(), {401, 403});
    if (op.body || !op.query.empty()) errors.push_back(422);
    if (op.body) errors.push_back(413);
    errors.push_back(500);
    std::sort(errors.begin(), errors.end());
    for (const auto status : errors)
      responses[std::to_string(status)] = {{"$ref", "#/components/responses/" + std::string{error_for(status).name}}};
    out["responses"] = std::move(responses);
    if (op.is_public) out["security"] = Json::array();
    return out;
  }

  Json schemas_ = Json::object();
};

} // namespace

Json field_schema(const Field& f) {
  Json s = Json::object();
  const char* type = "string";
  switch (f.type) {
  case FieldType::string:
  case FieldType::datetime: type = "string"; break;
  case FieldType::integer: type = "integer"; break;
  case FieldType::number: type = "number"; break;
  case FieldType::boolean: type = "boolean"; break;
  case FieldType::object: type = "object"; break;
  case FieldType::array: type = "array"; break;
  case FieldType::scalar: type = nullptr; break;
  }
  if (type == nullptr) {
    s["type"] = Json::array({"string", "number", "boolean"});
    if (f.nullable) s["type"].push_back("null");
  } else {
    s["type"] = f.nullable ? Json::array({type, "null"}) : Json(type);
  }
  if (f.type == FieldType::datetime) s["format"] = "date-time";
  if (f.type == FieldType::array) {
    s["items"] = f.items ? field_schema(*f.items) : Json::object();
    if (f.min_length) s["minItems"] = *f.min_length;
    if (f.max_length) s["maxItems"] = *f.max_length;
  } else {
    if (f.min_length && *f.min_length > 0) s["minLength"] = *f.min_length;
    if (f.max_length) s["maxLength"] = *f.max_length;
  }
  if (f.type == FieldType::object) s["additionalProperties"] = true;
  if (f.type == FieldType::integer) {
    if (f.minimum) s["minimum"] = static_cast<std::int64_t>(*f.minimum);
    if (f.maximum) s["maximum"] = static_cast<std::int64_t>(*f.maximum);
  } else if (f.type == FieldType::number) {
    if (f.minimum) s["minimum"] = *f.minimum;
    if (f.maximum) s["maximum"] = *f.maximum;
  }
  if (!f.choices.empty()) {
    s["enum"] = f.choices;
    if (f.nullable) s["enum"].push_back(nullptr);
    s.erase("minLength");
    s.erase("maxLength");
  }
  if (!f.pattern.empty()) s["pattern"] = f.pattern;
  if (!f.default_value.is_null()) s["default"] = f.default_value;
  if (!f.example.empty()) s["examples"] = Json::array({f.example});
  if (f.deprecated) s["deprecated"] = true;
  if (!f.description.empty()) s["description"] = f.description;
  return s;
}

Json openapi_document(const std::vector<Operation>& operations) { return Builder{}.build(operations); }

} // namespace ocppfleet::api
