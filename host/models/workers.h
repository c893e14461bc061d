// The worker table: heartbeats that upsert a worker as ONLINE, reading a
// pool's workers, and deleting one.
#pragma once

#include "filters/filtered_query.h"
#include "schemas/work_pool.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

// Upserts the pool's worker `name` as ONLINE, heard from now; the interval
// is kept unless a new one is sent. A NOT_READY pool becomes READY.
void record_worker_heartbeat(DatabaseInterface &database, Session &session, const WorkPool &pool,
                             const std::string &name, std::optional<int64_t> heartbeat_interval_seconds);

// The pool's workers matching the WorkerFilter `filter` (may be null),
// the most recently heard first.
std::vector<Worker> read_workers(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                                 const rapidjson::Value *filter, const Page &page);

// False when the pool has no worker of that name.
bool delete_worker(DatabaseInterface &database, Session &session, const Uuid &pool_id, const std::string &name);

}  // namespace prefectd
