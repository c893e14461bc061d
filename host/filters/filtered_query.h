// A "read many" statement over one table: the WHERE conditions collected
// with their bound values, turned into a page of rows or a count.
//
//   FilteredQuery query = filtered_flow_runs(database.queries(), filters);
//   Statement rows = query.select(session, "flow_run.id, flow_run.name",
//                                 flow_run_sort(sort, query.alias()), Page{limit, offset});
//   Statement count = query.count(session);  // one row: count(*)
#pragma once

#include "sql_builder.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class QueryComponents;
class Session;
class Statement;

struct Page {
  std::optional<int64_t> limit;  // nullopt: no LIMIT
  int64_t offset = 0;
};

class FilteredQuery {
 public:
  // Rows of `table`, which the SQL names by the table's own name (alias()).
  FilteredQuery(const QueryComponents &queries, std::string table);

  const std::string &alias() const { return table_; }
  // For conditions the caller adds itself: bind their values through it.
  SqlBuilder &sql() { return sql_; }
  // ANDs `condition` (SQL on alias()) into the WHERE clause.
  void where(std::string condition);
  // Joins for columns of related rows in select()
  // (" LEFT JOIN work_queue wq ON wq.id = flow_run.work_queue_id"). They
  // must not add or remove rows: count() leaves them out, and select()
  // chooses the page of ids on the table alone before joining (see below).
  void join(std::string joins) { joins_ += joins; }

  // SELECT <columns> FROM <table> WHERE ... [ORDER BY <order_by>] [LIMIT ... OFFSET ...]
  // With joins, the page is picked first and only its rows are joined,
  // ordered again (`order_by` must name columns of the table only):
  //   SELECT <columns> FROM (SELECT <table>.id FROM <table> WHERE ... ORDER BY
  //   ... LIMIT ...) AS page_ids JOIN <table> ON <table>.id = page_ids.id <joins> ORDER BY ...
  // so sorting and skipping touch narrow rows (a sort without an index or
  // a deep offset would otherwise join every row it passes). The table must
  // have an `id` key.
  std::string select_sql(std::string_view columns, std::string_view order_by, const Page &page,
                         SqlBuilder &parameters) const;
  Statement select(Session &session, std::string_view columns, std::string_view order_by, const Page &page) const;
  // SELECT count(*) FROM <table> WHERE ...
  std::string count_sql() const;
  Statement count(Session &session) const;
  // Steps the count statement and returns its value.
  int64_t count_rows(Session &session) const;

 private:
  std::string where_clause() const;

  std::string table_;
  std::string joins_;
  SqlBuilder sql_;
  std::vector<std::string> conditions_;
};

}  // namespace prefectd
