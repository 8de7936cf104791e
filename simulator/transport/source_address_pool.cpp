#include "simulator/transport/source_address_pool.hpp"

#include "simulator/core/text.hpp"
#include <set>
#include <stdexcept>

namespace ocppfleet::transport {
namespace {
using core::trim;

namespace ip = boost::asio::ip;

// Built with append rather than operator+: GCC 12 at -O3 reports a false -Wrestrict on
// "'" + std::string{...} (GCC bug 105329).
std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  out.append(s);
  out.push_back('\'');
  return out;
}

// Why an address cannot be a source address, or empty when it can.
std::string unusable_reason(const ip::address& a) {
  if (a.is_unspecified())
    return a.to_string() + " is the unspecified address (the kernel already picks one when no pool is given)";
  if (a.is_multicast()) return a.to_string() + " is a multicast address";
  if (a.is_v4() && a.to_v4() == ip::address_v4::broadcast()) return a.to_string() + " is the broadcast address";
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return a.to_string() + " is an IPv4-mapped IPv6 address; write it as " +
           ip::make_address_v4(ip::v4_mapped, a.to_v6()).to_string();
  return {};
}

// Appends the inclusive IPv4 range "first-last" to `out`; returns an error sentence or "".
std::string expand_range(std::string_view entry, std::size_t dash, std::vector<ip::address>& out) {
  const std::string_view first_text = trim(entry.substr(0, dash));
  const std::string_view last_text = trim(entry.substr(dash + 1));
  boost::system::error_code ec;
  const auto first = ip::make_address(first_text, ec);
  if (ec) return quoted(first_text) + " in range " + quoted(entry) + " is not an IP address";
  const auto last = ip::make_address(last_text, ec);
  if (ec) return quoted(last_text) + " in range " + quoted(entry) + " is not an IP address";
  if (!first.is_v4() || !last.is_v4())
    return "range " + quoted(entry) + ": ranges are IPv4 only; list IPv6 addresses one by one, separated by commas";
  const std::uint64_t lo = first.to_v4().to_uint();
  const std::uint64_t hi = last.to_v4().to_uint();
  if (lo > hi) return "range " + quoted(entry) + " runs backwards (its first address is after its last)";
  const std::uint64_t n = hi - lo + 1;
  if (out.size() + n > SourceAddressPool::max_addresses)
    return "range " + quoted(entry) + " has " + std::to_string(n) + " addresses; a pool holds at most " +
           std::to_string(SourceAddressPool::max_addresses);
  for (std::uint64_t v = lo; v <= hi; ++v)
    out.emplace_back(ip::address_v4{static_cast<ip::address_v4::uint_type>(v)});
  return {};
}

std::string parse_entry(std::string_view entry, std::vector<ip::address>& out) {
  // IPv6 text has no '-', so a dash always means an IPv4 range.
  if (const auto dash = entry.find('-'); dash != std::string_view::npos) return expand_range(entry, dash, out);
  std::string_view text = entry;
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  boost::system::error_code ec;
  const auto address = ip::make_address(text, ec);
  if (ec) return quoted(entry) + " is not an IP address (expected e.g. 127.0.0.2, 127.0.0.1-127.0.0.8 or ::1)";
  if (out.size() + 1 > SourceAddressPool::max_addresses)
    return "a pool holds at most " + std::to_string(SourceAddressPool::max_addresses) + " addresses";
  out.push_back(address);
  return {};
}

} // namespace

SourceAddressPool::SourceAddressPool(std::vector<ip::address> addresses) : addresses_(std::move(addresses)) {
  if (addresses_.empty()) throw std::invalid_argument("a source address pool needs at least one address");
  if (addresses_.size() > max_addresses)
    throw std::invalid_argument("a source address pool holds at most " + std::to_string(max_addresses) +
                                " addresses, got " + std::to_string(addresses_.size()));
  std::set<ip::address> seen;
  for (const auto& a : addresses_) {
    if (auto why = unusable_reason(a); !why.empty()) throw std::invalid_argument(why);
    // A duplicate would silently give one address twice the share of ephemeral ports.
    if (!seen.insert(a).second) throw std::invalid_argument(a.to_string() + " appears more than once");
  }
}

std::optional<SourceAddressPool> parse_source_address_pool(std::string_view text, std::string* error) {
  const auto fail = [&](std::string message) -> std::optional<SourceAddressPool> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  if (trim(text).empty()) return fail("the address list is empty");
  std::vector<ip::address> addresses;
  std::size_t entry_number = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view entry =
        trim(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    ++entry_number;
    if (entry.empty()) return fail("entry " + std::to_string(entry_number) + " of the address list is empty");
    if (auto why = parse_entry(entry, addresses); !why.empty()) return fail(std::move(why));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  try {
    return SourceAddressPool{std::move(addresses)};
  } catch (const std::invalid_argument& e) {
    return fail(e.what());
  }
}

} // namespace ocppfleet::transport
