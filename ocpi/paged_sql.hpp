#pragma once
// OCPI list paging done by SQLite (tariffs, sessions, CDRs): the date range on an indexed
// last_updated column, so a page of a large list costs an index range and a LIMIT/OFFSET,
// not a build of every object.
#include <nlohmann/json.hpp>

#include <cstdint>
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

// One page of a per-CPO table of stored objects (columns cpo_id, id, last_updated and
// `json_column`): the objects, oldest last_updated first then id, and how many match the dates.
// `table` and `json_column` are our constants, never input.
template <class Page>
Page page_of_stored_json(store::Database& db, std::string_view table, std::string_view json_column, std::int64_t cpo_id,
                         const PageQuery& query) {
  Page page;
  const auto dates = date_clause(query, "last_updated");
  auto count = db.prepare("SELECT count(*) FROM " + std::string{table} + " WHERE cpo_id = ?" + dates);
  count.bind(1, cpo_id);
  bind_dates(count, 2, query);
  if (count.step()) page.total = count.column_int64(0);
  auto st = db.prepare("SELECT " + std::string{json_column} + " FROM " + std::string{table} + " WHERE cpo_id = ?" +
                       dates + " ORDER BY last_updated, id LIMIT ? OFFSET ?");
  st.bind(1, cpo_id);
  bind_page(st, bind_dates(st, 2, query), query);
  while (st.step())
    page.items.push_back(nlohmann::json::parse(st.column_text(0)));
  return page;
}

} // namespace ocppfleet::ocpi
