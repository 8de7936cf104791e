#pragma once
// Paged reads: the API's lists are {data, total, page, limit} (DESIGN.md §6).
#include <cstdint>
#include <vector>

namespace ocppfleet::store {

struct PageRequest {
  int page = 1;   // 1-based; values below 1 read as 1
  int limit = 50; // values below 1 read as 1 (the route validates 1..100 and answers 422)

  [[nodiscard]] std::int64_t safe_limit() const { return limit < 1 ? 1 : limit; }
  [[nodiscard]] std::int64_t offset() const { return (page < 1 ? 0 : std::int64_t{page} - 1) * safe_limit(); }
};

template <class Row> struct Page {
  std::vector<Row> rows;
  std::int64_t total = 0; // rows matching, over all pages
};

} // namespace ocppfleet::store
