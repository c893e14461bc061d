// Stored events (Prefect's `events` and `event_resources` tables,
// services.md §1.5).
#pragma once

#include "events/event.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Stores the events not stored yet (by id), each with one event_resources
// row for its resource and one per related resource, in one write
// transaction.
void write_events(DatabaseInterface &database, const std::vector<const ReceivedEvent *> &events);

struct StoredEventPage {
  std::vector<ReceivedEvent> events;
  int64_t total = 0;  // every stored event the filter matches
};

// One page of the stored events a completed EventFilter matches, ordered by
// occurred as the filter says (complete_event_filter).
StoredEventPage read_events(DatabaseInterface &database, Session &session, const rapidjson::Value &filter,
                            int64_t limit, int64_t offset);

}  // namespace prefectd
