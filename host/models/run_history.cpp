#include "run_history.h"

#include "database/database_interface.h"
#include "filters/related_filters.h"

#include <algorithm>
#include <map>
#include <utility>

namespace prefectd {
namespace {

constexpr int kMaxIntervals = 500;  // Prefect's cap on history bars

// Prefect's estimated_run_time in seconds for the run named `run`: the
// accumulated run time, plus the time since entering RUNNING for a run
// still there.
std::string estimated_run_time_seconds(const QueryComponents &q, const std::string &run, const std::string &now) {
  return "(" + q.interval_seconds(run + ".total_run_time") + " + CASE WHEN " + run + ".state_type = 'RUNNING' THEN " +
         q.timestamp_diff_seconds(now, run + ".state_timestamp") + " ELSE 0 END)";
}

// Prefect's estimated_start_time_delta in seconds: how late the run started,
// or, not started, not final and due already, how late it is now.
std::string estimated_lateness_seconds(const QueryComponents &q, const std::string &run, const std::string &now) {
  return "(CASE WHEN " + run + ".start_time > " + run + ".expected_start_time THEN " +
         q.timestamp_diff_seconds(run + ".start_time", run + ".expected_start_time") + " WHEN " + run +
         ".start_time IS NULL AND " + run + ".state_type NOT IN ('COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED') AND " +
         run + ".expected_start_time < " + now + " THEN " +
         q.timestamp_diff_seconds(now, run + ".expected_start_time") + " ELSE 0 END)";
}

}  // namespace

std::vector<HistoryInterval> run_history(DatabaseInterface &database, Session &session, RunKind kind,
                                         const FilterSet &filters, Timestamp start, Timestamp end,
                                         double interval_seconds, Timestamp now) {
  const QueryComponents &q = database.queries();
  std::vector<HistoryInterval> history;
  {
    SqlBuilder sql(q);
    const std::string intervals = q.timestamp_intervals(sql.param(start), sql.param(end), sql.param(interval_seconds));
    Statement rows =
        session.prepare("SELECT interval_start, interval_end FROM (" + intervals + ") AS intervals ORDER BY 1");
    sql.bind(rows);
    while (rows.step() && history.size() < kMaxIntervals)
      history.push_back({*rows.timestamp(0), *rows.timestamp(1), {}});
  }
  if (history.empty()) return history;

  // Prefect joins the intervals to the runs in SQL, which SQLite answers by
  // scanning every run once per interval. Here the runs in range are read
  // once and each goes to its interval by exact microsecond arithmetic.
  SqlBuilder sql(q);
  const std::string table = kind == RunKind::Flow ? "flow_run" : "task_run";
  const std::string now_param = sql.param(now);
  const std::string condition =
      kind == RunKind::Flow ? flow_run_condition(sql, filters, table) : task_run_condition(sql, filters, table);
  Statement rows =
      session.prepare("SELECT " + table + ".expected_start_time, " + table + ".state_type, " + table + ".state_name, " +
                      estimated_run_time_seconds(q, table, now_param) + ", " +
                      estimated_lateness_seconds(q, table, now_param) + " FROM " + table + " WHERE " + condition +
                      " AND " + table + ".expected_start_time >= " + sql.param(history.front().interval_start) +
                      " AND " + table + ".expected_start_time < " + sql.param(history.back().interval_end));
  sql.bind(rows);

  const int64_t first = history.front().interval_start.micros();
  const int64_t step = history.front().interval_end.micros() - first;
  std::vector<std::map<std::pair<std::string, std::string>, HistoryStateCount>> counts(history.size());
  while (rows.step()) {
    // A run without a state has no type Prefect could report.
    auto state_type = rows.text(1);
    if (!state_type) continue;
    const size_t index = static_cast<size_t>((rows.timestamp(0)->micros() - first) / step);
    if (index >= counts.size()) continue;
    std::string state_name = rows.text(2).value_or("");
    HistoryStateCount &count = counts[index][{*state_type, state_name}];
    count.state_type = *state_type;
    count.state_name = std::move(state_name);
    ++count.count_runs;
    count.sum_estimated_run_time += std::max(0.0, rows.real(3).value_or(0));
    count.sum_estimated_lateness += std::max(0.0, rows.real(4).value_or(0));
  }
  for (size_t i = 0; i < history.size(); ++i) {
    for (auto &[key, count] : counts[i]) history[i].states.push_back(std::move(count));
  }
  return history;
}

std::optional<double> average_flow_run_lateness(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                                Timestamp now) {
  const QueryComponents &q = database.queries();
  SqlBuilder sql(q);
  const std::string now_param = sql.param(now);
  const std::string condition = flow_run_condition(sql, filters, "flow_run");
  Statement row = session.prepare("SELECT avg(" + estimated_lateness_seconds(q, "flow_run", now_param) +
                                  ") FROM flow_run WHERE " + condition);
  sql.bind(row);
  if (!row.step()) return std::nullopt;
  return row.real(0);
}

}  // namespace prefectd
