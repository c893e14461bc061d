#include "run_history.h"

#include "database/database_interface.h"
#include "filters/related_filters.h"

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
  SqlBuilder sql(q);
  const std::string table = kind == RunKind::Flow ? "flow_run" : "task_run";
  const std::string now_param = sql.param(now);
  const std::string start_param = sql.param(start);
  const std::string intervals = q.timestamp_intervals(start_param, sql.param(end), sql.param(interval_seconds));
  // No run before the first interval or after the last can count; saying
  // so lets the database use the expected_start_time index.
  const std::string horizon =
      q.timestamp_add_seconds(start_param, sql.param(interval_seconds * static_cast<double>(kMaxIntervals)));
  const std::string condition =
      kind == RunKind::Flow ? flow_run_condition(sql, filters, table) : task_run_condition(sql, filters, table);
  const std::string runs = "SELECT " + table + ".expected_start_time, " + table + ".state_type, " + table +
                           ".state_name, " + estimated_run_time_seconds(q, table, now_param) +
                           " AS estimated_run_time, " + estimated_lateness_seconds(q, table, now_param) +
                           " AS estimated_lateness FROM " + table + " WHERE " + condition + " AND " + table +
                           ".expected_start_time >= " + start_param + " AND " + table + ".expected_start_time < " +
                           horizon;
  const std::string text =
      "SELECT intervals.interval_start, intervals.interval_end, runs.state_type, runs.state_name, "
      "count(runs.state_type), sum(" +
      q.greatest({"0", "runs.estimated_run_time"}) + "), sum(" + q.greatest({"0", "runs.estimated_lateness"}) +
      ") FROM (" + intervals + ") AS intervals LEFT JOIN (" + runs +
      ") AS runs ON runs.expected_start_time >= intervals.interval_start AND runs.expected_start_time < "
      "intervals.interval_end GROUP BY intervals.interval_start, intervals.interval_end, runs.state_type, "
      "runs.state_name ORDER BY intervals.interval_start, runs.state_type, runs.state_name";
  Statement rows = session.prepare(text);
  sql.bind(rows);

  std::vector<HistoryInterval> history;
  while (rows.step()) {
    const Timestamp interval_start = *rows.timestamp(0);
    if (history.empty() || history.back().interval_start != interval_start) {
      if (history.size() == kMaxIntervals) break;
      history.push_back({interval_start, *rows.timestamp(1), {}});
    }
    // An interval without runs joins one row of NULLs; a run without a
    // state has no type Prefect could report.
    auto state_type = rows.text(2);
    if (!state_type) continue;
    history.back().states.push_back({*state_type, rows.text(3).value_or(""), rows.int64(4).value_or(0),
                                     rows.real(5).value_or(0), rows.real(6).value_or(0)});
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
