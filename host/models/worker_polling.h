// A worker's poll for work: the scheduled flow runs its pool's queues may
// start now, through the dialect's scheduling query (database.md §5).
#pragma once

#include "schemas/flow_run.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace prefectd {

class DatabaseInterface;
class Session;

struct ScheduledFlowRun {
  Uuid work_pool_id;
  Uuid work_queue_id;
  FlowRun run;
};

struct ScheduledRunsRequest {
  std::vector<Uuid> work_pool_ids;
  std::optional<std::vector<Uuid>> work_queue_ids;  // nullopt: every queue of the pools
  std::optional<Timestamp> scheduled_before;
  std::optional<Timestamp> scheduled_after;
  int64_t limit = 200;
};

// SCHEDULED runs of unpaused queues in unpaused pools, within the pools'
// and queues' free concurrency slots, by queue priority then scheduled
// time. PostgreSQL locks them (SKIP LOCKED) until the transaction ends.
std::vector<ScheduledFlowRun> scheduled_flow_runs(DatabaseInterface &database, Session &session,
                                                  const ScheduledRunsRequest &request);

// Deployments whose work queue is one of `queue_ids` were polled now and
// are READY. `updated` is kept, so that the scheduler does not take them
// for changed deployments.
void mark_deployments_polled(DatabaseInterface &database, Session &session, const std::vector<Uuid> &queue_ids);

}  // namespace prefectd
