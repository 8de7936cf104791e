#include "control-api/app/fd_limits.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>

namespace ocppfleet::app {
namespace {

std::optional<std::uint64_t> read_number_file(const std::string& path) {
  std::ifstream in{path};
  std::uint64_t value = 0;
  if (!(in >> value)) return std::nullopt;
  return value;
}

} // namespace

FdLimit raise_fd_limit() {
  FdLimit out;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.warning = std::string{"cannot read the open-file limit: "} + std::strerror(errno);
    return out;
  }
  rlim_t target = limit.rlim_max;
  if (target == RLIM_INFINITY) {
    // setrlimit refuses a soft limit above fs.nr_open, even with an unlimited hard limit.
    target = static_cast<rlim_t>(read_number_file("/proc/sys/fs/nr_open").value_or(1'048'576));
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < target) {
    rlimit raised = limit;
    raised.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit.rlim_cur = target;
    } else {
      out.warning = "cannot raise the open-file limit from " + std::to_string(limit.rlim_cur) + " to " +
                    std::to_string(target) + ": " + std::strerror(errno);
    }
  }
  out.soft = limit.rlim_cur == RLIM_INFINITY ? target : limit.rlim_cur;
  out.hard = limit.rlim_max == RLIM_INFINITY ? target : limit.rlim_max;
  return out;
}

std::uint64_t fd_reserve(unsigned engine_threads) noexcept {
  return 64 + 4 * static_cast<std::uint64_t>(engine_threads);
}

std::uint64_t chargers_that_fit(std::uint64_t fd_limit, unsigned engine_threads) noexcept {
  const std::uint64_t reserve = fd_reserve(engine_threads);
  return fd_limit > reserve ? fd_limit - reserve : 0;
}

std::optional<PortRange> parse_port_range(std::string_view text) {
  const auto number = [&](std::uint32_t& value) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
      text.remove_prefix(1);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return false;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return true;
  };
  PortRange range;
  if (!number(range.first) || !number(range.last)) return std::nullopt;
  if (range.first == 0 || range.last > 65535 || range.first > range.last) return std::nullopt;
  return range;
}

std::optional<PortRange> local_port_range(const std::string& path) {
  std::ifstream in{path};
  if (!in) return std::nullopt;
  const std::string text{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  return parse_port_range(text);
}

} // namespace ocppfleet::app
