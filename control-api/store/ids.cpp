#include "control-api/store/ids.hpp"

#include "control-api/store/errors.hpp"

#include <openssl/rand.h>

#include <array>

namespace ocppfleet::store {

std::string new_id(std::string_view prefix) {
  std::array<unsigned char, 10> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw StoreError{"new_id: the OS random source failed"};
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string id{prefix};
  id.reserve(prefix.size() + 2 * bytes.size());
  for (const unsigned char b : bytes) {
    id += k_hex[b >> 4];
    id += k_hex[b & 0x0f];
  }
  return id;
}

} // namespace ocppfleet::store
