#include "filtered_query.h"

#include "conditions.h"
#include "database/session.h"

#include <cstdint>

namespace prefectd {

FilteredQuery::FilteredQuery(const QueryComponents &queries, std::string table)
    : table_(std::move(table)), sql_(queries) {}

void FilteredQuery::where(std::string condition) {
  if (condition != kAlwaysTrue) conditions_.push_back(std::move(condition));
}

std::string FilteredQuery::where_clause() const {
  return conditions_.empty() ? std::string() : " WHERE " + combine(conditions_);
}

std::string FilteredQuery::select_sql(std::string_view columns, std::string_view order_by, const Page &page,
                                      SqlBuilder &parameters) const {
  std::string text =
      "SELECT " + std::string(joins_.empty() ? columns : std::string_view("id")) + " FROM " + table_ + where_clause();
  if (!order_by.empty()) text += " ORDER BY " + std::string(order_by);
  // SQLite accepts OFFSET only after a LIMIT, hence the largest one.
  if (page.limit) {
    text += " LIMIT " + parameters.param(*page.limit);
    if (page.offset > 0) text += " OFFSET " + parameters.param(page.offset);
  } else if (page.offset > 0) {
    text += " LIMIT " + parameters.param(int64_t{INT64_MAX}) + " OFFSET " + parameters.param(page.offset);
  }
  if (joins_.empty()) return text;
  text = "SELECT " + std::string(columns) + " FROM (" + text + ") AS page_ids JOIN " + table_ + " ON " + table_ +
         ".id = page_ids.id" + joins_;
  if (!order_by.empty()) text += " ORDER BY " + std::string(order_by);
  return text;
}

Statement FilteredQuery::select(Session &session, std::string_view columns, std::string_view order_by,
                                const Page &page) const {
  SqlBuilder parameters = sql_;
  Statement statement = session.prepare(select_sql(columns, order_by, page, parameters));
  parameters.bind(statement);
  return statement;
}

std::string FilteredQuery::count_sql() const {
  return "SELECT count(*) FROM " + table_ + where_clause();
}

Statement FilteredQuery::count(Session &session) const {
  Statement statement = session.prepare(count_sql());
  sql_.bind(statement);
  return statement;
}

int64_t FilteredQuery::count_rows(Session &session) const {
  Statement statement = count(session);
  statement.step();
  return statement.int64(0).value_or(0);
}

}  // namespace prefectd
