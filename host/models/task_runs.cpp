#include "task_runs.h"

#include "database/database_interface.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"
#include "run_bookkeeping.h"
#include "run_states.h"

namespace prefectd {
namespace {

constexpr const char *kRunColumns =
    "task_run.id, task_run.created, task_run.updated, task_run.name, task_run.flow_run_id, task_run.task_key, "
    "task_run.dynamic_key, task_run.cache_key, "
    "task_run.cache_expiration, task_run.task_version, task_run.empirical_policy, task_run.tags, task_run.labels, "
    "task_run.state_id, task_run.task_inputs, "
    "task_run.state_type, task_run.state_name, task_run.state_timestamp, task_run.run_count, "
    "task_run.flow_run_run_count, "
    "task_run.expected_start_time, task_run.next_scheduled_start_time, task_run.start_time, task_run.end_time, "
    "task_run.total_run_time";
constexpr int kRunColumnCount = 25;

}  // namespace

std::string task_run_columns() {
  return std::string(kRunColumns) + ", " + state_columns("st", "sa");
}

std::string task_run_joins() {
  return state_join(RunKind::Task, "st", "sa", "task_run.state_id");
}

std::string task_run_select() {
  return "SELECT " + task_run_columns() + " FROM task_run" + task_run_joins();
}

TaskRun task_run_from_row(const Statement &row) {
  TaskRun run;
  run.id = *row.uuid(0);
  run.created = *row.timestamp(1);
  run.updated = *row.timestamp(2);
  run.name = row.text(3).value_or("");
  run.flow_run_id = row.uuid(4);
  run.task_key = row.text(5).value_or("");
  run.dynamic_key = row.text(6).value_or("");
  run.cache_key = row.text(7);
  run.cache_expiration = row.timestamp(8);
  run.task_version = row.text(9);
  run.empirical_policy_json = row.json(10).value_or("{}");
  run.tags_json = row.json(11).value_or("[]");
  run.labels_json = row.json(12);
  run.state_id = row.uuid(13);
  run.task_inputs_json = row.json(14).value_or("{}");
  if (auto type = row.text(15)) run.state_type = parse_state_type(*type);
  run.state_name = row.text(16);
  run.state_timestamp = row.timestamp(17);
  run.run_count = row.int64(18).value_or(0);
  run.flow_run_run_count = row.int64(19).value_or(0);
  run.expected_start_time = row.timestamp(20);
  run.next_scheduled_start_time = row.timestamp(21);
  run.start_time = row.timestamp(22);
  run.end_time = row.timestamp(23);
  run.total_run_time_micros = row.interval_micros(24).value_or(0);
  run.state = state_from_columns(row, kRunColumnCount);
  return run;
}

std::optional<Uuid> task_run_with_natural_key(DatabaseInterface &database, Session &session, const TaskRun &run) {
  const QueryComponents &q = database.queries();
  const std::string flow_run_condition =
      run.flow_run_id ? "flow_run_id = " + q.placeholder(3) : std::string("flow_run_id IS NULL");
  Statement find =
      session.prepare("SELECT id FROM task_run WHERE task_key = " + q.placeholder(1) +
                      " AND dynamic_key = " + q.placeholder(2) + " AND " + flow_run_condition + " LIMIT 1");
  find.bind(1, run.task_key).bind(2, run.dynamic_key);
  if (run.flow_run_id) find.bind(3, *run.flow_run_id);
  if (!find.step()) return std::nullopt;
  return find.uuid(0);
}

bool insert_task_run(DatabaseInterface &database, Session &session, const TaskRun &run) {
  const QueryComponents &q = database.queries();
  constexpr int kOwnColumns = 15;
  // Without a flow run the unique index cannot see duplicates (NULLs are
  // distinct): the caller looks the natural key up first, as Prefect does.
  Statement insert = session.prepare(
      "INSERT INTO task_run (id, created, updated, name, flow_run_id, task_key, dynamic_key, cache_key, "
      "cache_expiration, task_version, empirical_policy, tags, labels, task_inputs, flow_run_run_count, " +
      std::string(kRunBookkeepingColumns) + ") VALUES (" +
      q.placeholder_list(1, kOwnColumns + kRunBookkeepingColumnCount) + ")" +
      (run.flow_run_id ? q.upsert_clause(database.upsert_columns("task_run"), {}) : std::string()));
  insert.bind(1, run.id)
      .bind(2, run.created)
      .bind(3, run.updated)
      .bind(4, run.name)
      .bind(5, run.flow_run_id)
      .bind(6, run.task_key)
      .bind(7, run.dynamic_key)
      .bind(8, run.cache_key)
      .bind(9, run.cache_expiration)
      .bind(10, run.task_version)
      .bind_json(11, run.empirical_policy_json)
      .bind_json(12, run.tags_json)
      .bind_json(13, run.labels_json)
      .bind_json(14, run.task_inputs_json)
      .bind(15, run.flow_run_run_count);
  bind_run_bookkeeping(insert, kOwnColumns + 1, run);
  return insert.execute() > 0;
}

void link_task_run_state(DatabaseInterface &database, Session &session, const Uuid &run_id, const Uuid &state_id) {
  link_run_state(database.queries(), session, "task_run", run_id, state_id);
}

std::optional<TaskRun> read_task_run(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(task_run_select() + " WHERE task_run.id = " + database.queries().placeholder(1));
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return task_run_from_row(read);
}

bool rename_task_run(DatabaseInterface &database, Session &session, const Uuid &id, const std::string &name) {
  const QueryComponents &q = database.queries();
  return session
             .prepare("UPDATE task_run SET name = " + q.placeholder(1) + ", updated = " + q.placeholder(2) +
                      " WHERE id = " + q.placeholder(3))
             .bind(1, name)
             .bind(2, Timestamp::now())
             .bind(3, id)
             .execute() > 0;
}

void save_orchestrated_task_run(DatabaseInterface &database, Session &session, const TaskRun &before,
                                const TaskRun &after) {
  ColumnAssignments changes = changed_run_bookkeeping(before, after);
  changes.add_if_changed("flow_run_run_count", before.flow_run_run_count, after.flow_run_run_count);
  changes.add_json_if_changed("empirical_policy", before.empirical_policy_json, after.empirical_policy_json);
  update_run_row(database.queries(), session, "task_run", after.id, changes);
}

std::vector<TaskRun> read_task_runs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                    std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_task_runs(database.queries(), filters);
  query.join(task_run_joins());
  Statement rows = query.select(session, task_run_columns(), task_run_sort(sort, query.alias()), page);
  std::vector<TaskRun> runs;
  while (rows.step()) runs.push_back(task_run_from_row(rows));
  return runs;
}

int64_t count_task_runs(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_task_runs(database.queries(), filters).count_rows(session);
}

bool delete_task_run(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM task_run WHERE id = " + database.queries().placeholder(1)).bind(1, id).execute() >
         0;
}

}  // namespace prefectd
