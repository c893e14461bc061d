// The task_run table: create (idempotent on flow run, task key and dynamic
// key), read with the current state, rename, orchestration's write-back and
// delete.
#pragma once

#include "schemas/task_run.h"

#include <optional>
#include <string>

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
void save_orchestrated_task_run(DatabaseInterface &database, Session &session, const TaskRun &run);
bool delete_task_run(DatabaseInterface &database, Session &session, const Uuid &id);

// The read every task-run query shares (alias "tr"); append " WHERE ...".
std::string task_run_select();
TaskRun task_run_from_row(const Statement &row);

}  // namespace prefectd
