#include "ocpi/pagination.hpp"

#include <algorithm>
#include <charconv>

#include "ocpi/envelope.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {

std::variant<PageQuery, std::string> parse_page_query(const http::HttpRequest& request) {
  PageQuery q;
  std::string bad;
  const auto integer = [&](const char* name, std::int64_t fallback, std::int64_t min) {
    const auto text = request.query_param(name);
    if (!text) return fallback;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || end != text->data() + text->size() || v < min)
      bad = std::string{name} + ": an integer of at least " + std::to_string(min);
    return v;
  };
  q.offset = integer("offset", 0, 0);
  q.limit = std::min<std::int64_t>(integer("limit", k_default_page_limit, 1), k_max_page_limit);
  for (auto [name, field] : {std::pair{"date_from", &q.date_from}, std::pair{"date_to", &q.date_to}})
    if (auto text = request.query_param(name)) {
      const auto t = core::parse_timestamp(*text);
      if (!t)
        bad = std::string{name} + ": an RFC 3339 DateTime";
      else
        *field = core::format_timestamp(*t);
    }
  if (!bad.empty()) return bad;
  return q;
}

std::string normalised_timestamp(const std::string& text) {
  const auto parsed = core::parse_timestamp(text);
  return parsed ? core::format_timestamp(*parsed) : text;
}

bool in_date_range(const PageQuery& query, const std::string& last_updated) {
  if (query.date_from && last_updated < *query.date_from) return false;
  if (query.date_to && last_updated >= *query.date_to) return false;
  return true;
}

http::HttpResponse page_response(const http::HttpRequest& request, nlohmann::json items, std::int64_t total,
                                 const PageQuery& query, const std::string& list_url) {
  const auto count = static_cast<std::int64_t>(items.size());
  auto response = ok(request, std::move(items));
  response.headers.emplace_back("X-Total-Count", std::to_string(total));
  response.headers.emplace_back("X-Limit", std::to_string(query.limit));
  const auto next = query.offset + count;
  if (count > 0 && next < total) {
    std::string link = list_url + "?offset=" + std::to_string(next) + "&limit=" + std::to_string(query.limit);
    for (auto [name, field] : {std::pair{"date_from", &query.date_from}, std::pair{"date_to", &query.date_to}})
      if (*field) link += std::string{"&"} + name + "=" + **field;
    response.headers.emplace_back("Link", "<" + link + ">; rel=\"next\"");
  }
  return response;
}

} // namespace ocppfleet::ocpi
