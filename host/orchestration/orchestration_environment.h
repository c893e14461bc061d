// Everything orchestration needs from outside the run being orchestrated:
// the database (validation, caches, other runs, concurrency limits), the
// clock and randomness. The database adapter implements it inside the
// write transaction that orchestrates one proposal; tests implement it in
// memory. Rules never see SQL or HTTP, only these calls.
#pragma once

#include "core/timestamp.h"
#include "core/uuid.h"
#include "orchestration/orchestration_run.h"
#include "schemas/state.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace prefectd {

// An object orchestration needs does not exist (a task's flow run was
// deleted, ...): the route answers 404 {"exception_message": what()}.
class OrchestrationObjectNotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A concurrency_limit_v2 row, as the concurrency rules read it.
struct ConcurrencyLimitV2 {
  Uuid id;
  std::string name;
  bool active = true;
  int64_t limit = 0;
  int64_t active_slots = 0;
  double avg_slot_occupancy_seconds = 0;
};

// Who holds a lease: task runs hold tag leases, flow runs deployment ones.
struct ConcurrencyLeaseHolder {
  std::string type;  // "task_run" | "flow_run"
  Uuid id;
};

struct ConcurrencyLease {
  Uuid id;
  std::vector<Uuid> resource_ids;  // the concurrency_limit_v2 ids
  int64_t slots = 1;
};

// A legacy (v1) tag limit: concurrency_limit(tag, concurrency_limit, active_slots).
struct TagConcurrencyLimitV1 {
  std::string tag;
  int64_t limit = 0;
  std::vector<std::string> active_slots;  // task run ids as text
};

enum class CollisionStrategy { Enqueue, CancelNew };

// A deployment's concurrency configuration.
struct DeploymentConcurrency {
  std::optional<Uuid> concurrency_limit_id;
  std::optional<ConcurrencyLimitV2> limit;  // the linked global limit, if any
  // concurrency_options: null → nullopt (rules then treat it as ENQUEUE,
  // except the late-run rule which needs an explicit CANCEL_NEW).
  std::optional<CollisionStrategy> collision_strategy;
  std::optional<double> grace_period_seconds;
};

// The parent flow run of a task run, as task rules read it.
struct FlowRunSnapshot {
  Uuid id;
  int64_t run_count = 0;
  std::optional<State> state;  // state_details are all the rules read; data may be absent
};

class OrchestrationEnvironment {
 public:
  virtual ~OrchestrationEnvironment() = default;

  // ---- time and randomness -------------------------------------------
  // The clock every rule reads ("now" in the spec). Called once per use.
  virtual Timestamp now() = 0;
  // Uniform in [0, 1): retry jitter and the tag-concurrency wait jitter.
  virtual double random_unit();
  // The key of a pause proposed without state_details.pause_key.
  virtual std::string random_pause_key();
  // The id of a state orchestration makes up (AwaitingRetry, Cached,
  // Cancelled, the parent task's mirror state, ...): a UUIDv7.
  virtual Uuid new_state_id();

  // ---- validation: the step between the before and after hooks --------
  // Insert `proposed` as the run's new current state: the state row (its
  // non-null data that is not {"type":"unpersisted",...} stored as a result
  // artifact first, objects.md §4) and the run's state_id. Return the state
  // as written, with data as responses show it. The run's other columns
  // (run_count, times, empirical_policy, state_type/name/timestamp, ...) are
  // written by the caller from the OrchestrationRun after orchestration.
  // Throwing a retryable DatabaseError propagates (503); any other exception
  // turns the result into ABORT "Error validating state: <what()>".
  virtual State write_state(const OrchestrationRun &run, const State &proposed) = 0;

  // Whether a state of this flow run already has exactly this timestamp
  // (EnsureFlowRunStateTimestampIsUnique; the unique index on
  // flow_run_state(flow_run_id, timestamp)).
  virtual bool flow_run_state_exists_at(const Uuid &flow_run_id, Timestamp timestamp) = 0;

  // ---- other runs ----------------------------------------------------------
  // The flow run with this id (a task's parent), nullopt if it is gone.
  virtual std::optional<FlowRunSnapshot> read_flow_run(const Uuid &flow_run_id) = 0;

  // UpdateSubflowParentTask: force `state` (already a fresh copy with
  // child_flow_run_id set) onto the subflow's tracking task run, i.e.
  // orchestrate_task_run(..., PolicyKind::Minimal) on that task run and
  // persist it. A missing task run throws OrchestrationObjectNotFound.
  virtual void mirror_state_to_parent_task_run(const Uuid &parent_task_run_id, const State &state) = 0;

  // Legacy flow retry (API version < 0.8.3): every FAILED task run of the
  // flow run is forced (PolicyKind::Minimal) to
  // awaiting_retry_state(scheduled_time) and its run_count set to 0.
  virtual void reset_failed_task_runs_for_retry(const Uuid &flow_run_id, Timestamp scheduled_time) = 0;

  // InstrumentFlowRunStateTransitions: a flow run state was written. The
  // hook for emitting prefect.flow-run.<state name>; default: nothing.
  virtual void flow_run_state_changed(const OrchestrationRun &run, const std::optional<State> &initial_state,
                                      const State &validated_state);

  // EnqueueScheduledTasks: a deferred task run was scheduled; push it to the
  // task workers' queue for run.task_key (the retry queue if `as_retry`).
  // Default: nothing.
  virtual void enqueue_background_task_run(const OrchestrationRun &run, bool as_retry);

  // ---- task result cache ---------------------------------------------------
  // The task-run state of the newest task_run_state_cache row with this key
  // whose cache_expiration is null or after `now`, nullopt if none.
  virtual std::optional<State> find_cached_state(const std::string &cache_key, Timestamp now) = 0;
  // Insert task_run_state_cache(cache_key, cache_expiration, task_run_state_id).
  virtual void insert_cache_entry(const std::string &cache_key, std::optional<Timestamp> cache_expiration,
                                  const Uuid &task_run_state_id) = 0;

  // ---- concurrency ---------------------------------------------------------
  // The defaults below describe a server with no limits configured: every
  // read finds nothing, so the writing calls are never reached (they throw
  // std::logic_error if they are).

  // Active and inactive v2 limits with these names (tag limits are "tag:<tag>").
  virtual std::vector<ConcurrencyLimitV2> read_concurrency_limits_v2(const std::vector<std::string> &names);
  // Take `slots` on every limit atomically (orchestration.md §7). With
  // `own_transaction` the increment commits on its own (tag slots are taken
  // outside the orchestration transaction), else it joins it. False, and
  // nothing taken, if any limit is full or inactive.
  virtual bool increment_concurrency_slots(const std::vector<Uuid> &limit_ids, int64_t slots, bool own_transaction);
  // Give back `slots` on every limit (§7 release). False if a limit is gone.
  virtual bool decrement_concurrency_slots(const std::vector<Uuid> &limit_ids, int64_t slots);

  // Lease storage.
  virtual Uuid create_lease(const std::vector<Uuid> &resource_ids, double ttl_seconds, int64_t slots,
                            const std::optional<ConcurrencyLeaseHolder> &holder);
  virtual std::optional<ConcurrencyLease> read_lease(const Uuid &lease_id);
  // Extend an unexpired lease; false if it is gone (reaped).
  virtual bool renew_lease(const Uuid &lease_id, double ttl_seconds);
  virtual void revoke_lease(const Uuid &lease_id);
  // Ids of the leases on this limit whose holder id is `holder_id`.
  virtual std::vector<Uuid> lease_ids_held_by(const Uuid &limit_id, const Uuid &holder_id);

  // Legacy v1 tag limits for these tags (the rows, locked for update).
  virtual std::vector<TagConcurrencyLimitV1> read_tag_concurrency_limits_v1(const std::vector<std::string> &tags);
  // Replace a v1 row's active_slots.
  virtual void write_tag_active_slots_v1(const std::string &tag, const std::vector<std::string> &active_slots);

  // The deployment's concurrency configuration; nullopt if the deployment
  // does not exist. Default: it exists and has no limit.
  virtual std::optional<DeploymentConcurrency> read_deployment_concurrency(const Uuid &deployment_id);
};

}  // namespace prefectd
