#include "run_orchestration.h"

#include "api/error_responses.h"
#include "concurrency/lease_storage.h"
#include "concurrency_limits_v1.h"
#include "concurrency_limits_v2.h"
#include "core/json_string_list.h"
#include "database/database_interface.h"
#include "flow_runs.h"
#include "orchestration/orchestrate.h"
#include "run_states.h"
#include "settings/settings.h"
#include "task_runs.h"

#include <rapidjson/document.h>

#include <type_traits>
#include <utility>

namespace prefectd {
namespace {

// The bookkeeping both kinds of run share, into orchestration's view and
// back (apply_common).
template <class Run>
void view_common(const Run &run, OrchestrationRun &view) {
  view.run_count = run.run_count;
  view.start_time = run.start_time;
  view.end_time = run.end_time;
  view.total_run_time_micros = run.total_run_time_micros;
  view.expected_start_time = run.expected_start_time;
  view.next_scheduled_start_time = run.next_scheduled_start_time;
  view.state = run.state;
  view.state_type = run.state_type;
  view.state_name = run.state_name;
  view.state_timestamp = run.state_timestamp;
}

OrchestrationRun orchestration_view(const FlowRun &run) {
  OrchestrationRun view;
  view.kind = RunKind::Flow;
  view.id = run.id;
  view.parent_task_run_id = run.parent_task_run_id;
  view.deployment_id = run.deployment_id;
  view.infrastructure_pid = run.infrastructure_pid;
  view.flow_policy = flow_run_policy_from_json(run.empirical_policy_json);
  view_common(run, view);
  return view;
}

OrchestrationRun orchestration_view(const TaskRun &run) {
  OrchestrationRun view;
  view.kind = RunKind::Task;
  view.id = run.id;
  view.flow_run_id = run.flow_run_id;
  view.task_key = run.task_key;
  view.tags = json_string_list(run.tags_json);
  view.flow_run_run_count = run.flow_run_run_count;
  view.task_policy = task_run_policy_from_json(run.empirical_policy_json);
  view_common(run, view);
  return view;
}

template <class Run>
void apply_common(const OrchestrationRun &view, Run &run) {
  run.run_count = view.run_count;
  run.start_time = view.start_time;
  run.end_time = view.end_time;
  run.total_run_time_micros = view.total_run_time_micros;
  run.expected_start_time = view.expected_start_time;
  run.next_scheduled_start_time = view.next_scheduled_start_time;
  run.state = view.state;
  run.state_id = view.state ? std::optional(view.state->id) : std::nullopt;
  run.state_type = view.state_type;
  run.state_name = view.state_name;
  run.state_timestamp = view.state_timestamp;
}

void apply(const OrchestrationRun &view, FlowRun &run) {
  apply_common(view, run);
  run.empirical_policy_json = flow_run_policy_to_json(view.flow_policy);
}

void apply(const OrchestrationRun &view, TaskRun &run) {
  apply_common(view, run);
  run.flow_run_run_count = view.flow_run_run_count;
}

// Orchestration's view of the database, inside the caller's transaction.
// Deployment limits keep the base class's "none configured" answer until
// deployments get an API (issue 5, T2).
class DatabaseEnvironment final : public OrchestrationEnvironment {
 public:
  // `new_run`: a run being created and not inserted yet, which has no
  // states; its first state is held, not written (take_first_state).
  DatabaseEnvironment(OrchestrationScope scope, std::optional<Uuid> new_run) : scope_(scope), new_run_(new_run) {}

  const OrchestrationSettings &settings() const { return scope_.settings; }

  std::optional<State> take_first_state() { return std::exchange(first_state_, std::nullopt); }

  Timestamp now() override { return Timestamp::now(); }

  State write_state(const OrchestrationRun &run, const State &proposed) override {
    if (new_run_ == run.id) {
      first_state_ = proposed;
      return proposed;
    }
    State written = proposed;
    insert_run_state(scope_.database, scope_.session, run.kind, run.id, written);
    return written;
  }

  bool flow_run_state_exists_at(const Uuid &flow_run_id, Timestamp timestamp) override {
    if (new_run_ == flow_run_id) return false;  // spares the one writer's turn a query
    return run_state_timestamp_taken(scope_.database, scope_.session, RunKind::Flow, flow_run_id, timestamp);
  }

  // Kept for the rest of the orchestration: a task run's rules and its
  // bookkeeping each ask for the same flow run, which nothing here writes.
  std::optional<FlowRunSnapshot> read_flow_run(const Uuid &flow_run_id) override {
    if (flow_run_read_ && flow_run_read_->first == flow_run_id) return flow_run_read_->second;
    auto run = prefectd::read_flow_run(scope_.database, scope_.session, flow_run_id);
    std::optional<FlowRunSnapshot> snapshot;
    if (run) snapshot = FlowRunSnapshot{run->id, run->run_count, run->state};
    flow_run_read_.emplace(flow_run_id, snapshot);
    return snapshot;
  }

  void mirror_state_to_parent_task_run(const Uuid &parent_task_run_id, const State &state) override {
    auto task = read_task_run(scope_.database, scope_.session, parent_task_run_id);
    if (!task) throw OrchestrationObjectNotFound("Task run with id " + parent_task_run_id.to_string() + " not found");
    force_task_run_state(*task, state);
  }

  void reset_failed_task_runs_for_retry(const Uuid &flow_run_id, Timestamp scheduled_time) override {
    const QueryComponents &q = scope_.database.queries();
    Statement failed = scope_.session.prepare("SELECT id FROM task_run WHERE flow_run_id = " + q.placeholder(1) +
                                              " AND state_type = " + q.placeholder(2));
    failed.bind(1, flow_run_id).bind(2, "FAILED");
    std::vector<Uuid> ids;
    while (failed.step()) ids.push_back(*failed.uuid(0));
    for (const Uuid &id : ids) {
      auto task = read_task_run(scope_.database, scope_.session, id);
      if (!task) continue;
      task->run_count = 0;
      force_task_run_state(*task, awaiting_retry_state(scheduled_time, now(), new_state_id()));
    }
  }

  std::optional<State> find_cached_state(const std::string &cache_key, Timestamp at) override {
    const QueryComponents &q = scope_.database.queries();
    Statement find =
        scope_.session.prepare("SELECT " + state_columns("s", "a") +
                               " FROM task_run_state_cache c JOIN task_run_state s ON s.id = c.task_run_state_id"
                               " LEFT JOIN artifact a ON a.id = s.result_artifact_id WHERE c.cache_key = " +
                               q.placeholder(1) + " AND (c.cache_expiration IS NULL OR c.cache_expiration > " +
                               q.placeholder(2) + ") ORDER BY c.created DESC LIMIT 1");
    find.bind(1, cache_key).bind(2, at);
    if (!find.step()) return std::nullopt;
    return state_from_columns(find, 0);
  }

  void insert_cache_entry(const std::string &cache_key, std::optional<Timestamp> cache_expiration,
                          const Uuid &task_run_state_id) override {
    const QueryComponents &q = scope_.database.queries();
    scope_.session
        .prepare(
            "INSERT INTO task_run_state_cache (id, created, cache_key, cache_expiration, task_run_state_id, "
            "updated) VALUES (" +
            q.placeholder_list(1, 5) + ", " + q.placeholder(2) + ")")
        .bind(1, Uuid::v7())
        .bind(2, Timestamp::now())
        .bind(3, cache_key)
        .bind(4, cache_expiration)
        .bind(5, task_run_state_id)
        .execute();
  }

  // ---- concurrency: v2 limits in concurrency_limit_v2, leases in the
  // process's lease storage, legacy v1 rows in concurrency_limit.

  std::vector<ConcurrencyLimitV2> read_concurrency_limits_v2(const std::vector<std::string> &names) override {
    std::vector<ConcurrencyLimitV2> limits;
    for (const auto &row : read_concurrency_limits_v2_named(scope_.database, scope_.session, names)) {
      limits.push_back({row.id, row.name, row.active, row.limit, row.active_slots, row.avg_slot_occupancy_seconds});
    }
    return limits;
  }

  // Joins the orchestration transaction even when asked for its own: on
  // SQLite a second write transaction would wait for this one's lock, and
  // on PostgreSQL a second connection per orchestrating worker can drain
  // the pool under load. The row lock is then held until the proposal
  // commits (milliseconds), and a failed proposal takes its slot back.
  bool increment_concurrency_slots(const std::vector<Uuid> &limit_ids, int64_t slots, bool) override {
    return increment_concurrency_slots_v2(scope_.database, scope_.session, limit_ids, slots, scope_.slot_waits);
  }

  bool decrement_concurrency_slots(const std::vector<Uuid> &limit_ids, int64_t slots) override {
    return decrement_concurrency_slots_v2(scope_.database, scope_.session, limit_ids, slots, std::nullopt,
                                          scope_.slot_waits);
  }

  Uuid create_lease(const std::vector<Uuid> &resource_ids, double ttl_seconds, int64_t slots,
                    const std::optional<ConcurrencyLeaseHolder> &holder) override {
    return scope_.leases.create(resource_ids, ttl_seconds, slots, holder).id;
  }

  std::optional<ConcurrencyLease> read_lease(const Uuid &lease_id) override {
    auto lease = scope_.leases.read(lease_id);
    if (!lease) return std::nullopt;
    return ConcurrencyLease{lease->id, lease->resource_ids, lease->slots};
  }

  bool renew_lease(const Uuid &lease_id, double ttl_seconds) override {
    return scope_.leases.renew(lease_id, ttl_seconds);
  }

  void revoke_lease(const Uuid &lease_id) override { scope_.leases.revoke(lease_id); }

  std::vector<Uuid> lease_ids_held_by(const Uuid &limit_id, const Uuid &holder_id) override {
    std::vector<Uuid> ids;
    for (const auto &[lease_id, holder] : scope_.leases.holders_for_limit(limit_id)) {
      if (holder.id == holder_id) ids.push_back(lease_id);
    }
    return ids;
  }

  std::vector<TagConcurrencyLimitV1> read_tag_concurrency_limits_v1(const std::vector<std::string> &tags) override {
    std::vector<TagConcurrencyLimitV1> limits;
    for (auto &row : read_concurrency_limits_v1_for_tags(scope_.database, scope_.session, tags)) {
      limits.push_back({row.tag, row.concurrency_limit, std::move(row.active_slots)});
    }
    return limits;
  }

  void write_tag_active_slots_v1(const std::string &tag, const std::vector<std::string> &active_slots) override {
    write_concurrency_limit_v1_slots(scope_.database, scope_.session, tag, active_slots);
  }

 private:
  // MinimalTaskPolicy plus the global transforms, then persisted: how
  // Prefect forces a state onto a task run from inside another
  // orchestration.
  void force_task_run_state(TaskRun &task, State state) {
    OrchestrationRun view = orchestration_view(task);
    OrchestrationRequest request{std::move(state), PolicyKind::Minimal, std::nullopt, std::nullopt, scope_.settings};
    orchestrate_task_run(view, request, *this);
    const TaskRun before = task;
    apply(view, task);
    save_orchestrated_task_run(scope_.database, scope_.session, before, task);
  }

  OrchestrationScope scope_;
  std::optional<std::pair<Uuid, std::optional<FlowRunSnapshot>>> flow_run_read_;
  std::optional<Uuid> new_run_;
  std::optional<State> first_state_;
};

// Orchestration errors that are answers, not failures.
template <class Body>
auto answering_not_found(Body &&body) {
  try {
    return body();
  } catch (const OrchestrationObjectNotFound &missing) {
    throw_exception_message(404, missing.what());
  }
}

// Orchestrates `run` as read (and locked) in the scope's transaction and
// writes back what changed.
TransitionOutcome orchestrate_and_save(OrchestrationScope scope, const FlowRun &run, ProposedTransition proposal) {
  return answering_not_found([&] {
    DatabaseEnvironment environment(scope, std::nullopt);
    OrchestrationRun view = orchestration_view(run);
    OrchestrationRequest request{std::move(proposal.state), policy_for_force(proposal.force),
                                 std::move(proposal.api_version), std::move(proposal.client_version),
                                 environment.settings()};
    OrchestrationResult result = orchestrate_flow_run(view, request, environment);
    const bool policy_changed = flow_run_policy_to_json(view.flow_policy) !=
                                flow_run_policy_to_json(flow_run_policy_from_json(run.empirical_policy_json));
    if (result.state_written || policy_changed) {
      FlowRun after = run;
      apply(view, after);
      save_orchestrated_flow_run(scope.database, scope.session, run, after);
    }
    return TransitionOutcome{result.state_written, to_json(result), result.status == SetStateStatus::Accept};
  });
}

TransitionOutcome orchestrate_and_save(OrchestrationScope scope, const TaskRun &run, ProposedTransition proposal) {
  return answering_not_found([&] {
    DatabaseEnvironment environment(scope, std::nullopt);
    OrchestrationRun view = orchestration_view(run);
    // Task-run set_state passes no API version (orchestration.md §2).
    OrchestrationRequest request{std::move(proposal.state), policy_for_force(proposal.force), std::nullopt,
                                 std::move(proposal.client_version), environment.settings()};
    OrchestrationResult result = orchestrate_task_run(view, request, environment);
    if (result.state_written || view.run_count != run.run_count) {
      TaskRun after = run;
      apply(view, after);
      save_orchestrated_task_run(scope.database, scope.session, run, after);
    }
    return TransitionOutcome{result.state_written, to_json(result), result.status == SetStateStatus::Accept};
  });
}

// A new run's first state, applied with force (orchestration.md §8) before
// the run is inserted, so that its row is written once with the state's
// columns instead of inserted and then updated: each updated column is one
// more index rewritten in the one writer's turn. Returns the state to write
// once the run row is; `run` gets what orchestration set.
template <class Run>
std::optional<State> orchestrate_first_state(OrchestrationScope scope, Run &run, State state,
                                             std::optional<std::string> api_version) {
  return answering_not_found([&] {
    DatabaseEnvironment environment(scope, run.id);
    OrchestrationRun view = orchestration_view(run);
    OrchestrationRequest request{std::move(state), policy_for_force(/*force=*/true), std::move(api_version),
                                 std::nullopt, environment.settings()};
    if constexpr (std::is_same_v<Run, FlowRun>) {
      orchestrate_flow_run(view, request, environment);
    } else {
      orchestrate_task_run(view, request, environment);
    }
    apply(view, run);
    return environment.take_first_state();
  });
}

// Writes the state orchestrate_first_state held, now that its run exists,
// and makes it the run's current state as a read would answer it.
template <class Run>
void write_first_state(OrchestrationScope scope, RunKind kind, Run &run, State state) {
  insert_run_state(scope.database, scope.session, kind, run.id, state);
  drop_unkept_data(state);
  run.state_id = state.id;
  run.state = std::move(state);
}

}  // namespace

OrchestrationSettings orchestration_settings(const Settings &settings) {
  OrchestrationSettings resolved;
  resolved.tag_concurrency_slot_wait_seconds =
      settings.number("PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS");
  resolved.deployment_concurrency_slot_wait_seconds =
      settings.number("PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS");
  resolved.initial_deployment_lease_duration_seconds =
      settings.number("PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION");
  resolved.max_cache_key_length = static_cast<size_t>(settings.integer("PREFECT_SERVER_TASKS_MAX_CACHE_KEY_LENGTH"));
  return resolved;
}

TransitionOutcome set_flow_run_state(OrchestrationScope scope, const Uuid &flow_run_id, ProposedTransition proposal) {
  const auto run = read_flow_run(scope.database, scope.session, flow_run_id, /*for_update=*/true);
  if (!run) throw_exception_message(404, "Flow run with id " + flow_run_id.to_string() + " not found");
  return orchestrate_and_save(scope, *run, std::move(proposal));
}

TransitionOutcome set_task_run_state(OrchestrationScope scope, const Uuid &task_run_id, ProposedTransition proposal) {
  const auto run = read_task_run(scope.database, scope.session, task_run_id);
  if (!run) throw_exception_message(404, "Task run with id " + task_run_id.to_string() + " not found");
  return orchestrate_and_save(scope, *run, std::move(proposal));
}

std::optional<FlowRun> create_flow_run(OrchestrationScope scope, FlowRun run, State first_state,
                                       std::optional<std::string> api_version) {
  if (run.idempotency_key &&
      flow_run_with_idempotency_key(scope.database, scope.session, run.flow_id, *run.idempotency_key)) {
    return std::nullopt;
  }
  std::optional<State> state = orchestrate_first_state(scope, run, std::move(first_state), std::move(api_version));
  if (!insert_flow_run(scope.database, scope.session, run)) return std::nullopt;
  if (state) {
    write_first_state(scope, RunKind::Flow, run, std::move(*state));
    link_flow_run_state(scope.database, scope.session, run.id, *run.state_id);
  }
  return run;
}

std::optional<TaskRun> create_task_run(OrchestrationScope scope, TaskRun run, State first_state) {
  if (task_run_with_natural_key(scope.database, scope.session, run)) return std::nullopt;
  std::optional<State> state = orchestrate_first_state(scope, run, std::move(first_state), std::nullopt);
  if (!insert_task_run(scope.database, scope.session, run)) return std::nullopt;
  if (state) {
    write_first_state(scope, RunKind::Task, run, std::move(*state));
    link_task_run_state(scope.database, scope.session, run.id, *run.state_id);
  }
  return run;
}

}  // namespace prefectd
