#include "task_run_recorder.h"

#include "models/recorded_task_runs.h"
#include "settings/settings.h"

namespace prefectd {

std::unique_ptr<BatchedEventConsumer> make_task_run_recorder(DatabaseInterface &database, EventBus &bus,
                                                             const Settings &settings) {
  BatchOptions options;
  options.batch_size = static_cast<size_t>(settings.integer("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"));
  options.flush_interval = std::chrono::milliseconds(
      static_cast<int64_t>(settings.number("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL") * 1000));
  return std::make_unique<BatchedEventConsumer>(
      "task run recorder", bus, options, is_client_task_run_event,
      [&database](const std::vector<const ReceivedEvent *> &events) { record_task_run_events(database, events); });
}

}  // namespace prefectd
