// The event persister (services.md §1.5): stores every event (one `events`
// row, one `event_resources` row per resource), in batches of
// PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE (20) or every
// _FLUSH_INTERVAL seconds (5), from a queue of at most _QUEUE_MAX_SIZE
// events (50 000; more are dropped with a warning).
#pragma once

#include "batched_event_consumer.h"

#include <memory>

namespace prefectd {

class DatabaseInterface;
class Settings;

std::unique_ptr<BatchedEventConsumer> make_event_persister(DatabaseInterface &database, EventBus &bus,
                                                           const Settings &settings);

}  // namespace prefectd
