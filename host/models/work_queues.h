// The work_queue table under work pools: create with a free or requested
// priority, read, update with the status rules of services.md §3, delete,
// filter, the runs holding a queue's slots, and the lookups by name that
// route a new flow run to its queue.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/work_pool.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct WorkQueueRef {
  Uuid id;
  std::string name;
  Uuid work_pool_id;
  std::string work_pool_name;
};

// Throw Prefect's 404s: `Work pool queue 'p/q' not found.` and
// `Work pool "p" not found.`.
WorkQueueRef work_queue_by_name(DatabaseInterface &database, Session &session, const std::string &pool_name,
                                const std::string &queue_name);
WorkQueueRef default_work_queue(DatabaseInterface &database, Session &session, const std::string &pool_name);

struct WorkQueueCreate {
  std::string name;
  std::string description;
  bool is_paused = false;
  std::optional<int64_t> concurrency_limit;
  std::optional<int64_t> priority;  // nullopt: the first free one
  std::optional<std::string> filter_json;
};

// Only the members the client sent. Nullable columns take a sent null.
struct WorkQueueUpdate {
  std::optional<std::string> name;
  bool description_sent = false;
  std::optional<std::string> description;
  std::optional<bool> is_paused;
  bool concurrency_limit_sent = false;
  std::optional<int64_t> concurrency_limit;
  std::optional<int64_t> priority;
  bool last_polled_sent = false;
  std::optional<Timestamp> last_polled;
  bool filter_sent = false;
  std::optional<std::string> filter_json;
};

// nullopt when the pool has a queue of that name (nothing is written).
std::optional<WorkQueue> create_work_queue(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                           const WorkQueueCreate &queue);
std::optional<WorkQueue> read_work_queue(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<WorkQueue> read_work_queue_by_name(DatabaseInterface &database, Session &session,
                                                 const std::string &pool_name, const std::string &queue_name);
// Pausing pauses the queue; unpausing a paused one makes it READY when it
// was polled in the last minute and NOT_READY otherwise. A new priority
// moves the queues it meets down. A new name another queue of the pool
// holds raises the database's constraint error.
void update_work_queue(DatabaseInterface &database, Session &session, const WorkQueue &queue,
                       const WorkQueueUpdate &update);
// Deletes the queue (not the pool's default one: the caller checks) and
// closes the gap its priority leaves.
void delete_work_queue(DatabaseInterface &database, Session &session, const WorkQueue &queue);

// The pool's queues matching `filters.work_queues`, by priority.
std::vector<WorkQueue> read_work_queues(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                        const FilterSet &filters, const Page &page);

// PENDING and RUNNING flow runs in the queue.
int64_t count_work_queue_active_slots(DatabaseInterface &database, Session &session, const Uuid &queue_id);

// Records a worker's poll of `queue_ids`: each is polled now, and those
// that were NOT_READY become READY.
void record_work_queue_polls(DatabaseInterface &database, Session &session, const std::vector<Uuid> &queue_ids);

}  // namespace prefectd
