#include "flow_runs.h"

#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"
#include "run_bookkeeping.h"
#include "run_states.h"

namespace prefectd {
namespace {

// Columns of flow_run_select(), in order.
constexpr const char *kRunColumns =
    "flow_run.id, flow_run.created, flow_run.updated, flow_run.name, flow_run.flow_id, flow_run.state_id, "
    "flow_run.deployment_id, flow_run.deployment_version, "
    "flow_run.work_queue_id, flow_run.work_queue_name, flow_run.flow_version, flow_run.parameters, "
    "flow_run.idempotency_key, flow_run.context, "
    "flow_run.empirical_policy, flow_run.tags, flow_run.labels, flow_run.parent_task_run_id, flow_run.state_type, "
    "flow_run.state_name, "
    "flow_run.state_timestamp, flow_run.run_count, flow_run.expected_start_time, flow_run.next_scheduled_start_time, "
    "flow_run.start_time, "
    "flow_run.end_time, flow_run.total_run_time, flow_run.auto_scheduled, flow_run.infrastructure_document_id, "
    "flow_run.infrastructure_pid, "
    "flow_run.created_by, flow_run.job_variables, wq.work_pool_id, wp.name";
constexpr int kRunColumnCount = 34;

}  // namespace

std::string flow_run_columns() {
  return std::string(kRunColumns) + ", " + state_columns("st", "sa");
}

std::string flow_run_joins() {
  return " LEFT JOIN work_queue wq ON wq.id = flow_run.work_queue_id"
         " LEFT JOIN work_pool wp ON wp.id = wq.work_pool_id" +
         state_join(RunKind::Flow, "st", "sa", "flow_run.state_id");
}

std::string flow_run_select() {
  return "SELECT " + flow_run_columns() + " FROM flow_run" + flow_run_joins();
}

FlowRun flow_run_from_row(const Statement &row) {
  FlowRun run;
  run.id = *row.uuid(0);
  run.created = *row.timestamp(1);
  run.updated = *row.timestamp(2);
  run.name = row.text(3).value_or("");
  run.flow_id = *row.uuid(4);
  run.state_id = row.uuid(5);
  run.deployment_id = row.uuid(6);
  run.deployment_version = row.text(7);
  run.work_queue_id = row.uuid(8);
  run.work_queue_name = row.text(9);
  run.flow_version = row.text(10);
  run.parameters_json = row.json(11).value_or("{}");
  run.idempotency_key = row.text(12);
  run.context_json = row.json(13).value_or("{}");
  run.empirical_policy_json = row.json(14).value_or("{}");
  run.tags_json = row.json(15).value_or("[]");
  run.labels_json = row.json(16);
  run.parent_task_run_id = row.uuid(17);
  if (auto type = row.text(18)) run.state_type = parse_state_type(*type);
  run.state_name = row.text(19);
  run.state_timestamp = row.timestamp(20);
  run.run_count = row.int64(21).value_or(0);
  run.expected_start_time = row.timestamp(22);
  run.next_scheduled_start_time = row.timestamp(23);
  run.start_time = row.timestamp(24);
  run.end_time = row.timestamp(25);
  run.total_run_time_micros = row.interval_micros(26).value_or(0);
  run.auto_scheduled = row.boolean(27).value_or(false);
  run.infrastructure_document_id = row.uuid(28);
  run.infrastructure_pid = row.text(29);
  run.created_by_json = row.json(30);
  run.job_variables_json = row.json(31);
  run.work_pool_id = row.uuid(32);
  run.work_pool_name = row.text(33);
  run.state = state_from_columns(row, kRunColumnCount);
  return run;
}

bool insert_flow_run(DatabaseInterface &database, Session &session, const FlowRun &run) {
  const QueryComponents &q = database.queries();
  constexpr int kOwnColumns = 22;
  Statement insert = session.prepare(
      "INSERT INTO flow_run (id, created, updated, name, flow_id, deployment_id, deployment_version, work_queue_id, "
      "work_queue_name, flow_version, parameters, idempotency_key, context, empirical_policy, tags, labels, "
      "parent_task_run_id, auto_scheduled, infrastructure_document_id, infrastructure_pid, created_by, "
      "job_variables, " +
      std::string(kRunBookkeepingColumns) + ") VALUES (" +
      q.placeholder_list(1, kOwnColumns + kRunBookkeepingColumnCount) + ")" +
      q.upsert_clause(database.upsert_columns("flow_run"), {}));
  insert.bind(1, run.id)
      .bind(2, run.created)
      .bind(3, run.updated)
      .bind(4, run.name)
      .bind(5, run.flow_id)
      .bind(6, run.deployment_id)
      .bind(7, run.deployment_version)
      .bind(8, run.work_queue_id)
      .bind(9, run.work_queue_name)
      .bind(10, run.flow_version)
      .bind_json(11, run.parameters_json)
      .bind(12, run.idempotency_key)
      .bind_json(13, run.context_json)
      .bind_json(14, run.empirical_policy_json)
      .bind_json(15, run.tags_json)
      .bind_json(16, run.labels_json)
      .bind(17, run.parent_task_run_id)
      .bind(18, run.auto_scheduled)
      .bind(19, run.infrastructure_document_id)
      .bind(20, run.infrastructure_pid)
      .bind_json(21, run.created_by_json)
      .bind_json(22, run.job_variables_json);
  bind_run_bookkeeping(insert, kOwnColumns + 1, run);
  return insert.execute() > 0;
}

void link_flow_run_state(DatabaseInterface &database, Session &session, const Uuid &run_id, const Uuid &state_id) {
  link_run_state(database.queries(), session, "flow_run", run_id, state_id);
}

std::optional<Uuid> flow_run_with_idempotency_key(DatabaseInterface &database, Session &session, const Uuid &flow_id,
                                                  const std::string &idempotency_key) {
  const QueryComponents &q = database.queries();
  Statement find = session.prepare("SELECT id FROM flow_run WHERE flow_id = " + q.placeholder(1) +
                                   " AND idempotency_key = " + q.placeholder(2));
  find.bind(1, flow_id).bind(2, idempotency_key);
  if (!find.step()) return std::nullopt;
  return find.uuid(0);
}

std::optional<FlowRun> read_flow_run(DatabaseInterface &database, Session &session, const Uuid &id, bool for_update) {
  const QueryComponents &q = database.queries();
  const std::string lock_clause = for_update ? q.for_update(false) : std::string();
  // A dialect without row locks (SQLite, whose write transaction already
  // excludes other writers) needs no separate locking read.
  if (!lock_clause.empty()) {
    // Locked alone: PostgreSQL refuses FOR UPDATE on the outer-joined read.
    Statement lock = session.prepare("SELECT id FROM flow_run WHERE id = " + q.placeholder(1) + lock_clause);
    lock.bind(1, id);
    if (!lock.step()) return std::nullopt;
  }
  Statement read = session.prepare(flow_run_select() + " WHERE flow_run.id = " + q.placeholder(1));
  read.bind(1, id);
  if (!read.step()) return std::nullopt;
  return flow_run_from_row(read);
}

bool update_flow_run_columns(DatabaseInterface &database, Session &session, const Uuid &id,
                             const std::vector<ColumnUpdate> &updates) {
  const QueryComponents &q = database.queries();
  std::string sql = "UPDATE flow_run SET updated = " + q.placeholder(1);
  int index = 2;
  for (const ColumnUpdate &update : updates) sql += ", " + update.column + " = " + q.placeholder(index++);
  sql += " WHERE id = " + q.placeholder(index);
  Statement statement = session.prepare(sql);
  statement.bind(1, Timestamp::now());
  index = 2;
  for (const ColumnUpdate &update : updates) {
    if (!update.value) {
      statement.bind_null(index++);
      continue;
    }
    switch (update.kind) {
      case ColumnUpdate::Kind::Text:
        statement.bind(index++, *update.value);
        break;
      case ColumnUpdate::Kind::Json:
        statement.bind_json(index++, *update.value);
        break;
      case ColumnUpdate::Kind::Uuid:
        statement.bind(index++, Uuid::parse(*update.value));
        break;
    }
  }
  statement.bind(index, id);
  return statement.execute() > 0;
}

void save_orchestrated_flow_run(DatabaseInterface &database, Session &session, const FlowRun &before,
                                const FlowRun &after) {
  ColumnAssignments changes = changed_run_bookkeeping(before, after);
  changes.add_json_if_changed("empirical_policy", before.empirical_policy_json, after.empirical_policy_json);
  update_run_row(database.queries(), session, "flow_run", after.id, changes);
}

std::vector<FlowRun> read_flow_runs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                    std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_flow_runs(database.queries(), filters);
  query.join(flow_run_joins());
  Statement rows = query.select(session, flow_run_columns(), flow_run_sort(sort, query.alias()), page);
  std::vector<FlowRun> runs;
  while (rows.step()) runs.push_back(flow_run_from_row(rows));
  return runs;
}

int64_t count_flow_runs(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_flow_runs(database.queries(), filters).count_rows(session);
}

std::vector<Uuid> delete_flow_runs(DatabaseInterface &database, Session &session, const std::vector<Uuid> &ids) {
  if (ids.empty()) return {};
  SqlBuilder existing(database.queries());
  Statement read = session.prepare("SELECT id FROM flow_run WHERE " + in_list(existing, "id", ids));
  existing.bind(read);
  std::vector<Uuid> found;
  while (read.step()) found.push_back(*read.uuid(0));
  if (found.empty()) return {};
  SqlBuilder doomed(database.queries());
  Statement remove = session.prepare("DELETE FROM flow_run WHERE " + in_list(doomed, "id", found));
  doomed.bind(remove);
  remove.execute();
  return found;
}

bool delete_flow_run(DatabaseInterface &database, Session &session, const Uuid &id) {
  return session.prepare("DELETE FROM flow_run WHERE id = " + database.queries().placeholder(1)).bind(1, id).execute() >
         0;
}

}  // namespace prefectd
