// The task_run table: insert (idempotent on flow run, task key and dynamic
// key), read with the current state, rename, orchestration's write-back and
// delete.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/task_run.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;
class Statement;

// Inserts `run` with every column it keeps, its orchestration bookkeeping
// included, but not state_id (see insert_flow_run). Returns false,
// inserting nothing, when its flow run has a task run with the same task
// and dynamic key.
bool insert_task_run(DatabaseInterface &database, Session &session, const TaskRun &run);
void link_task_run_state(DatabaseInterface &database, Session &session, const Uuid &run_id, const Uuid &state_id);
// The task run with `run`'s flow run, task key and dynamic key, if any.
std::optional<Uuid> task_run_with_natural_key(DatabaseInterface &database, Session &session, const TaskRun &run);
std::optional<TaskRun> read_task_run(DatabaseInterface &database, Session &session, const Uuid &id);
bool rename_task_run(DatabaseInterface &database, Session &session, const Uuid &id, const std::string &name);
// Writes back what orchestration changed from `before` to `after`.
void save_orchestrated_task_run(DatabaseInterface &database, Session &session, const TaskRun &before,
                                const TaskRun &after);
bool delete_task_run(DatabaseInterface &database, Session &session, const Uuid &id);

// The read every task-run query shares (TaskRun with its state), in
// pieces as for flow runs: the table is named "task_run", the joins use
// the aliases st and sa.
std::string task_run_columns();
std::string task_run_joins();
// The whole SELECT ... FROM ... joins, to append " WHERE ..." to.
std::string task_run_select();
TaskRun task_run_from_row(const Statement &row);

// Task runs matching `filters` (flows, flow_runs, task_runs, deployments,
// work_pools, work_queues), ordered by the TaskRunSort value `sort`.
std::vector<TaskRun> read_task_runs(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                    std::string_view sort, const Page &page);
int64_t count_task_runs(DatabaseInterface &database, Session &session, const FilterSet &filters);

}  // namespace prefectd
