// Work pools, their queues and their workers (objects.md §7), as rows and
// as WorkPoolResponse, WorkQueueResponse and WorkerResponse.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

namespace prefectd {

// The pool type of the agent era: its pools have no status of their own.
inline constexpr const char *kAgentPoolType = "prefect-agent";

struct WorkPool {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::optional<std::string> description;
  std::string type = kAgentPoolType;
  std::string base_job_template_json = "{}";
  bool is_paused = false;
  std::optional<int64_t> concurrency_limit;
  std::optional<Uuid> default_queue_id;
  std::string status = "NOT_READY";
  std::optional<Timestamp> last_transitioned_status_at;
  std::optional<Uuid> last_status_event_id;
  std::string storage_configuration_json = "{}";
};

struct WorkQueue {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  std::optional<std::string> filter_json;
  std::string description;
  bool is_paused = false;
  std::optional<int64_t> concurrency_limit;
  std::optional<Timestamp> last_polled;
  int64_t priority = 1;
  Uuid work_pool_id;
  std::string work_pool_name;  // joined from the pool
  std::string status = "NOT_READY";
};

struct Worker {
  Uuid id;
  Timestamp created;
  Timestamp updated;
  std::string name;
  Uuid work_pool_id;
  Timestamp last_heartbeat_time;
  std::optional<int64_t> heartbeat_interval_seconds;
  std::string status = "OFFLINE";
};

// WorkPoolStorageConfiguration as Prefect stores it: every key, null when
// not sent (`sent` may be null).
std::string storage_configuration_json(const rapidjson::Value *sent);

// `active_slots` is answered only for a pool or queue with a concurrency
// limit (null otherwise), as Prefect counts them only then.
void write_work_pool(const WorkPool &pool, std::optional<int64_t> active_slots, rapidjson::Value &out,
                     rapidjson::Document::AllocatorType &allocator);
void write_work_queue(const WorkQueue &queue, std::optional<int64_t> active_slots, rapidjson::Value &out,
                      rapidjson::Document::AllocatorType &allocator);
void write_worker(const Worker &worker, rapidjson::Value &out, rapidjson::Document::AllocatorType &allocator);

}  // namespace prefectd
