#include "control-api/routes/input_rules.hpp"
#include <cctype>

#include <chrono>
#include <cstdint>
#include <cstdio>

#include "simulator/transport/ws_url.hpp"

namespace ocppfleet::api {
namespace {

bool identity_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':' || c == '*';
}

} // namespace

std::optional<std::string> identity_problem(std::string_view identity) {
  if (identity.empty() || identity.size() > k_identity_max)
    return "Identity should have 1 to " + std::to_string(k_identity_max) + " characters";
  for (const char c : identity)
    if (!identity_char(static_cast<unsigned char>(c)))
      return "Identity may only contain letters, digits and - _ . : * (ASCII)";
  if (identity == "." || identity.find("..") != std::string_view::npos)
    return "Identity must not be '.' nor contain '..'";
  return std::nullopt;
}

std::optional<std::string> location_id_problem(std::string_view id) {
  if (id.empty() || id.size() > k_location_id_max)
    return "Location id should have 1 to " + std::to_string(k_location_id_max) + " characters";
  for (const char c : id) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80 || (!std::isalnum(b) && c != '-' && c != '_' && c != '.' && c != ':'))
      return "Use letters, digits, '-', '_', '.' or ':'";
  }
  if (id == "." || id.find("..") != std::string_view::npos) return "Must not be '.' nor contain '..'";
  return std::nullopt;
}

std::optional<std::string> ws_url_problem(std::string_view url) {
  for (const char c : url) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x21 || b >= 0x7f) return "URL must be printable ASCII without spaces or control characters";
  }
  std::string error;
  if (!transport::parse_ws_url(url, &error)) return error.empty() ? "URL is not a valid ws:// or wss:// URL" : error;
  return std::nullopt;
}

} // namespace ocppfleet::api

namespace ocppfleet::api {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

} // namespace

std::optional<std::string> normalized_datetime(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (y < 1 || !ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (s[pos] == '.') {
    const std::size_t start = ++pos;
    std::int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale; // digits past milliseconds are truncated
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  std::int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) {
    int oh = 0, om = 0;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto utc = time_point_cast<milliseconds>(sys_days{ymd}) + hours{h} + minutes{mi} + seconds{se} +
                   milliseconds{millis} - minutes{offset_min};
  const auto day_start = floor<days>(utc);
  const year_month_day out_ymd{day_start};
  const int out_year = static_cast<int>(out_ymd.year());
  if (out_year < 1 || out_year > 9999) return std::nullopt;
  const hh_mm_ss hms{utc - day_start};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", out_year,
                static_cast<unsigned>(out_ymd.month()), static_cast<unsigned>(out_ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return std::string{buf};
}

} // namespace ocppfleet::api
