#pragma once
// OCPI list paging done by SQLite (tariffs, sessions, CDRs): the date range on an indexed
// last_updated column, so a page of a large list costs an index range and a LIMIT/OFFSET,
// not a build of every object.
#include <string>
#include <string_view>

#include "control-api/store/database.hpp"
#include "ocpi/pagination.hpp"

namespace ocppfleet::ocpi {

// " AND <column> >= ?" / " AND <column> < ?" for the dates the query has (both normalised
// with core::format_timestamp, as the columns are, so text order is time order).
inline std::string date_clause(const PageQuery& q, std::string_view column) {
  std::string out;
  if (q.date_from) out += " AND " + std::string{column} + " >= ?";
  if (q.date_to) out += " AND " + std::string{column} + " < ?";
  return out;
}

// Binds what date_clause added, from parameter `index`; returns the next free parameter.
inline int bind_dates(store::Statement& st, int index, const PageQuery& q) {
  if (q.date_from) st.bind(index++, *q.date_from);
  if (q.date_to) st.bind(index++, *q.date_to);
  return index;
}

// Binds LIMIT and OFFSET (in that order) from parameter `index`.
inline void bind_page(store::Statement& st, int index, const PageQuery& q) {
  st.bind(index, q.limit).bind(index + 1, q.offset);
}

} // namespace ocppfleet::ocpi
