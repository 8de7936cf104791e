#pragma once
// Local source addresses that outgoing charger sockets bind to. One source address reaches
// one CSMS ip:port through at most the ephemeral port range (~28k on Linux), so a larger
// fleet spreads its chargers over several addresses (127.0.0.x on loopback, or addresses
// configured on a NIC). Immutable once built; a fleet's LinkConfig shares one.
#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::transport {

class SourceAddressPool {
public:
  // A cap, not a need: a pool this size already covers millions of connections per
  // destination, and it keeps a typo such as 10.0.0.0-10.255.0.0 from allocating gigabytes.
  static constexpr std::size_t max_addresses = 65'536;

  // Throws std::invalid_argument when `addresses` is empty, too long, has a duplicate, or
  // holds an address a socket cannot be bound to as a source (unspecified, multicast).
  explicit SourceAddressPool(std::vector<boost::asio::ip::address> addresses);

  // Round robin: charger `index` always gets the same address (index modulo size()).
  [[nodiscard]] const boost::asio::ip::address& address_for(std::uint64_t index) const noexcept {
    return addresses_[index % addresses_.size()];
  }
  [[nodiscard]] std::size_t size() const noexcept { return addresses_.size(); }
  [[nodiscard]] const std::vector<boost::asio::ip::address>& addresses() const noexcept { return addresses_; }

private:
  std::vector<boost::asio::ip::address> addresses_;
};

// Parses a comma-separated list; each entry is an IPv4 address, an inclusive IPv4 range
// "first-last", or one IPv6 address (optionally in brackets; IPv6 ranges are refused).
// Examples: "127.0.0.1-127.0.0.8", "10.0.0.5,10.0.0.6", "::1", "127.0.0.1,[fd00::7]".
// Blanks around entries are ignored. The order of the text is the round-robin order.
// On bad input returns nullopt and, if `error` is set, a sentence saying what is wrong.
std::optional<SourceAddressPool> parse_source_address_pool(std::string_view text, std::string* error = nullptr);

} // namespace ocppfleet::transport
