#include "event_persister.h"

#include "models/events.h"
#include "settings/settings.h"

namespace prefectd {

std::unique_ptr<BatchedEventConsumer> make_event_persister(DatabaseInterface &database, EventBus &bus,
                                                           const Settings &settings) {
  BatchOptions options;
  options.batch_size = static_cast<size_t>(settings.integer("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE"));
  options.flush_interval = std::chrono::milliseconds(
      static_cast<int64_t>(settings.number("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL") * 1000));
  options.max_retries = static_cast<int>(settings.integer("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_MAX_FLUSH_RETRIES"));
  options.queue_capacity =
      static_cast<size_t>(settings.integer("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_QUEUE_MAX_SIZE"));
  return std::make_unique<BatchedEventConsumer>(
      "event persister", bus, options, [](const ReceivedEvent &) { return true; },
      [&database](const std::vector<const ReceivedEvent *> &events) { write_events(database, events); });
}

}  // namespace prefectd
