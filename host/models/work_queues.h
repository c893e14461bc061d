// Finding the work queue a new flow run goes to, by pool and queue name.
#pragma once

#include "core/uuid.h"

#include <string>

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

}  // namespace prefectd
