// Proposing a state for a run: loads (and locks) the run, lets the
// orchestration policies decide, writes the outcome, all inside the
// caller's write transaction (orchestration.md §2).
#pragma once

#include "models/concurrency_limits_v2.h"
#include "orchestration/orchestration_settings.h"
#include "schemas/flow_run.h"
#include "schemas/state.h"
#include "schemas/task_run.h"

#include <optional>
#include <string>

namespace prefectd {

class ConcurrencyLeaseStorage;
class DatabaseInterface;
class Session;
class Settings;

struct ProposedTransition {
  State state;
  bool force = false;
  // X-PREFECT-API-VERSION, for the 0.8.3/0.8.4 switches (flow runs only).
  std::optional<std::string> api_version;
  // The client's Prefect version from its User-Agent; unknown counts as 2.0.0.
  std::optional<std::string> client_version;
};

struct TransitionOutcome {
  bool state_written = false;  // 201 rather than 200
  std::string result_json;     // the OrchestrationResult
  bool accepted = false;       // its status is ACCEPT
};

struct OrchestrationScope {
  DatabaseInterface &database;
  Session &session;
  const OrchestrationSettings &settings;
  const SlotWaitCaps &slot_waits;
  ConcurrencyLeaseStorage &leases;
};

// The settings orchestration reads, resolved once (at start-up).
OrchestrationSettings orchestration_settings(const Settings &settings);

// Throws HttpError 404 (`exception_message`) when there is no such run.
TransitionOutcome set_flow_run_state(OrchestrationScope scope, const Uuid &flow_run_id, ProposedTransition proposal);
TransitionOutcome set_task_run_state(OrchestrationScope scope, const Uuid &task_run_id, ProposedTransition proposal);

// Creates a run with its first state, applied with force (orchestration.md
// §8), and returns it as a read of it would answer. Returns nullopt when
// the run's key is taken, Prefect answering the existing run then: the
// flow's idempotency key (flow runs), or the flow run's task and dynamic
// key (task runs). The key is looked up before anything is written, but a
// concurrent transaction can insert it meanwhile (PostgreSQL), after this
// orchestration's side effects: the caller then rolls its transaction back.
std::optional<FlowRun> create_flow_run(OrchestrationScope scope, FlowRun run, State first_state,
                                       std::optional<std::string> api_version);
std::optional<TaskRun> create_task_run(OrchestrationScope scope, TaskRun run, State first_state);

}  // namespace prefectd
