#pragma once
// How many chargers one process can hold. Each charger keeps one socket, i.e. one file
// descriptor, so the open-file limit (RLIMIT_NOFILE) caps a process's fleet; the local port
// range caps how many chargers one source address connects to one CSMS endpoint.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocppfleet::app {

struct FdLimit {
  std::uint64_t soft = 0; // what this process may open now (after raise_fd_limit)
  std::uint64_t hard = 0;
  std::string warning; // why the soft limit could not be raised; empty when it was fine
};

// Raises the soft RLIMIT_NOFILE to the hard limit: any process may do that, and the
// default soft limit (often 1024) is far below what a fleet needs. An unlimited hard limit
// is capped at fs.nr_open, which is what the kernel accepts. Reports the limits in effect.
FdLimit raise_fd_limit();

// Descriptors kept for the process itself, beside one socket per charger: stdio, log and
// summary files, the resolver, and per engine thread an epoll fd, an eventfd and a timerfd.
std::uint64_t fd_reserve(unsigned engine_threads) noexcept;
// Chargers that fit under `fd_limit` (0 when not even the reserve does).
std::uint64_t chargers_that_fit(std::uint64_t fd_limit, unsigned engine_threads) noexcept;

// The kernel's ephemeral port range (net.ipv4.ip_local_port_range, used for IPv6 too).
struct PortRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  [[nodiscard]] std::uint32_t size() const noexcept { return last >= first ? last - first + 1 : 0; }
};
// Parses the file's text, two numbers separated by blanks ("32768\t60999\n").
std::optional<PortRange> parse_port_range(std::string_view text);
// Reads it; nullopt when the file is missing or unreadable (not Linux, restricted /proc).
std::optional<PortRange> local_port_range(const std::string& path = "/proc/sys/net/ipv4/ip_local_port_range");

} // namespace ocppfleet::app
