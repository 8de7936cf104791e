#include "control-api/http/errors.hpp"

namespace ocppfleet::http {

HttpResponse json_response(unsigned status, const nlohmann::json& body) {
  HttpResponse response;
  response.status = status;
  // replace: a handler's invalid UTF-8 (e.g. echoed input) must not throw on the way out.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse no_content() {
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

HttpResponse error_response(unsigned status, std::string detail) {
  return json_response(status, nlohmann::json{{"detail", std::move(detail)}});
}

HttpResponse validation_error(std::vector<FieldError> errors) {
  auto detail = nlohmann::json::array();
  for (auto& e : errors) {
    nlohmann::json item{{"type", std::move(e.type)}, {"loc", std::move(e.loc)}, {"msg", std::move(e.msg)}};
    if (e.input) item["input"] = std::move(*e.input);
    detail.push_back(std::move(item));
  }
  return json_response(422, nlohmann::json{{"detail", std::move(detail)}});
}

std::variant<nlohmann::json, HttpResponse> parse_json_body(const HttpRequest& request) {
  if (request.body.empty()) {
    return validation_error(
        {FieldError{nlohmann::json::array({"body"}), "Field required", "missing", nlohmann::json(nullptr)}});
  }
  try {
    return nlohmann::json::parse(request.body);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann counts bytes from 1; Python's JSONDecodeError.pos (FastAPI's loc) from 0.
    return validation_error({FieldError{nlohmann::json::array({"body", e.byte > 0 ? e.byte - 1 : 0}),
                                        "JSON decode error", "json_invalid", nlohmann::json::object()}});
  } catch (const nlohmann::json::exception&) {
    // A number outside double range (1e999) is out_of_range.406, not a parse_error: the
    // body is still undecodable input, never a 500. nlohmann gives no offset for it.
    return validation_error({FieldError{nlohmann::json::array({"body"}),
                                        "JSON decode error: a number is out of range (beyond double precision)",
                                        "json_invalid", nlohmann::json::object()}});
  }
}

} // namespace ocppfleet::http
