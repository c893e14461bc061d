// The columns orchestration keeps right on both run tables (the current
// state, counts and times), written back the same way for flow runs and
// task runs: only those a transition changed.
//
// SQLite rewrites every index over a column an UPDATE sets, even when its
// value stays the same, and each rewritten index page is one more page in
// the commit; Prefect's run tables index most of these columns. Leaving out
// the unchanged ones took a Pending -> Running UPDATE of flow_run from 16.4
// to 13.9 pages (docs/benchmarks.md).
#pragma once

#include "database/query_components.h"
#include "database/session.h"
#include "database/statement.h"
#include "schemas/run_timing.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace prefectd {

// The SET list of an UPDATE, each column with what binds its value.
class ColumnAssignments {
 public:
  using Binder = std::function<void(Statement &, int index)>;

  void add(std::string column, Binder binder) { columns_.push_back({std::move(column), std::move(binder)}); }
  // Adds `column` bound to `after` unless it equals `before`.
  template <class T>
  void add_if_changed(std::string column, const T &before, const T &after) {
    if (before == after) return;
    add(std::move(column), [value = after](Statement &statement, int index) { statement.bind(index, value); });
  }
  void add_json_if_changed(std::string column, const std::string &before, const std::string &after) {
    if (before == after) return;
    add(std::move(column), [value = after](Statement &statement, int index) { statement.bind_json(index, value); });
  }

  size_t size() const { return columns_.size(); }
  std::vector<std::string> names() const;
  // ", a = <p>, b = <p+1>" with placeholders numbered from `first`; empty
  // when there is nothing to set.
  std::string sql(const QueryComponents &queries, int first) const;
  void bind(Statement &statement, int first) const;

 private:
  struct Column {
    std::string name;
    Binder binder;
  };
  std::vector<Column> columns_;
};

// UPDATE <table> SET updated = now, <changes> WHERE id = <id>.
void update_run_row(const QueryComponents &queries, Session &session, const char *table, const Uuid &id,
                    const ColumnAssignments &changes);

// UPDATE <table> SET state_id = <state_id> WHERE id = <run_id>: a new run's
// first state, linked once both rows exist (each refers to the other).
// `updated` stays as inserted: one index fewer to rewrite in the writer's
// turn.
void link_run_state(const QueryComponents &queries, Session &session, const char *table, const Uuid &run_id,
                    const Uuid &state_id);

// The bookkeeping columns both run tables have, for an INSERT of a run with
// its first state's columns set, in the order bind_run_bookkeeping binds
// them.
inline constexpr const char *kRunBookkeepingColumns =
    "state_type, state_name, state_timestamp, run_count, expected_start_time, next_scheduled_start_time, "
    "start_time, end_time, total_run_time";
inline constexpr int kRunBookkeepingColumnCount = 9;

template <class Run>
void bind_run_bookkeeping(Statement &statement, int first, const Run &run) {
  statement.bind(first, state_type_text(run.state_type))
      .bind(first + 1, run.state_name)
      .bind(first + 2, run.state_timestamp)
      .bind(first + 3, run.run_count)
      .bind(first + 4, run.expected_start_time)
      .bind(first + 5, run.next_scheduled_start_time)
      .bind(first + 6, run.start_time)
      .bind(first + 7, run.end_time)
      .bind_interval(first + 8, run.total_run_time_micros);
}

// The bookkeeping columns that differ between two versions of a run.
template <class Run>
ColumnAssignments changed_run_bookkeeping(const Run &before, const Run &after) {
  ColumnAssignments changes;
  changes.add_if_changed("state_id", before.state_id, after.state_id);
  if (before.state_type != after.state_type) {
    changes.add("state_type", [type = after.state_type](Statement &statement, int index) {
      statement.bind(index, state_type_text(type));
    });
  }
  changes.add_if_changed("state_name", before.state_name, after.state_name);
  changes.add_if_changed("state_timestamp", before.state_timestamp, after.state_timestamp);
  changes.add_if_changed("run_count", before.run_count, after.run_count);
  changes.add_if_changed("expected_start_time", before.expected_start_time, after.expected_start_time);
  changes.add_if_changed("next_scheduled_start_time", before.next_scheduled_start_time,
                         after.next_scheduled_start_time);
  changes.add_if_changed("start_time", before.start_time, after.start_time);
  changes.add_if_changed("end_time", before.end_time, after.end_time);
  if (before.total_run_time_micros != after.total_run_time_micros) {
    changes.add("total_run_time", [micros = after.total_run_time_micros](Statement &statement, int index) {
      statement.bind_interval(index, micros);
    });
  }
  return changes;
}

}  // namespace prefectd
