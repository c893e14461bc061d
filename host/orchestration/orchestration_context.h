// One proposal being orchestrated: the run, the initial and proposed
// states, the response being built, and the inputs (versions, settings,
// environment) rules consult.
#pragma once

#include "orchestration/orchestration_environment.h"
#include "orchestration/orchestration_result.h"
#include "orchestration/orchestration_run.h"
#include "orchestration/orchestration_settings.h"
#include "orchestration/versions.h"
#include "schemas/state.h"

#include <exception>
#include <optional>
#include <string>

namespace prefectd {

struct OrchestrationContext {
  OrchestrationRun &run;
  OrchestrationEnvironment &environment;
  const OrchestrationSettings &settings;

  // The run's state when the proposal arrived (None for a run without one).
  const std::optional<State> initial_state;
  // What will be written; rules replace or nullify it.
  std::optional<State> proposed_state;
  // What was written (or the current state when nothing was), set by
  // validation; after and cleanup hooks read it.
  std::optional<State> validated_state{};
  bool state_written = false;

  SetStateStatus status = SetStateStatus::Accept;
  StateResponseDetails details{};

  // The api-version parameter (flow runs only) and the client version.
  std::optional<Version> api_version{};
  std::optional<std::string> client_version{};

  // The first exception raised by a before hook; re-raised at the end.
  std::exception_ptr orchestration_error{};

  std::optional<StateType> initial_state_type() const;
  std::optional<StateType> proposed_state_type() const;
  Timestamp now() const { return environment.now(); }

  // API version unknown or ≥ 0.8.4: the pause/resume bookkeeping applies.
  bool tracks_pause_bookkeeping() const;
  // API version known and < 0.8.3: the legacy flow retry.
  bool uses_legacy_flow_retry() const;
  // The client version, or 2.0.0 when unknown, is ≥ 3.4.11.
  bool client_supports_deployment_leases() const;
};

}  // namespace prefectd
