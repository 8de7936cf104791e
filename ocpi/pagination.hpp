#pragma once
// OCPI list paging (transport_and_format "Pagination"): offset, limit, date_from (inclusive)
// and date_to (exclusive) on last_updated; answers carry X-Total-Count, X-Limit and, when a
// page follows, a Link to it that keeps the limit and the dates.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "control-api/http/http_types.hpp"

namespace ocppfleet::ocpi {

inline constexpr std::int64_t k_default_page_limit = 50;
inline constexpr std::int64_t k_max_page_limit = 100; // X-Limit tells a client that asked for more

struct PageQuery {
  std::int64_t offset = 0;
  std::int64_t limit = k_default_page_limit;
  std::optional<std::string> date_from, date_to; // normalised with core::format_timestamp
};

// The query's paging parameters, or a message naming the bad one (status_code 2001).
std::variant<PageQuery, std::string> parse_page_query(const http::HttpRequest& request);

// RFC 3339 in, our one format out (core::format_timestamp), so dates compare as text; the
// input itself when it does not parse.
std::string normalised_timestamp(const std::string& text);

// True when `last_updated` (normalised) lies in [date_from, date_to).
bool in_date_range(const PageQuery& query, const std::string& last_updated);

// The envelope of one page: `items` (a JSON array), X-Total-Count = total, X-Limit, and a Link
// to `list_url` for the next page when one follows.
http::HttpResponse page_response(const http::HttpRequest& request, nlohmann::json items, std::int64_t total,
                                 const PageQuery& query, const std::string& list_url);

} // namespace ocppfleet::ocpi
