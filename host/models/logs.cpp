#include "logs.h"

#include "database/database_interface.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"

#include <algorithm>

namespace prefectd {
namespace {

constexpr int kColumnsPerLog = 8;
// Prefect's own bound (⌊32767 / 9⌋ rows), which keeps every statement under
// SQLite's and PostgreSQL's parameter limits.
constexpr size_t kLogsPerStatement = 32767 / 9;

}  // namespace

void insert_logs(DatabaseInterface &database, Session &session, const std::vector<Log> &logs) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  for (size_t first = 0; first < logs.size(); first += kLogsPerStatement) {
    const size_t count = std::min(kLogsPerStatement, logs.size() - first);
    std::string sql =
        "INSERT INTO log (id, created, updated, name, level, message, \"timestamp\", flow_run_id, task_run_id) VALUES ";
    int index = 1;
    for (size_t i = 0; i < count; ++i) {
      if (i > 0) sql += ", ";
      // created and updated share one parameter per row.
      sql += "(" + q.placeholder(index) + ", " + q.placeholder(index + 1) + ", " + q.placeholder(index + 1) + ", " +
             q.placeholder_list(index + 2, kColumnsPerLog - 2) + ")";
      index += kColumnsPerLog;
    }
    Statement insert = session.prepare(sql);
    index = 1;
    for (size_t i = 0; i < count; ++i) {
      const Log &log = logs[first + i];
      insert.bind(index, log.id)
          .bind(index + 1, now)
          .bind(index + 2, log.name)
          .bind(index + 3, log.level)
          .bind(index + 4, log.message)
          .bind(index + 5, log.timestamp)
          .bind(index + 6, log.flow_run_id)
          .bind(index + 7, log.task_run_id);
      index += kColumnsPerLog;
    }
    insert.execute();
  }
}

std::vector<Log> read_logs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                           std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_logs(database.queries(), filters);
  Statement rows = query.select(session,
                                "log.id, log.created, log.updated, log.name, log.level, log.message, "
                                "log.\"timestamp\", log.flow_run_id, log.task_run_id",
                                log_sort(sort, query.alias()), page);
  std::vector<Log> logs;
  while (rows.step()) {
    logs.push_back({*rows.uuid(0), *rows.timestamp(1), *rows.timestamp(2), rows.text(3).value_or(""),
                    rows.int64(4).value_or(0), rows.text(5).value_or(""), *rows.timestamp(6), rows.uuid(7),
                    rows.uuid(8)});
  }
  return logs;
}

}  // namespace prefectd
