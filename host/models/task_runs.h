// The task_run table: create (idempotent on flow run, task key and dynamic
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

struct CreatedTaskRun {
  Uuid id;
  bool inserted;  // false: a run with the same natural key exists; its id
};

// Inserts `run` unless one with its natural key exists. The caller reads the
// run back once it has its initial state (one read, not two).
CreatedTaskRun create_task_run(DatabaseInterface &database, Session &session, const TaskRun &run);
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
