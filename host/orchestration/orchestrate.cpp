#include "orchestrate.h"

#include "database/database_error.h"

#include <spdlog/spdlog.h>

namespace prefectd {
namespace {

PolicyKind effective_policy(RunKind kind, const OrchestrationRequest &request) {
  if (kind == RunKind::Flow) return request.policy == PolicyKind::Background ? PolicyKind::Core : request.policy;
  if (request.proposed_state.details.deferred == true) return PolicyKind::Background;
  return request.policy == PolicyKind::Minimal ? PolicyKind::Minimal : PolicyKind::Core;
}

// Validation: write the proposal, or settle on the current state when
// there is none. Returns a retryable database failure to re-raise.
std::exception_ptr validate_proposed_state(OrchestrationContext &context) {
  if (!context.proposed_state) {
    context.validated_state = context.run.state;
    return nullptr;
  }
  try {
    State written = context.environment.write_state(context.run, *context.proposed_state);
    context.run.state = written;
    context.validated_state = std::move(written);
    context.state_written = true;
    return nullptr;
  } catch (const DatabaseError &error) {
    spdlog::error("Encountered error during state validation: {}", error.what());
    context.proposed_state.reset();
    if (error.retryable()) return std::current_exception();
    context.status = SetStateStatus::Abort;
    context.details = StateResponseDetails::abort(std::string("Error validating state: ") + error.what());
  } catch (const std::exception &error) {
    spdlog::error("Encountered error during state validation: {}", error.what());
    context.proposed_state.reset();
    context.status = SetStateStatus::Abort;
    context.details = StateResponseDetails::abort(std::string("Error validating state: ") + error.what());
  }
  return nullptr;
}

OrchestrationResult orchestrate(RunKind kind, OrchestrationRun &run, const OrchestrationRequest &request,
                                OrchestrationEnvironment &environment) {
  OrchestrationContext context{.run = run,
                               .environment = environment,
                               .settings = request.settings,
                               .initial_state = run.state,
                               .proposed_state = request.proposed_state};
  if (kind == RunKind::Flow && request.api_version) context.api_version = Version::parse(*request.api_version);
  context.client_version = request.client_version;

  const auto from = context.initial_state_type();
  const auto to = context.proposed_state_type();
  const auto policy = effective_policy(kind, request);
  auto rules = kind == RunKind::Flow ? compile_flow_rules(policy, from, to) : compile_task_rules(policy, from, to);

  // Enter like nested context managers, validate, then exit in reverse.
  std::exception_ptr failure;
  size_t entered = 0;
  try {
    for (; entered < rules.size(); ++entered) rules[entered]->enter(context, from, to);
  } catch (...) {
    failure = std::current_exception();  // a universal transform raised: no validation
  }
  if (!failure) failure = validate_proposed_state(context);
  while (entered > 0) {
    try {
      rules[--entered]->exit(context);
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  if (context.orchestration_error) std::rethrow_exception(context.orchestration_error);

  return OrchestrationResult{.status = context.status,
                             .details = context.details,
                             .state = context.validated_state,
                             .state_written = context.state_written};
}

}  // namespace

OrchestrationResult orchestrate_flow_run(OrchestrationRun &run, const OrchestrationRequest &request,
                                         OrchestrationEnvironment &environment) {
  return orchestrate(RunKind::Flow, run, request, environment);
}

OrchestrationResult orchestrate_task_run(OrchestrationRun &run, const OrchestrationRequest &request,
                                         OrchestrationEnvironment &environment) {
  return orchestrate(RunKind::Task, run, request, environment);
}

State awaiting_retry_state(Timestamp scheduled_time, Timestamp now, Uuid id) {
  State state;
  state.id = id;
  state.type = StateType::Scheduled;
  state.name = "AwaitingRetry";
  state.timestamp = now;
  state.details.scheduled_time = scheduled_time;
  return state;
}

std::optional<State> resume_proposal(const std::optional<State> &current_state, Timestamp now, Uuid id) {
  if (!current_state || current_state->type != StateType::Paused) return std::nullopt;
  State state;
  state.id = id;
  state.timestamp = now;
  if (current_state->details.pause_reschedule) {
    state.type = StateType::Scheduled;
    state.name = "Resuming";
    state.details.scheduled_time = now;
  } else {
    state.type = StateType::Running;
    state.name = default_state_name(StateType::Running);
  }
  return state;
}

OrchestrationResult not_paused_resume_result() {
  return OrchestrationResult{.status = SetStateStatus::Abort,
                             .details = StateResponseDetails::abort("Cannot resume a flow run that is not paused."),
                             .state = std::nullopt,
                             .state_written = false};
}

}  // namespace prefectd
