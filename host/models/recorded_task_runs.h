// Task runs and states as 3.x clients report them in events (services.md
// §1.4): no orchestration, the client's own fields written as they come,
// the run moved only forward in state time, every state kept.
#pragma once

#include "events/event.h"

#include <vector>

namespace prefectd {

class DatabaseInterface;

// Whether an event is the task run recorder's: `prefect.task-run.*` from a
// client that orchestrates its own task runs.
bool is_client_task_run_event(const ReceivedEvent &event);

// Upserts the task runs and inserts the states of `events` in one write
// transaction. Events of one task run (by id or natural key) are coalesced
// into one upsert, the newest state winning; every event's state is
// inserted. A constraint violation is retried once at once (another writer
// may have just created the row); throws when the write fails, and
// std::invalid_argument when an event is not a task run event at all.
void record_task_run_events(DatabaseInterface &database, const std::vector<const ReceivedEvent *> &events);

}  // namespace prefectd
