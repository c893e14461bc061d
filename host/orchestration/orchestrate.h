// The entry points: orchestrate one proposed state for one run
// (orchestration.md §2). Pure with respect to storage: everything outside
// the run goes through the OrchestrationEnvironment.
#pragma once

#include "orchestration/orchestration_environment.h"
#include "orchestration/orchestration_result.h"
#include "orchestration/orchestration_run.h"
#include "orchestration/orchestration_settings.h"
#include "orchestration/policies.h"
#include "schemas/state.h"

#include <optional>
#include <string>

namespace prefectd {

struct OrchestrationRequest {
  State proposed_state;                  // e.g. state_from_create(body, environment.now())
  PolicyKind policy = PolicyKind::Core;  // policy_for_force(force); task runs ignore MarkLateRuns
  // X-PREFECT-API-VERSION as sent; flow-run endpoints only (task-run
  // set_state passes none). Unparseable text counts as absent.
  std::optional<std::string> api_version;
  // From the User-Agent (client_version_from_user_agent); nullopt = unknown.
  std::optional<std::string> client_version;
  OrchestrationSettings settings;
};

// `run` holds the current state (run.state) on input and is updated in
// place: state, state_type/name/timestamp, times, counts, empirical policy.
// The caller persists it after this returns (same transaction).
// Exceptions from before hooks (after the other hooks have run) and from
// after hooks are re-thrown; OrchestrationObjectNotFound means 404, a
// retryable DatabaseError 503, anything else 500.
OrchestrationResult orchestrate_flow_run(OrchestrationRun &run, const OrchestrationRequest &request,
                                         OrchestrationEnvironment &environment);
// Deferred proposals (state_details.deferred) use the background policy
// whatever request.policy says.
OrchestrationResult orchestrate_task_run(OrchestrationRun &run, const OrchestrationRequest &request,
                                         OrchestrationEnvironment &environment);

// Well-known states orchestration and its callers propose.
State awaiting_retry_state(Timestamp scheduled_time, Timestamp now, Uuid id);

// POST /flow_runs/{id}/resume, after the caller checked run_input: the
// proposal for a PAUSED run (Scheduled "Resuming" at now when the pause
// reschedules, else Running), or nullopt when the run is not paused; then
// answer not_paused_resume_result().
std::optional<State> resume_proposal(const std::optional<State> &current_state, Timestamp now, Uuid id);
OrchestrationResult not_paused_resume_result();

}  // namespace prefectd
