// The task run recorder (services.md §1.4): keeps the prefect.task-run.*
// events of clients that orchestrate their own task runs and writes their
// task runs and states. Batches of
// PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE (1: at once), the
// rest every _FLUSH_INTERVAL seconds.
#pragma once

#include "batched_event_consumer.h"

#include <memory>

namespace prefectd {

class DatabaseInterface;
class Settings;

std::unique_ptr<BatchedEventConsumer> make_task_run_recorder(DatabaseInterface &database, EventBus &bus,
                                                             const Settings &settings);

}  // namespace prefectd
