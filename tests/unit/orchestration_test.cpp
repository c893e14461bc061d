// The orchestration engine against an in-memory environment: every rule of
// orchestration.md §4–§6, the engine's composition (§2) and State JSON.
#include "database/database_error.h"
#include "orchestration/orchestrate.h"
#include "orchestration/versions.h"
#include "schemas/state.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <set>

namespace prefectd {
namespace {

const Timestamp kStart = *Timestamp::parse("2026-08-21T10:00:00Z");

struct StoredLease {
  ConcurrencyLease lease;
  std::optional<ConcurrencyLeaseHolder> holder;
  double ttl_seconds = 0;
};

class FakeEnvironment : public OrchestrationEnvironment {
 public:
  Timestamp clock = kStart;
  double random = 0.5;

  std::vector<State> written;
  std::set<Timestamp> taken_flow_state_timestamps;
  std::map<Uuid, FlowRunSnapshot> flow_runs;
  std::vector<std::pair<Uuid, State>> mirrored;
  std::vector<std::pair<Uuid, Timestamp>> retry_resets;
  std::vector<State> events;
  std::vector<bool> enqueued;  // as_retry per enqueue
  std::optional<State> cached;
  std::string cached_key;
  std::vector<std::tuple<std::string, std::optional<Timestamp>, Uuid>> cache_inserts;
  bool fail_write = false;
  bool fail_write_retryable = false;
  bool fail_flow_run_read = false;

  std::map<Uuid, ConcurrencyLimitV2> limits;
  std::map<Uuid, StoredLease> leases;
  std::vector<Uuid> revoked;
  std::vector<TagConcurrencyLimitV1> v1_limits;
  std::map<Uuid, std::optional<DeploymentConcurrency>> deployments;
  bool renewals_fail = false;

  Timestamp now() override { return clock; }
  double random_unit() override { return random; }
  std::string random_pause_key() override { return "random-key"; }

  State write_state(const OrchestrationRun &, const State &proposed) override {
    if (fail_write_retryable) throw DatabaseError(PD_BUSY, "database is locked");
    if (fail_write) throw std::runtime_error("constraint failed");
    written.push_back(proposed);
    taken_flow_state_timestamps.insert(proposed.timestamp);
    return proposed;
  }
  bool flow_run_state_exists_at(const Uuid &, Timestamp timestamp) override {
    return taken_flow_state_timestamps.contains(timestamp);
  }
  std::optional<FlowRunSnapshot> read_flow_run(const Uuid &id) override {
    if (fail_flow_run_read) throw std::runtime_error("read failed");
    auto found = flow_runs.find(id);
    return found == flow_runs.end() ? std::nullopt : std::optional(found->second);
  }
  void mirror_state_to_parent_task_run(const Uuid &parent, const State &state) override {
    mirrored.emplace_back(parent, state);
  }
  void reset_failed_task_runs_for_retry(const Uuid &flow_run_id, Timestamp scheduled_time) override {
    retry_resets.emplace_back(flow_run_id, scheduled_time);
  }
  void flow_run_state_changed(const OrchestrationRun &, const std::optional<State> &, const State &state) override {
    events.push_back(state);
  }
  void enqueue_background_task_run(const OrchestrationRun &, bool as_retry) override { enqueued.push_back(as_retry); }
  std::optional<State> find_cached_state(const std::string &key, Timestamp) override {
    return key == cached_key ? cached : std::nullopt;
  }
  void insert_cache_entry(const std::string &key, std::optional<Timestamp> expiration, const Uuid &state_id) override {
    cache_inserts.emplace_back(key, expiration, state_id);
  }

  std::vector<ConcurrencyLimitV2> read_concurrency_limits_v2(const std::vector<std::string> &names) override {
    std::vector<ConcurrencyLimitV2> found;
    for (const auto &[id, limit] : limits) {
      if (std::find(names.begin(), names.end(), limit.name) != names.end()) found.push_back(limit);
    }
    return found;
  }
  bool increment_concurrency_slots(const std::vector<Uuid> &ids, int64_t slots, bool) override {
    for (const auto &id : ids) {
      const auto &limit = limits.at(id);
      if (!limit.active || limit.active_slots + slots > limit.limit) return false;
    }
    for (const auto &id : ids) limits.at(id).active_slots += slots;
    return true;
  }
  bool decrement_concurrency_slots(const std::vector<Uuid> &ids, int64_t slots) override {
    for (const auto &id : ids) {
      auto &limit = limits.at(id);
      limit.active_slots = std::max<int64_t>(0, limit.active_slots - slots);
    }
    return true;
  }
  Uuid create_lease(const std::vector<Uuid> &resource_ids, double ttl, int64_t slots,
                    const std::optional<ConcurrencyLeaseHolder> &holder) override {
    Uuid id = Uuid::v4();
    leases[id] = StoredLease{ConcurrencyLease{id, resource_ids, slots}, holder, ttl};
    return id;
  }
  std::optional<ConcurrencyLease> read_lease(const Uuid &id) override {
    auto found = leases.find(id);
    return found == leases.end() ? std::nullopt : std::optional(found->second.lease);
  }
  bool renew_lease(const Uuid &id, double) override { return !renewals_fail && leases.contains(id); }
  void revoke_lease(const Uuid &id) override {
    leases.erase(id);
    revoked.push_back(id);
  }
  std::vector<Uuid> lease_ids_held_by(const Uuid &limit_id, const Uuid &holder_id) override {
    std::vector<Uuid> ids;
    for (const auto &[id, stored] : leases) {
      const auto &resources = stored.lease.resource_ids;
      if (stored.holder && stored.holder->id == holder_id &&
          std::find(resources.begin(), resources.end(), limit_id) != resources.end()) {
        ids.push_back(id);
      }
    }
    return ids;
  }
  std::vector<TagConcurrencyLimitV1> read_tag_concurrency_limits_v1(const std::vector<std::string> &tags) override {
    std::vector<TagConcurrencyLimitV1> found;
    for (const auto &limit : v1_limits) {
      if (std::find(tags.begin(), tags.end(), limit.tag) != tags.end()) found.push_back(limit);
    }
    return found;
  }
  void write_tag_active_slots_v1(const std::string &tag, const std::vector<std::string> &slots) override {
    for (auto &limit : v1_limits) {
      if (limit.tag == tag) limit.active_slots = slots;
    }
  }
  std::optional<DeploymentConcurrency> read_deployment_concurrency(const Uuid &id) override {
    auto found = deployments.find(id);
    return found == deployments.end() ? DeploymentConcurrency{} : found->second;
  }

  // A deployment with a v2 limit of `limit` slots, `active` of them taken.
  Uuid add_deployment_limit(int64_t limit, int64_t active, std::optional<CollisionStrategy> strategy = std::nullopt) {
    Uuid deployment_id = Uuid::v4();
    ConcurrencyLimitV2 row{Uuid::v4(), "deployment:" + deployment_id.to_string(), true, limit, active, 0};
    limits[row.id] = row;
    deployments[deployment_id] = DeploymentConcurrency{row.id, row, strategy, std::nullopt};
    return deployment_id;
  }
  Uuid add_tag_limit(const std::string &tag, int64_t limit, int64_t active = 0) {
    ConcurrencyLimitV2 row{Uuid::v4(), "tag:" + tag, true, limit, active, 0};
    limits[row.id] = row;
    return row.id;
  }
  ConcurrencyLimitV2 &limit_of(const Uuid &deployment_id) {
    return limits.at(*deployments.at(deployment_id)->concurrency_limit_id);
  }
};

State make(StateType type, std::string name = {}, Timestamp timestamp = kStart) {
  State state;
  state.id = Uuid::v7();
  state.type = type;
  state.name = name.empty() ? default_state_name(type) : std::move(name);
  state.timestamp = timestamp;
  if (type == StateType::Scheduled) state.details.scheduled_time = timestamp;
  return state;
}

class OrchestrationTest : public ::testing::Test {
 protected:
  FakeEnvironment env;
  OrchestrationRun run;

  OrchestrationTest() {
    run.id = Uuid::v7();
    run.kind = RunKind::Flow;
  }

  void start_in(std::optional<State> state) { run.state = std::move(state); }
  void start_task_in(std::optional<State> state) {
    run.kind = RunKind::Task;
    run.state = std::move(state);
  }

  // A proposal as the route builds it: stamped with the clock.
  OrchestrationResult propose(State state, PolicyKind policy = PolicyKind::Core,
                              std::optional<std::string> api_version = std::nullopt,
                              std::optional<std::string> client_version = std::string("3.8.0")) {
    state.timestamp = env.clock;
    if (state.type == StateType::Scheduled && !state.details.scheduled_time) state.details.scheduled_time = env.clock;
    OrchestrationRequest request{std::move(state), policy, std::move(api_version), std::move(client_version), {}};
    return run.kind == RunKind::Flow ? orchestrate_flow_run(run, request, env)
                                     : orchestrate_task_run(run, request, env);
  }
  OrchestrationResult propose(StateType type, std::string name = {}) { return propose(make(type, std::move(name))); }

  void advance(double seconds) { env.clock = env.clock.plus_seconds(seconds); }
};

std::string reason_of(const OrchestrationResult &result) {
  return result.details.reason.value_or("");
}

// ---- §6 bookkeeping (flows) -------------------------------------------------

TEST_F(OrchestrationTest, NoneToScheduled_SetsExpectedAndNextScheduledStartTime) {
  auto scheduled = make(StateType::Scheduled);
  scheduled.details.scheduled_time = kStart.plus_seconds(60);
  auto result = propose(scheduled);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_TRUE(result.state_written);
  EXPECT_EQ(run.state_type, StateType::Scheduled);
  EXPECT_EQ(run.state_name, "Scheduled");
  EXPECT_EQ(run.state_timestamp, kStart);
  EXPECT_EQ(run.expected_start_time, kStart.plus_seconds(60));
  EXPECT_EQ(run.next_scheduled_start_time, kStart.plus_seconds(60));
  EXPECT_EQ(run.state->details.flow_run_id, run.id);
}

TEST_F(OrchestrationTest, NoneToPending_SetsExpectedStartTimeToNow) {
  propose(StateType::Pending);
  EXPECT_EQ(run.expected_start_time, kStart);
  EXPECT_FALSE(run.next_scheduled_start_time);
}

TEST_F(OrchestrationTest, ScheduledToPending_CarriesScheduledTimeAndClearsNextScheduled) {
  auto scheduled = make(StateType::Scheduled);
  scheduled.details.scheduled_time = kStart.plus_seconds(5);
  start_in(scheduled);
  run.next_scheduled_start_time = kStart.plus_seconds(5);
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_FALSE(run.next_scheduled_start_time);
  EXPECT_EQ(run.state->details.scheduled_time, kStart.plus_seconds(5));
}

TEST_F(OrchestrationTest, PendingToRunning_SetsStartTimeOnceAndCountsTheRun) {
  start_in(make(StateType::Pending));
  advance(1);
  propose(StateType::Running);
  EXPECT_EQ(run.start_time, kStart.plus_seconds(1));
  EXPECT_EQ(run.run_count, 1);
}

TEST_F(OrchestrationTest, RunningToCompleted_SetsEndTimeAndAddsRunTime) {
  start_in(make(StateType::Running));
  run.start_time = kStart;
  advance(5.25);
  auto result = propose(StateType::Completed);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_EQ(run.end_time, kStart.plus_seconds(5.25));
  EXPECT_EQ(run.total_run_time_micros, 5250000);
}

TEST_F(OrchestrationTest, FinalWithoutStartTime_SetsBothStartAndEndTime) {
  start_in(make(StateType::Pending));
  advance(2);
  propose(StateType::Crashed);
  EXPECT_EQ(run.start_time, kStart.plus_seconds(2));
  EXPECT_EQ(run.end_time, kStart.plus_seconds(2));
}

TEST_F(OrchestrationTest, FlowStateTimestampAlreadyTaken_IsNudgedByOneMicrosecond) {
  env.taken_flow_state_timestamps = {kStart, Timestamp(kStart.micros() + 1)};
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.state->timestamp.micros(), kStart.micros() + 2);
  EXPECT_EQ(run.state_timestamp, result.state->timestamp);
}

TEST_F(OrchestrationTest, Subflow_StateDetailsPointAtParentTaskAndParentTaskMirrorsTheState) {
  Uuid parent = Uuid::v7();
  run.parent_task_run_id = parent;
  start_in(make(StateType::Pending));
  advance(1);
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.state->details.task_run_id, parent);
  ASSERT_EQ(env.mirrored.size(), 1U);
  EXPECT_EQ(env.mirrored[0].first, parent);
  EXPECT_EQ(env.mirrored[0].second.type, StateType::Running);
  EXPECT_EQ(env.mirrored[0].second.details.child_flow_run_id, run.id);
  EXPECT_NE(env.mirrored[0].second.id, result.state->id);
}

TEST_F(OrchestrationTest, Subflow_RejectedToNothing_DoesNotMirror) {
  run.parent_task_run_id = Uuid::v7();
  start_in(make(StateType::Pending));
  EXPECT_EQ(propose(StateType::Pending).status, SetStateStatus::Abort);
  EXPECT_TRUE(env.mirrored.empty());
}

TEST_F(OrchestrationTest, EventHook_FiresOnlyWhenAStateIsWritten) {
  start_in(make(StateType::Pending));
  propose(StateType::Pending);  // aborted
  EXPECT_TRUE(env.events.empty());
  propose(StateType::Running);
  ASSERT_EQ(env.events.size(), 1U);
  EXPECT_EQ(env.events[0].type, StateType::Running);
}

// ---- §2 the engine ------------------------------------------------------------

TEST_F(OrchestrationTest, NothingWritten_ReturnsTheCurrentStateWithoutWriting) {
  auto pending = make(StateType::Pending);
  start_in(pending);
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Abort);
  EXPECT_FALSE(result.state_written);
  ASSERT_TRUE(result.state);
  EXPECT_EQ(result.state->id, pending.id);
  EXPECT_TRUE(env.written.empty());
}

TEST_F(OrchestrationTest, ValidationFailure_AbortsWithErrorValidatingState) {
  env.fail_write = true;
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(result), "Error validating state: constraint failed");
  EXPECT_FALSE(result.state_written);
  EXPECT_FALSE(result.state);
  EXPECT_TRUE(env.events.empty());
}

TEST_F(OrchestrationTest, RetryableValidationFailure_IsRethrown) {
  env.fail_write_retryable = true;
  EXPECT_THROW(propose(StateType::Pending), DatabaseError);
}

TEST_F(OrchestrationTest, ErrorInBeforeHook_IsRethrownAfterTheOtherHooksRan) {
  run.kind = RunKind::Task;
  run.flow_run_id = Uuid::v7();
  env.fail_flow_run_read = true;
  start_task_in(make(StateType::Pending));
  EXPECT_THROW(propose(StateType::Running), std::runtime_error);
  EXPECT_TRUE(env.written.empty());
}

// ---- §4 CoreFlowPolicy --------------------------------------------------------

TEST_F(OrchestrationTest, PreserveLeaseId_CopiesTheLeaseOverAnExplicitNull) {
  Uuid deployment = env.add_deployment_limit(5, 1);
  run.deployment_id = deployment;
  auto running = make(StateType::Running);
  running.details.deployment_concurrency_lease_id = Uuid::v4();
  start_in(running);
  auto result = propose(StateType::Running, "Retrying");
  EXPECT_EQ(result.state->details.deployment_concurrency_lease_id, running.details.deployment_concurrency_lease_id);
}

TEST_F(OrchestrationTest, DuplicateTransitionId_IsRejectedWithTheCurrentState) {
  auto running = make(StateType::Running);
  running.details.transition_id = Uuid::v4();
  start_in(running);
  auto again = make(StateType::Running);
  again.details.transition_id = running.details.transition_id;
  auto result = propose(again);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "This run has already made this state transition.");
  EXPECT_EQ(result.state->id, running.id);
  EXPECT_FALSE(result.state_written);

  auto other = make(StateType::Completed);
  other.details.transition_id = Uuid::v4();
  EXPECT_EQ(propose(other).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, TerminalToCancelling_IsAborted) {
  start_in(make(StateType::Completed));
  auto result = propose(StateType::Cancelling);
  EXPECT_EQ(result.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(result), "Run is already in terminal state COMPLETED.");
}

TEST_F(OrchestrationTest, CompletedWithPersistedResult_RejectsNonFinalAndResultLoss) {
  auto completed = make(StateType::Completed);
  completed.data_json = R"({"storage_key": "k", "serializer": {"type": "json"}})";
  start_in(completed);
  run.deployment_id = Uuid::v4();
  auto rerun = propose(StateType::Scheduled);
  EXPECT_EQ(rerun.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(rerun), "Run is already COMPLETED.");
  auto lossy = propose(StateType::Completed);
  EXPECT_EQ(lossy.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(lossy),
            "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.");
  auto unpersisted = make(StateType::Completed);
  unpersisted.data_json = R"({"type": "unpersisted"})";
  EXPECT_EQ(propose(unpersisted).status, SetStateStatus::Reject);
  auto persisted = make(StateType::Completed);
  persisted.data_json = R"({"storage_key": "other"})";
  EXPECT_EQ(propose(persisted).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, TerminalToScheduledWithoutDeployment_IsAborted) {
  start_in(make(StateType::Failed));
  auto result = propose(StateType::Scheduled);
  EXPECT_EQ(result.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(result), "Cannot reschedule a run without an associated deployment.");
}

TEST_F(OrchestrationTest, ManualRetryOfDeploymentRun_ResetsPolicyAndEndTime) {
  start_in(make(StateType::Failed));
  run.deployment_id = Uuid::v4();
  run.end_time = kStart;
  run.flow_policy.pause_keys = {"a"};
  run.flow_policy.resuming = true;
  auto result = propose(StateType::Scheduled);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_FALSE(run.end_time);
  EXPECT_EQ(run.flow_policy.retry_type, "reschedule");
  EXPECT_TRUE(run.flow_policy.pause_keys.empty());
  EXPECT_FALSE(run.flow_policy.resuming);
  EXPECT_EQ(run.next_scheduled_start_time, kStart);
}

TEST_F(OrchestrationTest, TerminalRuleFizzled_RestoresThePolicy) {
  // FAILED → PENDING with a full deployment limit: the terminal rule resets
  // the policy, SecureFlowConcurrencySlots then rejects to
  // AwaitingConcurrencySlot, so the terminal rule fizzles and restores it.
  Uuid deployment = env.add_deployment_limit(1, 1);
  run.deployment_id = deployment;
  run.flow_policy.pause_keys = {"kept"};
  run.flow_policy.retry_type = "in_process";
  start_in(make(StateType::Failed));
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(result.state->name, "AwaitingConcurrencySlot");
  EXPECT_EQ(run.flow_policy.pause_keys, std::vector<std::string>{"kept"});
  EXPECT_EQ(run.flow_policy.retry_type, "in_process");
}

TEST_F(OrchestrationTest, CancellingToAnythingButCancelled_IsRejected) {
  start_in(make(StateType::Cancelling));
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Cannot transition flows that are cancelling to a state other than Cancelled.");
  EXPECT_EQ(propose(StateType::Cancelling).status, SetStateStatus::Reject);
  EXPECT_EQ(propose(StateType::Cancelled).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, CancellingAScheduledRunWithoutInfrastructure_WritesCancelled) {
  start_in(make(StateType::Scheduled));
  auto result = propose(StateType::Cancelling);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Scheduled flow run has no infrastructure to terminate.");
  EXPECT_TRUE(result.state_written);
  EXPECT_EQ(result.state->type, StateType::Cancelled);
  EXPECT_EQ(run.state_type, StateType::Cancelled);
  EXPECT_TRUE(run.end_time);
}

TEST_F(OrchestrationTest, CancellingAScheduledRunWithInfrastructure_IsAccepted) {
  start_in(make(StateType::Scheduled));
  run.infrastructure_pid = "1234";
  EXPECT_EQ(propose(StateType::Cancelling).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, CancellingASuspendedRun_WritesCancelled) {
  auto suspended = make(StateType::Paused, "Suspended");
  suspended.details.pause_reschedule = true;
  start_in(suspended);
  auto result = propose(StateType::Cancelling);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Suspended flow run has no infrastructure to terminate.");
  EXPECT_EQ(result.state->type, StateType::Cancelled);
}

TEST_F(OrchestrationTest, SecondPending_IsAbortedButRenamingWithinPendingIsAllowed) {
  auto pending = make(StateType::Pending);
  pending.details.scheduled_time = kStart.plus_seconds(-10);
  start_in(pending);
  auto second = propose(StateType::Pending);
  EXPECT_EQ(second.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(second), "This run is in a PENDING state and cannot transition to a PENDING state.");
  auto submitting = propose(StateType::Pending, "Submitting");
  EXPECT_EQ(submitting.status, SetStateStatus::Accept);
  EXPECT_EQ(submitting.state->details.scheduled_time, kStart.plus_seconds(-10));
}

TEST_F(OrchestrationTest, RunningToPending_IsAborted) {
  start_in(make(StateType::Running));
  auto result = propose(StateType::Pending);
  EXPECT_EQ(reason_of(result), "This run is in a RUNNING state and cannot transition to a PENDING state.");
}

TEST_F(OrchestrationTest, MarkingLate_OnlyScheduledRunsOnce) {
  start_in(make(StateType::Running));
  auto from_running = propose(StateType::Scheduled, "Late");
  EXPECT_EQ(from_running.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(from_running), "Only scheduled flows can be marked late.");
  start_in(make(StateType::Scheduled));
  EXPECT_EQ(propose(StateType::Scheduled, "Late").status, SetStateStatus::Accept);
  auto twice = propose(StateType::Scheduled, "Late");
  EXPECT_EQ(twice.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(twice), "This flow run is already marked late.");
}

TEST_F(OrchestrationTest, Pausing_GuardsAndRecordsTheKey) {
  auto no_state = propose(StateType::Paused);
  EXPECT_EQ(no_state.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(no_state), "Cannot pause flows with no state.");

  start_in(make(StateType::Pending));
  auto not_running = propose(StateType::Paused, "Suspended");
  EXPECT_EQ(reason_of(not_running), "Cannot suspend flows that are not currently running.");

  start_in(make(StateType::Running));
  auto pause = make(StateType::Paused);
  pause.details.pause_key = "step-1";
  EXPECT_EQ(propose(pause).status, SetStateStatus::Accept);
  EXPECT_EQ(run.flow_policy.pause_keys, std::vector<std::string>{"step-1"});

  start_in(make(StateType::Running));
  auto again = propose(pause);
  EXPECT_EQ(again.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(again), "This pause has already fired.");

  auto keyless = propose(StateType::Paused);
  EXPECT_EQ(keyless.status, SetStateStatus::Accept);
  EXPECT_EQ(run.flow_policy.pause_keys, (std::vector<std::string>{"step-1", "random-key"}));
}

TEST_F(OrchestrationTest, SuspendingWithoutDeploymentOrAsSubflow_IsAborted) {
  auto suspend = make(StateType::Paused, "Suspended");
  suspend.details.pause_reschedule = true;
  start_in(make(StateType::Running));
  EXPECT_EQ(reason_of(propose(suspend)), "Cannot suspend flows without a deployment.");
  run.parent_task_run_id = Uuid::v7();
  EXPECT_EQ(reason_of(propose(suspend)), "Cannot suspend subflows.");
}

TEST_F(OrchestrationTest, ResumingPausedRun_OnlyToRunningScheduledOrFinal) {
  start_in(make(StateType::Paused));
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result),
            "This run cannot transition to the StateType.PENDING state from the StateType.PAUSED state.");
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  // The resume rule's after hook runs after the bookkeeping cleared the
  // flag, so it stays set until the run's next Running or final state.
  EXPECT_TRUE(run.flow_policy.resuming);
}

TEST_F(OrchestrationTest, ResumingSuspendedRunWithoutDeployment_IsRejected) {
  auto suspended = make(StateType::Paused, "Suspended");
  suspended.details.pause_reschedule = true;
  start_in(suspended);
  auto result = propose(StateType::Scheduled, "Resuming");
  EXPECT_EQ(reason_of(result), "Cannot reschedule a resuming flow run without a deployment.");
}

TEST_F(OrchestrationTest, ResumingAfterPauseTimeout_FailsTheRun) {
  auto paused = make(StateType::Paused);
  paused.details.pause_timeout = kStart.plus_seconds(10);
  start_in(paused);
  advance(11);
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "The flow run pause has timed out and can no longer resume.");
  EXPECT_EQ(result.state->type, StateType::Failed);
  EXPECT_EQ(result.state->message, "The flow was running and never resumed.");
}

TEST_F(OrchestrationTest, SuspendAndResume_WalkThrough) {
  run.deployment_id = Uuid::v4();
  start_in(make(StateType::Running));
  run.run_count = 1;
  auto suspend = make(StateType::Paused, "Suspended");
  suspend.details.pause_reschedule = true;
  suspend.details.pause_timeout = kStart.plus_seconds(3600);
  EXPECT_EQ(propose(suspend).status, SetStateStatus::Accept);

  auto resume = resume_proposal(run.state, env.clock, Uuid::v7());
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->type, StateType::Scheduled);
  EXPECT_EQ(resume->name, "Resuming");
  auto resumed = propose(*resume);
  EXPECT_EQ(resumed.status, SetStateStatus::Accept);
  EXPECT_TRUE(run.flow_policy.resuming);

  EXPECT_EQ(propose(StateType::Pending).status, SetStateStatus::Accept);
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  EXPECT_EQ(run.run_count, 1);  // the same attempt continues
  EXPECT_FALSE(run.flow_policy.resuming);
}

TEST_F(OrchestrationTest, ResumeOfARunThatIsNotPaused_IsAnAbortWithoutState) {
  EXPECT_FALSE(resume_proposal(make(StateType::Running), kStart, Uuid::v7()));
  auto result = not_paused_resume_result();
  EXPECT_EQ(
      to_json(result),
      R"({"state":null,"status":"ABORT","details":{"type":"abort_details","reason":"Cannot resume a flow run that is not paused."}})");
  auto paused = resume_proposal(make(StateType::Paused), kStart, Uuid::v7());
  EXPECT_EQ(paused->type, StateType::Running);
}

TEST_F(OrchestrationTest, OldApiVersion_HasNoPauseBookkeeping) {
  start_in(make(StateType::Paused));
  propose(make(StateType::Running), PolicyKind::Core, "0.8.3");
  EXPECT_TRUE(run.flow_policy.resuming);  // set by the resume rule, never cleared
  EXPECT_EQ(run.run_count, 1);            // and counted although resuming
}

TEST_F(OrchestrationTest, ScheduledTimeInTheFuture_Waits) {
  auto scheduled = make(StateType::Scheduled);
  scheduled.details.scheduled_time = kStart.plus_seconds(9.6);
  start_in(scheduled);
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Wait);
  EXPECT_EQ(result.details.delay_seconds, 10);
  EXPECT_EQ(reason_of(result), "Scheduled time is in the future");
  advance(9.6);
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, RetryExample_RetriesTwiceThenFails) {
  run.flow_policy.retries = 2;
  run.flow_policy.retry_delay = 10;
  start_in(make(StateType::Pending));
  ASSERT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  EXPECT_EQ(run.run_count, 1);

  advance(3);
  auto failed = make(StateType::Failed);
  failed.message = "boom";
  auto first = propose(failed);
  EXPECT_EQ(first.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(first), "Retrying");
  EXPECT_TRUE(first.state_written);
  EXPECT_EQ(first.state->type, StateType::Scheduled);
  EXPECT_EQ(first.state->name, "AwaitingRetry");
  EXPECT_EQ(first.state->message, "boom");
  EXPECT_EQ(first.state->details.scheduled_time, env.clock.plus_seconds(10));
  EXPECT_EQ(run.next_scheduled_start_time, env.clock.plus_seconds(10));
  EXPECT_EQ(run.total_run_time_micros, 3000000);
  EXPECT_EQ(run.flow_policy.retry_type, "in_process");

  auto early = propose(StateType::Running);
  EXPECT_EQ(early.status, SetStateStatus::Wait);
  EXPECT_EQ(early.details.delay_seconds, 10);

  advance(10);
  auto second_run = propose(StateType::Running);
  EXPECT_EQ(second_run.status, SetStateStatus::Accept);
  EXPECT_EQ(second_run.state->name, "Running");
  EXPECT_EQ(run.run_count, 2);

  EXPECT_EQ(propose(StateType::Failed).status, SetStateStatus::Reject);
  advance(10);
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  EXPECT_EQ(run.run_count, 3);
  auto last = propose(StateType::Failed);
  EXPECT_EQ(last.status, SetStateStatus::Accept);
  EXPECT_EQ(last.state->type, StateType::Failed);
  EXPECT_FALSE(run.flow_policy.retry_type);
}

TEST_F(OrchestrationTest, LegacyApiVersionRetry_ResetsFailedTaskRuns) {
  run.flow_policy.retries = 1;
  start_in(make(StateType::Running));
  run.run_count = 1;
  auto result = propose(make(StateType::Failed), PolicyKind::Core, "0.8.2");
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  ASSERT_EQ(env.retry_resets.size(), 1U);
  EXPECT_EQ(env.retry_resets[0].first, run.id);
  EXPECT_FALSE(run.flow_policy.retry_type);  // no 0.8.4 bookkeeping
}

// ---- deployment concurrency -----------------------------------------------

TEST_F(OrchestrationTest, SecureFlowSlots_TakesASlotAndALease) {
  Uuid deployment = env.add_deployment_limit(2, 0);
  run.deployment_id = deployment;
  start_in(make(StateType::Scheduled));
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_EQ(env.limit_of(deployment).active_slots, 1);
  ASSERT_TRUE(result.state->details.deployment_concurrency_lease_id);
  const auto &lease = env.leases.at(*result.state->details.deployment_concurrency_lease_id);
  EXPECT_EQ(lease.ttl_seconds, 300);
}

TEST_F(OrchestrationTest, SecureFlowSlots_FullLimitEnqueuesOrCancels) {
  Uuid enqueue = env.add_deployment_limit(1, 1);
  run.deployment_id = enqueue;
  start_in(make(StateType::Scheduled));
  auto waiting = propose(StateType::Pending);
  EXPECT_EQ(waiting.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(waiting), "Deployment concurrency limit reached.");
  EXPECT_EQ(waiting.state->name, "AwaitingConcurrencySlot");
  EXPECT_EQ(waiting.state->details.scheduled_time, env.clock.plus_seconds(30));

  run.deployment_id = env.add_deployment_limit(1, 1, CollisionStrategy::CancelNew);
  start_in(make(StateType::Scheduled));
  auto cancelled = propose(StateType::Pending);
  EXPECT_EQ(cancelled.state->type, StateType::Cancelled);
  EXPECT_EQ(cancelled.state->message, "Deployment concurrency limit reached.");
}

TEST_F(OrchestrationTest, SecureFlowSlots_MissingDeploymentOrZeroLimitAborts) {
  run.deployment_id = Uuid::v4();
  env.deployments[*run.deployment_id] = std::nullopt;
  start_in(make(StateType::Scheduled));
  EXPECT_EQ(reason_of(propose(StateType::Pending)), "Deployment not found.");
  run.deployment_id = env.add_deployment_limit(0, 0);
  EXPECT_EQ(reason_of(propose(StateType::Pending)),
            "The deployment concurrency limit is 0. The flow will deadlock if submitted again.");
}

TEST_F(OrchestrationTest, SecureFlowSlots_WorkersThatManageConcurrencyAreLeftAlone) {
  Uuid deployment = env.add_deployment_limit(1, 1);
  run.deployment_id = deployment;
  start_in(make(StateType::Scheduled));
  EXPECT_EQ(propose(make(StateType::Pending), PolicyKind::Core, std::nullopt, "3.0.2").status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, SecureFlowSlots_FizzledByALaterRejection_GivesTheSlotBack) {
  Uuid deployment = env.add_deployment_limit(1, 0);
  run.deployment_id = deployment;
  start_in(make(StateType::Paused));  // PAUSED → PENDING is then rejected by the resume rule
  auto result = propose(StateType::Pending);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(env.limit_of(deployment).active_slots, 0);
  EXPECT_TRUE(env.leases.empty());
}

TEST_F(OrchestrationTest, ValidateAtRunning_RenewsOrReacquiresOrCancels) {
  Uuid deployment = env.add_deployment_limit(1, 1);
  run.deployment_id = deployment;
  Uuid lease = env.create_lease({*env.deployments[deployment]->concurrency_limit_id}, 300, 1, std::nullopt);
  auto pending = make(StateType::Pending);
  pending.details.deployment_concurrency_lease_id = lease;
  start_in(pending);
  auto renewed = propose(StateType::Running);
  EXPECT_EQ(renewed.status, SetStateStatus::Accept);
  EXPECT_EQ(renewed.state->details.deployment_concurrency_lease_id, lease);

  env.renewals_fail = true;
  env.limit_of(deployment).active_slots = 0;
  start_in(pending);
  auto reacquired = propose(StateType::Running);
  EXPECT_EQ(reacquired.status, SetStateStatus::Accept);
  EXPECT_NE(reacquired.state->details.deployment_concurrency_lease_id, lease);
  EXPECT_EQ(env.limit_of(deployment).active_slots, 1);

  start_in(pending);
  auto lost = propose(StateType::Running);
  EXPECT_EQ(lost.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(lost), "Deployment concurrency limit reached after lease expiry.");
  EXPECT_EQ(lost.state->type, StateType::Cancelled);
}

TEST_F(OrchestrationTest, OldClientAtRunning_RevokesTheLeaseButKeepsTheSlot) {
  Uuid deployment = env.add_deployment_limit(1, 1);
  run.deployment_id = deployment;
  Uuid lease = env.create_lease({*env.deployments[deployment]->concurrency_limit_id}, 300, 1, std::nullopt);
  auto pending = make(StateType::Pending);
  pending.details.deployment_concurrency_lease_id = lease;
  start_in(pending);
  EXPECT_EQ(propose(make(StateType::Running), PolicyKind::Core, std::nullopt, std::nullopt).status,
            SetStateStatus::Accept);
  EXPECT_EQ(env.revoked, std::vector<Uuid>{lease});
  EXPECT_EQ(env.limit_of(deployment).active_slots, 1);
}

TEST_F(OrchestrationTest, LeavingRunning_ReleasesTheDeploymentSlot) {
  Uuid deployment = env.add_deployment_limit(1, 1);
  run.deployment_id = deployment;
  Uuid lease = env.create_lease({*env.deployments[deployment]->concurrency_limit_id}, 300, 1, std::nullopt);
  auto running = make(StateType::Running);
  running.details.deployment_concurrency_lease_id = lease;
  start_in(running);
  EXPECT_EQ(propose(StateType::Completed).status, SetStateStatus::Accept);
  EXPECT_EQ(env.limit_of(deployment).active_slots, 0);
  EXPECT_FALSE(env.leases.contains(lease));
}

TEST_F(OrchestrationTest, LeavingRunningWithoutLease_DecrementsTheLimit) {
  Uuid deployment = env.add_deployment_limit(2, 2);
  run.deployment_id = deployment;
  start_in(make(StateType::Running));
  propose(StateType::Crashed);
  EXPECT_EQ(env.limit_of(deployment).active_slots, 1);
}

TEST_F(OrchestrationTest, LatePolicy_CancelsLateRunsOfFullCancelNewDeployments) {
  run.deployment_id = env.add_deployment_limit(1, 1, CollisionStrategy::CancelNew);
  start_in(make(StateType::Scheduled));
  auto result = propose(make(StateType::Scheduled, "Late"), PolicyKind::MarkLateRuns);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Deployment concurrency limit is full and uses the CANCEL_NEW strategy.");
  EXPECT_EQ(result.state->type, StateType::Cancelled);

  run.deployment_id = env.add_deployment_limit(1, 0, CollisionStrategy::CancelNew);
  start_in(make(StateType::Scheduled));
  EXPECT_EQ(propose(make(StateType::Scheduled, "Late"), PolicyKind::MarkLateRuns).status, SetStateStatus::Accept);
}

// ---- §3 force -------------------------------------------------------------------

TEST_F(OrchestrationTest, Force_SkipsGuardsButKeepsBookkeeping) {
  start_in(make(StateType::Running));
  auto result = propose(make(StateType::Pending), PolicyKind::Minimal);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_EQ(run.state_type, StateType::Pending);
  EXPECT_EQ(run.expected_start_time, kStart);
}

TEST_F(OrchestrationTest, Force_StillPreventsResultDataLoss) {
  auto completed = make(StateType::Completed);
  completed.data_json = R"({"storage_key": "k"})";
  start_in(completed);
  EXPECT_EQ(propose(make(StateType::Completed), PolicyKind::Minimal).status, SetStateStatus::Reject);
  EXPECT_EQ(propose(make(StateType::Running), PolicyKind::Minimal).status, SetStateStatus::Accept);
}

TEST_F(OrchestrationTest, Force_StillBypassesCancellingWithoutInfrastructure) {
  start_in(make(StateType::Scheduled));
  EXPECT_EQ(propose(make(StateType::Cancelling), PolicyKind::Minimal).state->type, StateType::Cancelled);
}

// ---- §5 CoreTaskPolicy ----------------------------------------------------------

class TaskOrchestrationTest : public OrchestrationTest {
 protected:
  Uuid flow_run_id = Uuid::v7();

  TaskOrchestrationTest() {
    run.kind = RunKind::Task;
    run.flow_run_id = flow_run_id;
    env.flow_runs[flow_run_id] = FlowRunSnapshot{flow_run_id, 1, make(StateType::Running)};
  }
};

TEST_F(TaskOrchestrationTest, Bookkeeping_TaskStateDetailsAndRunCount) {
  start_in(make(StateType::Pending));
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Accept);
  EXPECT_EQ(result.state->details.task_run_id, run.id);
  EXPECT_EQ(result.state->details.flow_run_id, flow_run_id);
  EXPECT_EQ(run.run_count, 1);
  EXPECT_EQ(run.flow_run_run_count, 1);
}

TEST_F(TaskOrchestrationTest, CacheHit_WritesACachedCopy) {
  auto cached = make(StateType::Completed);
  cached.data_json = R"({"storage_key": "r"})";
  env.cached = cached;
  env.cached_key = "key";
  start_in(make(StateType::Pending));
  auto running = make(StateType::Running);
  running.details.cache_key = "key";
  auto result = propose(running);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Retrieved state from cache");
  EXPECT_EQ(result.state->type, StateType::Completed);
  EXPECT_EQ(result.state->name, "Cached");
  EXPECT_NE(result.state->id, cached.id);
  EXPECT_EQ(result.state->data_json, cached.data_json);
  EXPECT_EQ(run.run_count, 0);

  start_in(make(StateType::Pending));
  running.details.refresh_cache = true;
  EXPECT_EQ(propose(running).status, SetStateStatus::Accept);
}

TEST_F(TaskOrchestrationTest, CompletedWithCacheKey_IsInsertedIntoTheCache) {
  start_in(make(StateType::Running));
  auto completed = make(StateType::Completed);
  completed.details.cache_key = "key";
  completed.details.cache_expiration = kStart.plus_seconds(60);
  auto result = propose(completed);
  ASSERT_EQ(env.cache_inserts.size(), 1U);
  EXPECT_EQ(std::get<0>(env.cache_inserts[0]), "key");
  EXPECT_EQ(std::get<1>(env.cache_inserts[0]), kStart.plus_seconds(60));
  EXPECT_EQ(std::get<2>(env.cache_inserts[0]), result.state->id);
}

TEST_F(TaskOrchestrationTest, OverlongCacheKey_IsWrittenWithStatusReject) {
  start_in(make(StateType::Running));
  auto completed = make(StateType::Completed);
  completed.details.cache_key = std::string(2001, 'k');
  auto result = propose(completed);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(result), "Cache key exceeded maximum allowed length of 2000 characters.");
  EXPECT_TRUE(result.state_written);
  EXPECT_EQ(result.state->type, StateType::Completed);
}

TEST_F(TaskOrchestrationTest, TerminalTask_GuardsAndRerunResetsRunCount) {
  auto completed = make(StateType::Completed);
  start_in(completed);
  auto crashed = propose(StateType::Crashed);
  EXPECT_EQ(crashed.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(crashed), "Run is already COMPLETED.");

  run.run_count = 3;
  run.flow_run_run_count = 1;
  env.flow_runs[flow_run_id].run_count = 2;  // the flow is retrying
  auto rerun = propose(StateType::Running);
  EXPECT_EQ(rerun.status, SetStateStatus::Accept);
  EXPECT_EQ(run.run_count, 1);
  EXPECT_EQ(rerun.state->name, "Retrying");
  EXPECT_EQ(run.flow_run_run_count, 2);

  completed.data_json = R"({"storage_key": "k"})";
  start_in(completed);
  auto again = propose(StateType::Running);
  EXPECT_EQ(again.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(again), "This run is already completed.");
}

TEST_F(TaskOrchestrationTest, TerminalRuleFizzled_RestoresRunCount) {
  start_in(make(StateType::Failed));
  run.run_count = 2;
  env.flow_runs[flow_run_id].state = make(StateType::Paused);
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Reject);
  EXPECT_EQ(result.state->name, "NotReady");
  EXPECT_EQ(run.run_count, 2);
}

TEST_F(TaskOrchestrationTest, StoppedFlow_BlocksRunningTasks) {
  start_in(make(StateType::Pending));
  env.flow_runs[flow_run_id].state = std::nullopt;
  auto no_state = propose(StateType::Running);
  EXPECT_EQ(no_state.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(no_state), "The enclosing flow must be running to begin task execution.");

  auto paused = make(StateType::Paused);
  paused.details.pause_timeout = kStart.plus_seconds(100);
  paused.details.pause_reschedule = true;
  env.flow_runs[flow_run_id].state = paused;
  auto not_ready = propose(StateType::Running);
  EXPECT_EQ(not_ready.status, SetStateStatus::Reject);
  EXPECT_EQ(reason_of(not_ready),
            "The flow is paused, new tasks can execute after resuming flow run: " + flow_run_id.to_string() + ".");
  EXPECT_EQ(not_ready.state->type, StateType::Paused);
  EXPECT_EQ(not_ready.state->details.pause_timeout, kStart.plus_seconds(100));
  EXPECT_TRUE(not_ready.state->details.pause_reschedule);

  start_in(make(StateType::Pending));
  env.flow_runs[flow_run_id].state = make(StateType::Completed);
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Abort);
}

TEST_F(TaskOrchestrationTest, MissingFlowRunAtRunning_IsNotFound) {
  env.flow_runs.clear();
  start_in(make(StateType::Pending));
  EXPECT_THROW(propose(StateType::Running), OrchestrationObjectNotFound);
}

TEST_F(TaskOrchestrationTest, TagLimitV2_TakesASlotAndReleasesItOnCompletion) {
  run.tags = {"db"};
  Uuid limit = env.add_tag_limit("db", 1);
  start_in(make(StateType::Pending));
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  EXPECT_EQ(env.limits.at(limit).active_slots, 1);
  ASSERT_EQ(env.leases.size(), 1U);
  EXPECT_EQ(env.leases.begin()->second.holder->type, "task_run");
  EXPECT_EQ(env.leases.begin()->second.holder->id, run.id);

  EXPECT_EQ(propose(StateType::Completed).status, SetStateStatus::Accept);
  EXPECT_EQ(env.limits.at(limit).active_slots, 0);
  EXPECT_TRUE(env.leases.empty());
}

TEST_F(TaskOrchestrationTest, TagLimitV2_FullWaitsAndZeroAborts) {
  run.tags = {"db", "api"};
  Uuid db = env.add_tag_limit("db", 1, 1);
  env.limits.at(db).avg_slot_occupancy_seconds = 4;
  env.add_tag_limit("api", 5);
  start_in(make(StateType::Pending));
  auto wait = propose(StateType::Running);
  EXPECT_EQ(wait.status, SetStateStatus::Wait);
  EXPECT_NE(reason_of(wait).find("Concurrency limit reached for tags: "), std::string::npos);
  EXPECT_GE(wait.details.delay_seconds, 0);
  EXPECT_LE(wait.details.delay_seconds, 6);  // at most 4·1.3, rounded

  env.add_tag_limit("zero", 0);
  run.tags = {"zero"};
  auto abort = propose(StateType::Running);
  EXPECT_EQ(abort.status, SetStateStatus::Abort);
  EXPECT_EQ(reason_of(abort),
            "The concurrency limit on tag \"zero\" is 0 and will deadlock if the task tries to run again.");
}

TEST_F(TaskOrchestrationTest, TagLimitV1_AddsTheRunOrWaits) {
  run.tags = {"legacy"};
  env.v1_limits = {TagConcurrencyLimitV1{"legacy", 1, {}}};
  start_in(make(StateType::Pending));
  EXPECT_EQ(propose(StateType::Running).status, SetStateStatus::Accept);
  EXPECT_EQ(env.v1_limits[0].active_slots, std::vector<std::string>{run.id.to_string()});

  OrchestrationRun other = run;
  std::swap(run, other);
  run.id = Uuid::v7();
  start_in(make(StateType::Pending));
  auto wait = propose(StateType::Running);
  EXPECT_EQ(wait.status, SetStateStatus::Wait);
  EXPECT_EQ(wait.details.delay_seconds, 10);
  EXPECT_EQ(reason_of(wait), "Concurrency limit for the legacy tag has been reached");

  std::swap(run, other);
  propose(StateType::Completed);
  EXPECT_TRUE(env.v1_limits[0].active_slots.empty());
}

TEST_F(TaskOrchestrationTest, TagSlotFizzledByALaterWait_IsGivenBack) {
  run.tags = {"db"};
  Uuid limit = env.add_tag_limit("db", 1);
  auto scheduled = make(StateType::Scheduled);
  scheduled.details.scheduled_time = kStart.plus_seconds(30);
  start_in(scheduled);
  auto result = propose(StateType::Running);
  EXPECT_EQ(result.status, SetStateStatus::Wait);
  EXPECT_EQ(env.limits.at(limit).active_slots, 0);
  EXPECT_TRUE(env.leases.empty());
}

TEST_F(TaskOrchestrationTest, RetryFailedTasks_UsesTheDelayListAndRenamesTheRerun) {
  run.task_policy.retries = 2;
  run.task_policy.retry_delays = std::vector<double>{1, 5};
  start_in(make(StateType::Pending));
  propose(StateType::Running);
  auto first = propose(StateType::Failed);
  EXPECT_EQ(first.status, SetStateStatus::Reject);
  EXPECT_EQ(first.state->name, "AwaitingRetry");
  EXPECT_EQ(first.state->details.scheduled_time, env.clock.plus_seconds(1));

  advance(1);
  auto retrying = propose(StateType::Running);
  EXPECT_EQ(retrying.state->name, "Retrying");
  auto second = propose(StateType::Failed);
  EXPECT_EQ(second.state->details.scheduled_time, env.clock.plus_seconds(5));

  advance(5);
  propose(StateType::Running);
  EXPECT_EQ(propose(StateType::Failed).status, SetStateStatus::Accept);
}

TEST_F(TaskOrchestrationTest, RetryFailedTasks_NotRetriableFailsAtOnce) {
  run.task_policy.retries = 3;
  start_in(make(StateType::Running));
  run.run_count = 1;
  auto failed = make(StateType::Failed);
  failed.details.retriable = false;
  EXPECT_EQ(propose(failed).status, SetStateStatus::Accept);
}

TEST_F(TaskOrchestrationTest, RetryFailedTasks_JitterStaysWithinTheClamp) {
  run.task_policy.retries = 1;
  run.task_policy.retry_delay = 10;
  run.task_policy.retry_jitter_factor = 0.5;
  start_in(make(StateType::Running));
  run.run_count = 1;
  env.random = 0.999;
  auto result = propose(StateType::Failed);
  auto delay = *result.state->details.scheduled_time;
  EXPECT_GT(delay, env.clock.plus_seconds(10));
  EXPECT_LE(delay, env.clock.plus_seconds(15));
}

TEST_F(TaskOrchestrationTest, RenameReruns_NamesARerunRerunning) {
  start_in(make(StateType::Pending));
  run.run_count = 1;
  EXPECT_EQ(propose(StateType::Running).state->name, "Rerunning");
}

TEST_F(TaskOrchestrationTest, PendingToPendingIsUnrestrictedForTasks) {
  start_in(make(StateType::Pending));
  EXPECT_EQ(propose(StateType::Pending).status, SetStateStatus::Accept);
}

TEST_F(TaskOrchestrationTest, Deferred_UsesTheBackgroundPolicyEvenWithForce) {
  run.flow_run_id.reset();
  auto pending = make(StateType::Pending);
  pending.details.deferred = true;
  start_in(pending);
  auto again = make(StateType::Pending);
  again.details.deferred = true;
  EXPECT_EQ(propose(again, PolicyKind::Minimal).status, SetStateStatus::Abort);
}

TEST_F(TaskOrchestrationTest, Deferred_ScheduledIsEnqueuedAndParametersIdCarried) {
  run.flow_run_id.reset();
  auto scheduled = make(StateType::Scheduled);
  scheduled.details.deferred = true;
  EXPECT_EQ(propose(scheduled).status, SetStateStatus::Accept);
  EXPECT_EQ(env.enqueued, std::vector<bool>{false});

  const Uuid parameters_id = Uuid::v4();
  run.state->details.task_parameters_id = parameters_id;
  auto pending = make(StateType::Pending);
  pending.details.deferred = true;
  EXPECT_EQ(propose(pending).state->details.task_parameters_id, parameters_id);
}

TEST_F(TaskOrchestrationTest, Force_UsesTheMinimalTaskPolicy) {
  start_in(make(StateType::Completed));
  EXPECT_EQ(propose(make(StateType::Crashed), PolicyKind::Minimal).status, SetStateStatus::Accept);
}

// ---- State and result JSON ---------------------------------------------------------

TEST(StateJson, StateDetails_StoredAsPythonJsonWithEveryKey) {
  StateDetails details;
  EXPECT_EQ(state_details_to_json(details),
            R"({"flow_run_id": null, "task_run_id": null, "child_flow_run_id": null, "scheduled_time": null, )"
            R"("cache_key": null, "cache_expiration": null, "deferred": false, "untrackable_result": false, )"
            R"("pause_timeout": null, "pause_reschedule": false, "pause_key": null, "run_input_keyset": null, )"
            R"("refresh_cache": null, "retriable": null, "transition_id": null, "task_parameters_id": null, )"
            R"("traceparent": null, "deployment_concurrency_lease_id": null})");
}

TEST(StateJson, StateDetails_RoundTripEveryField) {
  StateDetails details;
  details.flow_run_id = Uuid::v7();
  details.task_run_id = Uuid::v7();
  details.child_flow_run_id = Uuid::v7();
  details.scheduled_time = *Timestamp::parse("2026-08-21T10:05:00.123456Z");
  details.cache_key = "k\u00e9y";
  details.cache_expiration = kStart;
  details.deferred = std::nullopt;
  details.untrackable_result = true;
  details.pause_timeout = kStart.plus_seconds(1);
  details.pause_reschedule = true;
  details.pause_key = "p";
  details.run_input_keyset_json = R"({"description": "d", "response": "r", "schema": "s"})";
  details.refresh_cache = true;
  details.retriable = false;
  details.transition_id = Uuid::v4();
  details.task_parameters_id = Uuid::v4();
  details.traceparent = "00-abc-def-01";
  details.deployment_concurrency_lease_id = Uuid::v4();
  const auto stored = state_details_to_json(details);
  EXPECT_NE(stored.find(R"("scheduled_time": "2026-08-21T10:05:00.123456Z")"), std::string::npos);
  EXPECT_NE(stored.find(R"("cache_key": "k\u00e9y")"), std::string::npos);
  EXPECT_NE(stored.find(R"("deferred": null)"), std::string::npos);
  EXPECT_EQ(state_details_to_json(state_details_from_json(stored)), stored);
  auto back = state_details_from_json(stored);
  EXPECT_EQ(back.flow_run_id, details.flow_run_id);
  EXPECT_EQ(back.transition_id, details.transition_id);
  EXPECT_EQ(back.retriable, false);
  EXPECT_EQ(back.deferred, std::nullopt);
}

TEST(StateJson, StateCreate_FillsIdTimestampNameAndScheduledTime) {
  rapidjson::Document body;
  body.Parse(R"({"type": "SCHEDULED", "data": {"type": "unpersisted"}, "state_details": {"pause_key": "x"}})");
  auto state = state_from_create(body, kStart);
  EXPECT_EQ(state.type, StateType::Scheduled);
  EXPECT_EQ(state.name, "Scheduled");
  EXPECT_EQ(state.timestamp, kStart);
  EXPECT_EQ(state.details.scheduled_time, kStart);
  EXPECT_EQ(state.details.pause_key, "x");
  EXPECT_EQ(state.details.deferred, false);
  EXPECT_FALSE(state.has_persisted_data());
  EXPECT_EQ(state.id.bytes()[6] >> 4, 7);  // a UUIDv7

  body.Parse(R"({"type": "COMPLETED", "name": "Done", "message": null, "data": {"storage_key": "k"}})");
  auto completed = state_from_create(body, kStart);
  EXPECT_EQ(completed.name, "Done");
  EXPECT_FALSE(completed.message);
  EXPECT_TRUE(completed.has_persisted_data());
  EXPECT_FALSE(completed.details.scheduled_time);
}

TEST(StateJson, State_WrittenInSchemaOrder) {
  State state = make(StateType::Running);
  state.message = "m";
  state.data_json = R"({"a": [1, 2]})";
  rapidjson::Document written;
  written.Parse(to_json(state).c_str());
  std::vector<std::string> keys;
  for (const auto &member : written.GetObject()) keys.emplace_back(member.name.GetString());
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "type", "name", "timestamp", "message", "data", "state_details"}));
  EXPECT_STREQ(written["type"].GetString(), "RUNNING");
  EXPECT_STREQ(written["timestamp"].GetString(), "2026-08-21T10:00:00Z");
  EXPECT_EQ(written["data"]["a"][1].GetInt(), 2);
  EXPECT_EQ(written["state_details"].MemberCount(), 18U);
}

TEST(StateJson, OrchestrationResult_DetailsPerStatus) {
  OrchestrationResult accepted;
  EXPECT_EQ(to_json(accepted), R"({"state":null,"status":"ACCEPT","details":{"type":"accept_details"}})");
  OrchestrationResult waiting{SetStateStatus::Wait, StateResponseDetails::wait(10, "later"), std::nullopt, false};
  EXPECT_EQ(to_json(waiting),
            R"({"state":null,"status":"WAIT","details":{"type":"wait_details","delay_seconds":10,"reason":"later"}})");
  OrchestrationResult rejected{SetStateStatus::Reject, StateResponseDetails::reject("no"), make(StateType::Pending),
                               false};
  rapidjson::Document parsed;
  parsed.Parse(to_json(rejected).c_str());
  EXPECT_STREQ(parsed["details"]["type"].GetString(), "reject_details");
  EXPECT_STREQ(parsed["state"]["type"].GetString(), "PENDING");
}

TEST(RunPolicyJson, FlowPolicy_RoundTripsInModelOrder) {
  auto policy = flow_run_policy_from_json(R"({"max_retries": 2, "retry_delay_seconds": 5})");
  EXPECT_EQ(policy.retries, 2);
  EXPECT_EQ(policy.retry_delay, 5);
  policy.pause_keys = {"a"};
  policy.retry_type = "in_process";
  EXPECT_EQ(flow_run_policy_to_json(policy),
            R"({"max_retries": 2, "retry_delay_seconds": 5.0, "retries": 2, "retry_delay": 5, )"
            R"("pause_keys": ["a"], "resuming": false, "retry_type": "in_process"})");
  auto task = task_run_policy_from_json(R"({"retries": 3, "retry_delay": [1, 2.5], "retry_jitter_factor": 0.2})");
  EXPECT_EQ(task.retries, 3);
  EXPECT_EQ(task.retry_delays, (std::vector<double>{1, 2.5}));
  EXPECT_EQ(task.retry_jitter_factor, 0.2);
}

TEST(Versions, ComparesLikePackagingVersion) {
  auto v = [](const char *text) { return *Version::parse(text); };
  EXPECT_LT(v("0.8.3"), v("0.8.4"));
  EXPECT_EQ(v("3.4.11"), v("3.4.11.0"));
  EXPECT_LT(v("3.4.11rc1"), v("3.4.11"));
  EXPECT_LT(v("3.4.11.dev3"), v("3.4.11rc1"));
  EXPECT_LT(v("3.4.11"), v("3.4.11.post1"));
  EXPECT_GT(v("3.10.0"), v("3.4.11"));
  EXPECT_EQ(v("3.4.11+g1234"), v("3.4.11"));
  EXPECT_FALSE(Version::parse("banana"));
  EXPECT_EQ(client_version_from_user_agent("prefect/3.4.11 (API 0.8.4)"), "3.4.11");
  EXPECT_EQ(client_version_from_user_agent("prefect/3.0.0rc20 (API 0.8.4)"), "3.0.0rc20");
  EXPECT_FALSE(client_version_from_user_agent("curl/8.0"));
}

}  // namespace
}  // namespace prefectd
