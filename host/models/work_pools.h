// The work_pool table: create (with its default queue), read, update with
// the status rules of services.md §3, delete, filter, count, and the runs
// holding the pool's slots.
#pragma once

#include "filters/filter_set.h"
#include "filters/filtered_query.h"
#include "schemas/work_pool.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct WorkPoolCreate {
  std::string name;
  std::optional<std::string> description;
  std::string type = kAgentPoolType;
  std::string base_job_template_json = "{}";
  bool is_paused = false;
  std::optional<int64_t> concurrency_limit;
  std::string storage_configuration_json;
};

// Only the members the client sent. Nullable columns take a sent null.
struct WorkPoolUpdate {
  bool description_sent = false;
  std::optional<std::string> description;
  std::optional<bool> is_paused;
  std::optional<std::string> base_job_template_json;
  bool concurrency_limit_sent = false;
  std::optional<int64_t> concurrency_limit;
  std::optional<std::string> storage_configuration_json;
};

// nullopt when a pool of that name exists (nothing is written).
std::optional<WorkPool> create_work_pool(DatabaseInterface &database, Session &session, const WorkPoolCreate &pool);
std::optional<WorkPool> read_work_pool(DatabaseInterface &database, Session &session, const Uuid &id);
std::optional<WorkPool> read_work_pool_by_name(DatabaseInterface &database, Session &session, const std::string &name);
// Throws Prefect's 404 `Work pool "p" not found.` when there is none.
WorkPool existing_work_pool(DatabaseInterface &database, Session &session, const std::string &name);
// The agent-era pool that queues named without a pool belong to.
inline constexpr const char *kDefaultAgentPoolName = "default-agent-pool";
// The pool's queue of that name, created when missing; the pool must exist
// (Prefect's 404 otherwise), except the default agent pool, which is
// created too.
WorkQueue ensure_work_queue(DatabaseInterface &database, Session &session, const std::string &pool_name,
                            const std::string &queue_name);
// Pausing pauses the pool; unpausing makes it READY when one of its
// workers is online and NOT_READY otherwise (agent pools keep no status).
void update_work_pool(DatabaseInterface &database, Session &session, const WorkPool &pool,
                      const WorkPoolUpdate &update);
// Writes `status` with a new status event id and transition time.
void set_work_pool_status(DatabaseInterface &database, Session &session, const Uuid &pool_id,
                          const std::string &status);
// Its queues and workers go with it; its runs keep running without a queue.
void delete_work_pool(DatabaseInterface &database, Session &session, const Uuid &id);

// Pools matching `filters.work_pools`, ordered by name.
std::vector<WorkPool> read_work_pools(DatabaseInterface &database, Session &session, const FilterSet &filters,
                                      const Page &page);
int64_t count_work_pools(DatabaseInterface &database, Session &session, const FilterSet &filters);

// PENDING and RUNNING flow runs in the pool's queues, paused ones included.
int64_t count_work_pool_active_slots(DatabaseInterface &database, Session &session, const Uuid &pool_id);

}  // namespace prefectd
