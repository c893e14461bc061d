#include "deployments.h"

#include "database/database_interface.h"
#include "filters/column_conditions.h"
#include "filters/related_filters.h"
#include "filters/sorts.h"
#include "flow_runs.h"

#include <algorithm>
#include <map>

namespace prefectd {
namespace {

constexpr const char *kDeploymentColumnList =
    "deployment.id, deployment.created, deployment.updated, deployment.name, deployment.version, "
    "deployment.description, deployment.flow_id, deployment.paused, deployment.concurrency_options, "
    "deployment.infra_overrides, deployment.parameters, deployment.tags, deployment.labels, "
    "COALESCE(wq.name, deployment.work_queue_name), deployment.work_queue_id, deployment.last_polled, "
    "deployment.parameter_openapi_schema, deployment.path, deployment.pull_steps, deployment.entrypoint, "
    "deployment.storage_document_id, deployment.infrastructure_document_id, deployment.created_by, "
    "deployment.updated_by, wp.name, deployment.status, deployment.enforce_parameter_schema";
constexpr const char *kDeploymentJoins =
    " LEFT JOIN work_queue wq ON wq.id = deployment.work_queue_id LEFT JOIN work_pool wp ON wp.id = wq.work_pool_id";
constexpr const char *kScheduleColumnList =
    "id, created, updated, deployment_id, schedule, active, max_scheduled_runs, parameters, slug";

Deployment deployment_row(const Statement &row) {
  Deployment deployment;
  deployment.id = *row.uuid(0);
  deployment.created = *row.timestamp(1);
  deployment.updated = *row.timestamp(2);
  deployment.name = *row.text(3);
  deployment.version = row.text(4);
  deployment.description = row.text(5);
  deployment.flow_id = *row.uuid(6);
  deployment.paused = row.boolean(7).value_or(false);
  deployment.concurrency_options_json = row.json(8);
  deployment.job_variables_json = row.json(9).value_or("{}");
  deployment.parameters_json = row.json(10).value_or("{}");
  deployment.tags_json = row.json(11).value_or("[]");
  deployment.labels_json = row.json(12);
  deployment.work_queue_name = row.text(13);
  deployment.work_queue_id = row.uuid(14);
  deployment.last_polled = row.timestamp(15);
  deployment.parameter_openapi_schema_json = row.json(16);
  deployment.path = row.text(17);
  deployment.pull_steps_json = row.json(18);
  deployment.entrypoint = row.text(19);
  deployment.storage_document_id = row.uuid(20);
  deployment.infrastructure_document_id = row.uuid(21);
  deployment.created_by_json = row.json(22);
  deployment.updated_by_json = row.json(23);
  deployment.work_pool_name = row.text(24);
  deployment.status = *row.text(25);
  deployment.enforce_parameter_schema = row.boolean(26).value_or(false);
  return deployment;
}

DeploymentSchedule schedule_row(const Statement &row) {
  DeploymentSchedule schedule;
  schedule.id = *row.uuid(0);
  schedule.created = *row.timestamp(1);
  schedule.updated = *row.timestamp(2);
  schedule.deployment_id = *row.uuid(3);
  schedule.schedule_json = *row.json(4);
  schedule.active = row.boolean(5).value_or(true);
  schedule.max_scheduled_runs = row.int64(6);
  schedule.parameters_json = row.json(7).value_or("{}");
  schedule.slug = row.text(8);
  return schedule;
}

// Fills each deployment's schedules, newest updated first, in one query.
void attach_schedules(DatabaseInterface &database, Session &session, std::vector<Deployment> &deployments) {
  if (deployments.empty()) return;
  std::vector<Uuid> ids;
  for (const Deployment &deployment : deployments) ids.push_back(deployment.id);
  SqlBuilder sql(database.queries());
  const std::string in_ids = in_list(sql, "deployment_id", ids);
  Statement read = session.prepare(std::string("SELECT ") + kScheduleColumnList + " FROM deployment_schedule WHERE " +
                                   in_ids + " ORDER BY updated DESC, id");
  sql.bind(read);
  std::map<std::string, std::vector<DeploymentSchedule>> by_deployment;
  while (read.step()) {
    DeploymentSchedule schedule = schedule_row(read);
    by_deployment[schedule.deployment_id.to_string()].push_back(std::move(schedule));
  }
  for (Deployment &deployment : deployments) deployment.schedules = std::move(by_deployment[deployment.id.to_string()]);
}

std::optional<Deployment> read_one(DatabaseInterface &database, Session &session, Statement &read) {
  if (!read.step()) return std::nullopt;
  std::vector<Deployment> found{deployment_row(read)};
  read.reset();
  attach_schedules(database, session, found);
  return std::move(found.front());
}

}  // namespace

UpsertedDeployment upsert_deployment(DatabaseInterface &database, Session &session, const Uuid &flow_id,
                                     const std::string &name, ColumnValues &values,
                                     const std::vector<std::string> &insert_only,
                                     const std::vector<DeploymentScheduleCreate> &schedules) {
  const QueryComponents &q = database.queries();
  const Timestamp now = Timestamp::now();
  const Uuid new_id = Uuid::v4();
  values.set("updated", now);
  // Overwritten on conflict: what the client sent, never the key, the
  // creation time or its author.
  std::vector<std::string> overwritten;
  for (const std::string &column : values.columns()) {
    if (std::find(insert_only.begin(), insert_only.end(), column) == insert_only.end()) overwritten.push_back(column);
  }
  values.set("id", new_id).set("created", now).set("flow_id", flow_id).set("name", name);
  Statement upsert = session.prepare("INSERT INTO deployment (" + values.column_list() + ") VALUES (" +
                                     values.value_list() + ")" + q.upsert_clause({"flow_id", "name"}, overwritten));
  values.bind(upsert);
  upsert.execute();

  Statement find = session.prepare("SELECT id FROM deployment WHERE flow_id = " + q.placeholder(1) +
                                   " AND name = " + q.placeholder(2));
  find.bind(1, flow_id).bind(2, name);
  find.step();
  const UpsertedDeployment result{*find.uuid(0), *find.uuid(0) == new_id};

  delete_scheduled_runs(database, session, result.id, true, true);
  replace_deployment_schedules(database, session, result.id, schedules);
  return result;
}

bool deployment_exists(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement find = session.prepare("SELECT 1 FROM deployment WHERE id = " + database.queries().placeholder(1));
  find.bind(1, id);
  return find.step();
}

std::optional<Deployment> read_deployment(DatabaseInterface &database, Session &session, const Uuid &id) {
  Statement read = session.prepare(std::string("SELECT ") + kDeploymentColumnList + " FROM deployment" +
                                   kDeploymentJoins + " WHERE deployment.id = " + database.queries().placeholder(1));
  read.bind(1, id);
  return read_one(database, session, read);
}

std::optional<Deployment> read_deployment_by_name(DatabaseInterface &database, Session &session,
                                                  const std::string &flow_name, const std::string &name) {
  const QueryComponents &q = database.queries();
  Statement read =
      session.prepare(std::string("SELECT ") + kDeploymentColumnList + " FROM deployment" + kDeploymentJoins +
                      " JOIN flow ON flow.id = deployment.flow_id WHERE flow.name = " + q.placeholder(1) +
                      " AND deployment.name = " + q.placeholder(2));
  read.bind(1, flow_name).bind(2, name);
  return read_one(database, session, read);
}

bool update_deployment_columns(Session &session, const Uuid &id, ColumnValues &values) {
  values.set("updated", Timestamp::now());
  const std::string key = values.sql().param(id);
  Statement write = session.prepare("UPDATE deployment SET " + values.assignments() + " WHERE id = " + key);
  values.bind(write);
  return write.execute() > 0;
}

bool delete_deployment(DatabaseInterface &database, Session &session, const Uuid &id) {
  delete_scheduled_runs(database, session, id, false, false);
  return session.prepare("DELETE FROM deployment WHERE id = " + database.queries().placeholder(1))
             .bind(1, id)
             .execute() > 0;
}

void delete_scheduled_runs(DatabaseInterface &database, Session &session, const Uuid &deployment_id,
                           bool auto_scheduled_only, bool future_only) {
  SqlBuilder sql(database.queries());
  std::string condition = "deployment_id = " + sql.param(deployment_id) +
                          " AND state_type = 'SCHEDULED' AND state_name != 'AwaitingConcurrencySlot'"
                          " AND run_count = 0";
  if (auto_scheduled_only) condition += " AND auto_scheduled = " + sql.param(true);
  if (future_only) condition += " AND next_scheduled_start_time > " + sql.param(Timestamp::now());
  Statement remove = session.prepare("DELETE FROM flow_run WHERE " + condition);
  sql.bind(remove);
  remove.execute();
}

std::vector<Deployment> read_deployments(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                         std::string_view sort, const Page &page) {
  FilteredQuery query = filtered_deployments(database.queries(), filters);
  query.join(kDeploymentJoins);
  Statement rows = query.select(session, kDeploymentColumnList, deployment_sort(sort, query.alias()), page);
  std::vector<Deployment> deployments;
  while (rows.step()) deployments.push_back(deployment_row(rows));
  attach_schedules(database, session, deployments);
  return deployments;
}

int64_t count_deployments(DatabaseInterface &database, Session &session, const FilterSet &filters) {
  return filtered_deployments(database.queries(), filters).count_rows(session);
}

std::vector<FlowRun> poll_deployments(DatabaseInterface &database, Session &session,
                                      const std::vector<Uuid> &deployment_ids,
                                      std::optional<Timestamp> scheduled_before, int64_t limit) {
  SqlBuilder sql(database.queries());
  std::string condition =
      in_list(sql, "flow_run.deployment_id", deployment_ids) + " AND flow_run.state_type = 'SCHEDULED'";
  if (scheduled_before) condition += " AND flow_run.next_scheduled_start_time <= " + sql.param(*scheduled_before);
  Statement read =
      session.prepare(flow_run_select() + " WHERE " + condition +
                      " ORDER BY flow_run.next_scheduled_start_time ASC, flow_run.id LIMIT " + sql.param(limit));
  sql.bind(read);
  std::vector<FlowRun> runs;
  while (read.step()) runs.push_back(flow_run_from_row(read));

  // Polled: ready, with `updated` kept so that the scheduler does not take
  // them for changed deployments.
  SqlBuilder mark(database.queries());
  const std::string polled_at = mark.param(Timestamp::now());
  Statement write = session.prepare("UPDATE deployment SET status = 'READY', last_polled = " + polled_at + " WHERE " +
                                    in_list(mark, "id", deployment_ids));
  mark.bind(write);
  write.execute();
  return runs;
}

std::vector<DeploymentSchedule> read_deployment_schedules(DatabaseInterface &database, Session &session,
                                                          const Uuid &deployment_id) {
  Statement read =
      session.prepare(std::string("SELECT ") + kScheduleColumnList +
                      " FROM deployment_schedule WHERE deployment_id = " + database.queries().placeholder(1) +
                      " ORDER BY updated DESC, id");
  read.bind(1, deployment_id);
  std::vector<DeploymentSchedule> schedules;
  while (read.step()) schedules.push_back(schedule_row(read));
  return schedules;
}

std::vector<DeploymentSchedule> create_deployment_schedules(DatabaseInterface &database, Session &session,
                                                            const Uuid &deployment_id,
                                                            const std::vector<DeploymentScheduleCreate> &schedules) {
  const QueryComponents &q = database.queries();
  Statement insert = session.prepare(
      "INSERT INTO deployment_schedule (id, created, updated, deployment_id, schedule, active, max_scheduled_runs, "
      "parameters, slug) VALUES (" +
      q.placeholder(1) + ", " + q.placeholder(2) + ", " + q.placeholder(2) + ", " + q.placeholder_list(3, 6) + ")");
  std::vector<DeploymentSchedule> created;
  const Timestamp now = Timestamp::now();
  for (const DeploymentScheduleCreate &schedule : schedules) {
    DeploymentSchedule row{Uuid::v4(),
                           now,
                           now,
                           deployment_id,
                           schedule.schedule_json,
                           schedule.active,
                           schedule.max_scheduled_runs,
                           schedule.parameters_json,
                           schedule.slug};
    insert.bind(1, row.id)
        .bind(2, now)
        .bind(3, deployment_id)
        .bind_json(4, row.schedule_json)
        .bind(5, row.active)
        .bind(6, row.max_scheduled_runs)
        .bind_json(7, row.parameters_json)
        .bind(8, row.slug);
    insert.execute();
    insert.reset();
    created.push_back(std::move(row));
  }
  return created;
}

std::vector<DeploymentSchedule> replace_deployment_schedules(DatabaseInterface &database, Session &session,
                                                             const Uuid &deployment_id,
                                                             const std::vector<DeploymentScheduleCreate> &schedules) {
  session.prepare("DELETE FROM deployment_schedule WHERE deployment_id = " + database.queries().placeholder(1))
      .bind(1, deployment_id)
      .execute();
  return create_deployment_schedules(database, session, deployment_id, schedules);
}

bool update_deployment_schedule(Session &session, const Uuid &deployment_id, const Uuid &schedule_id,
                                ColumnValues &values) {
  values.set("updated", Timestamp::now());
  const std::string schedule_key = values.sql().param(schedule_id);
  const std::string deployment_key = values.sql().param(deployment_id);
  Statement write = session.prepare("UPDATE deployment_schedule SET " + values.assignments() +
                                    " WHERE id = " + schedule_key + " AND deployment_id = " + deployment_key);
  values.bind(write);
  return write.execute() > 0;
}

bool delete_deployment_schedule(DatabaseInterface &database, Session &session, const Uuid &deployment_id,
                                const Uuid &schedule_id) {
  const QueryComponents &q = database.queries();
  return session
             .prepare("DELETE FROM deployment_schedule WHERE id = " + q.placeholder(1) +
                      " AND deployment_id = " + q.placeholder(2))
             .bind(1, schedule_id)
             .bind(2, deployment_id)
             .execute() > 0;
}

}  // namespace prefectd
