#pragma once
// Response builders in the FastAPI shapes the reference API uses (DESIGN.md §6):
// {"detail": "..."} for plain errors and pydantic v2's list for 422 validation errors.
#include "control-api/http/http_types.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ocppfleet::http {

// status + compact JSON body, Content-Type application/json.
HttpResponse json_response(unsigned status, const nlohmann::json& body);

// {"detail": detail}
HttpResponse error_response(unsigned status, std::string detail);

// 204: no body, so no Content-Type either.
HttpResponse no_content();

// One pydantic v2 error entry. loc is an array such as ["body","ws_url"] or
// ["query","limit"]; type is pydantic's ("missing", "string_type", "value_error",
// "json_invalid", ...). input is emitted only when set (pydantic always sends it; routes may).
struct FieldError {
  nlohmann::json loc = nlohmann::json::array();
  std::string msg;
  std::string type;
  std::optional<nlohmann::json> input;
};

// 422 {"detail":[{"type":...,"loc":[...],"msg":...}, ...]}
HttpResponse validation_error(std::vector<FieldError> errors);

// Parses the request body as JSON. On failure returns the 422 FastAPI sends for an
// undecodable body: loc ["body", <byte offset>], type "json_invalid", msg "JSON decode error".
// An empty body is reported as a missing body: loc ["body"], type "missing". A number
// outside double range (e.g. 1e999) is json_invalid at loc ["body"].
std::variant<nlohmann::json, HttpResponse> parse_json_body(const HttpRequest& request);

} // namespace ocppfleet::http
