#include "ocpi/envelope.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <chrono>

#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {

http::HttpResponse envelope(const http::HttpRequest& request, unsigned http_status, nlohmann::json data, int code,
                            std::string message) {
  nlohmann::json body{{"status_code", code},
                      {"status_message", std::move(message)},
                      {"timestamp", core::format_timestamp(std::chrono::system_clock::now())}};
  if (!data.is_null()) body["data"] = std::move(data);
  http::HttpResponse response;
  response.status = http_status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (const char* name : {"X-Request-ID", "X-Correlation-ID"})
    if (auto value = request.header(name); value && value->size() <= 255) response.headers.emplace_back(name, *value);
  return response;
}

std::string base64_encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  for (const char c : text)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (text.ends_with("=="))
    size -= 2;
  else if (text.ends_with('='))
    size -= 1;
  out.resize(size);
  return out;
}

std::vector<std::string> token_candidates(std::optional<std::string_view> authorization) {
  std::vector<std::string> out;
  if (!authorization) return out;
  std::string_view value = *authorization;
  constexpr std::string_view prefix = "Token ";
  if (value.size() <= prefix.size() || value.substr(0, prefix.size()) != prefix) return out;
  value.remove_prefix(prefix.size());
  while (!value.empty() && value.back() == ' ')
    value.remove_suffix(1);
  if (auto decoded = base64_decode(value)) {
    while (!decoded->empty() && (decoded->back() == '\n' || decoded->back() == '\r'))
      decoded->pop_back();
    if (!decoded->empty()) out.push_back(std::move(*decoded));
  }
  out.emplace_back(value);
  return out;
}

} // namespace ocppfleet::ocpi
