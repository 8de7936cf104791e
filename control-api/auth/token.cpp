#include "control-api/auth/token.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace ocppfleet::auth {

namespace {

constexpr std::string_view token_prefix = "ocf_";
constexpr std::size_t token_random_bytes = 32;
constexpr std::size_t token_length = token_prefix.size() + (token_random_bytes * 4 + 2) / 3; // 47
constexpr std::string_view base64url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(const unsigned char* data, std::size_t n) {
  std::string out;
  out.reserve((n * 4 + 2) / 3);
  for (std::size_t i = 0; i < n; i += 3) {
    const std::size_t left = n - i;
    std::uint32_t v = static_cast<std::uint32_t>(data[i]) << 16;
    if (left > 1) v |= static_cast<std::uint32_t>(data[i + 1]) << 8;
    if (left > 2) v |= data[i + 2];
    out.push_back(base64url_alphabet[(v >> 18) & 63]);
    out.push_back(base64url_alphabet[(v >> 12) & 63]);
    if (left > 1) out.push_back(base64url_alphabet[(v >> 6) & 63]);
    if (left > 2) out.push_back(base64url_alphabet[v & 63]);
  }
  return out;
}

} // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

std::string generate_token() {
  std::array<unsigned char, token_random_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: cannot generate an API token");
  }
  return std::string{token_prefix} + base64url(bytes.data(), bytes.size());
}

bool looks_like_token(std::string_view s) {
  if (s.size() != token_length || s.substr(0, token_prefix.size()) != token_prefix) return false;
  s.remove_prefix(token_prefix.size());
  // 32 bytes = 256 bits in 43 characters: the last one carries 4 bits, so its low 2 bits
  // must be zero (only every 4th letter of the alphabet can end a real token).
  if (s.find_first_not_of(base64url_alphabet) != std::string_view::npos) return false;
  return base64url_alphabet.find(s.back()) % 4 == 0;
}

} // namespace ocppfleet::auth
