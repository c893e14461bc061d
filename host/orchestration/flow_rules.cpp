// CoreFlowPolicy's rules other than deployment concurrency
// (orchestration.md §4), and PreventResultDataLoss of the minimal policy.
#include "rules.h"

#include <algorithm>
#include <cctype>

namespace prefectd::rules {
namespace {

std::string lower_case(std::string text) {
  for (auto &c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

constexpr const char *kDataLossReason =
    "Cannot overwrite a COMPLETED state that carries persisted result data with one that does not.";

bool would_lose_result_data(const State &initial, const State &proposed) {
  return initial.type == StateType::Completed && proposed.type == StateType::Completed &&
         carries_persisted_result(initial) && !proposed.has_persisted_data();
}

// Workers send an explicit null lease id; the lease stays with the run.
class PreserveDeploymentConcurrencyLeaseId final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "PreserveDeploymentConcurrencyLeaseId"; }
  bool is_universal_transform() const override { return true; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &lease_id = context.initial_state->details.deployment_concurrency_lease_id;
    auto &proposed = context.proposed_state->details.deployment_concurrency_lease_id;
    if (lease_id && !proposed) proposed = lease_id;
  }
};

// A retried request with the same transition id gets the current state back.
class PreventDuplicateTransitions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "PreventDuplicateTransitions"; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial_id = context.initial_state->details.transition_id;
    const auto &proposed_id = context.proposed_state->details.transition_id;
    if (initial_id && proposed_id && *initial_id == *proposed_id) {
      reject_transition(context, std::nullopt, "This run has already made this state transition.");
    }
  }
};

class HandleFlowTerminalStateTransitions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "HandleFlowTerminalStateTransitions"; }
  StateTypeSet from_states() const override { return StateTypeSet::terminal(); }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial = *context.initial_state;
    const auto &proposed = *context.proposed_state;
    original_policy_ = context.run.flow_policy;
    if (proposed.type == StateType::Cancelling || proposed.type == StateType::Paused ||
        proposed.type == StateType::Crashed) {
      abort_transition(context, "Run is already in terminal state " + std::string(to_string(initial.type)) + ".");
      return;
    }
    if (initial.type == StateType::Completed && !is_final(proposed.type) && carries_persisted_result(initial)) {
      reject_transition(context, std::nullopt, "Run is already COMPLETED.");
      return;
    }
    if (would_lose_result_data(initial, proposed)) {
      reject_transition(context, std::nullopt, kDataLossReason);
      return;
    }
    if (proposed.type == StateType::Scheduled && !context.run.deployment_id) {
      abort_transition(context, "Cannot reschedule a run without an associated deployment.");
      return;
    }
    if (!is_final(proposed.type) && context.tracks_pause_bookkeeping()) {
      auto &policy = context.run.flow_policy;
      policy.resuming = false;
      policy.pause_keys.clear();
      policy.retry_type =
          proposed.type == StateType::Scheduled ? std::optional<std::string>("reschedule") : std::nullopt;
    }
  }

  void cleanup(OrchestrationContext &context) override {
    if (original_policy_) context.run.flow_policy = *original_policy_;
  }

 private:
  std::optional<FlowRunPolicy> original_policy_;
};

class EnforceCancellingToCancelledTransition final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "EnforceCancellingToCancelledTransition"; }
  StateTypeSet from_states() const override { return {StateType::Cancelling}; }
  StateTypeSet to_states() const override { return StateTypeSet::all().without({StateType::Cancelled}); }

 protected:
  void before_transition(OrchestrationContext &context) override {
    reject_transition(context, std::nullopt,
                      "Cannot transition flows that are cancelling to a state other than Cancelled.");
  }
};

// Nothing runs yet, so there is nothing to cancel: go straight to Cancelled.
class BypassCancellingFlowRunsWithNoInfra final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "BypassCancellingFlowRunsWithNoInfra"; }
  StateTypeSet from_states() const override { return {StateType::Scheduled, StateType::Paused}; }
  StateTypeSet to_states() const override { return {StateType::Cancelling}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial = *context.initial_state;
    const bool no_infrastructure = !context.run.infrastructure_pid || context.run.infrastructure_pid->empty();
    if ((initial.type == StateType::Scheduled && no_infrastructure) || initial.name == "Resuming") {
      reject_transition(context, make_state(context, StateType::Cancelled),
                        "Scheduled flow run has no infrastructure to terminate.");
    } else if (initial.type == StateType::Paused && initial.details.pause_reschedule) {
      reject_transition(context, make_state(context, StateType::Cancelled),
                        "Suspended flow run has no infrastructure to terminate.");
    }
  }
};

class EnsureOnlyScheduledFlowsMarkedLate final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "EnsureOnlyScheduledFlowsMarkedLate"; }
  StateTypeSet to_states() const override { return {StateType::Scheduled}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    if (context.proposed_state->name != "Late") return;
    if (context.initial_state->type != StateType::Scheduled) {
      reject_transition(context, std::nullopt, "Only scheduled flows can be marked late.");
    } else if (context.initial_state->name == "Late") {
      reject_transition(context, std::nullopt, "This flow run is already marked late.");
    }
  }
};

class HandlePausingFlows final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "HandlePausingFlows"; }
  StateTypeSet to_states() const override { return {StateType::Paused}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.proposed_state) return;
    const auto &proposed = *context.proposed_state;
    const std::string verb = proposed.name == "Suspended" ? "suspend" : "pause";
    if (!context.initial_state) {
      abort_transition(context, "Cannot " + verb + " flows with no state.");
      return;
    }
    if (context.initial_state->type != StateType::Running) {
      reject_transition(context, std::nullopt, "Cannot " + verb + " flows that are not currently running.");
      return;
    }
    key_ = proposed.details.pause_key ? *proposed.details.pause_key : context.environment.random_pause_key();
    const auto &keys = context.run.flow_policy.pause_keys;
    if (std::find(keys.begin(), keys.end(), key_) != keys.end()) {
      reject_transition(context, std::nullopt, "This " + verb + " has already fired.");
      return;
    }
    if (proposed.details.pause_reschedule) {
      if (context.run.parent_task_run_id) {
        abort_transition(context, "Cannot " + verb + " subflows.");
        return;
      }
      if (!context.run.deployment_id) {
        abort_transition(context, "Cannot " + verb + " flows without a deployment.");
        return;
      }
    }
  }

  void after_transition(OrchestrationContext &context) override {
    auto &keys = context.run.flow_policy.pause_keys;
    if (std::find(keys.begin(), keys.end(), key_) == keys.end()) keys.push_back(key_);
  }

 private:
  std::string key_;
};

class HandleResumingPausedFlows final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "HandleResumingPausedFlows"; }
  StateTypeSet from_states() const override { return {StateType::Paused}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial = *context.initial_state;
    const auto &proposed = *context.proposed_state;
    if (proposed.type != StateType::Running && proposed.type != StateType::Scheduled && !is_final(proposed.type)) {
      // Prefect formats the raw enum here.
      reject_transition(context, std::nullopt,
                        "This run cannot transition to the StateType." + std::string(to_string(proposed.type)) +
                            " state from the StateType." + std::string(to_string(initial.type)) + " state.");
      return;
    }
    const std::string verb = proposed.name == "Suspended" ? "suspend" : "pause";
    const std::string display_name =
        lower_case(proposed.name.empty() ? std::string(to_string(proposed.type)) : proposed.name);
    if (initial.details.pause_reschedule && !context.run.deployment_id) {
      reject_transition(context, std::nullopt,
                        "Cannot reschedule a " + display_name + " flow run without a deployment.");
      return;
    }
    const auto &pause_timeout = initial.details.pause_timeout;
    if (pause_timeout && *pause_timeout < context.now()) {
      auto failed = make_state(context, StateType::Failed);
      failed.message = "The flow was " + display_name + " and never resumed.";
      reject_transition(context, std::move(failed),
                        "The flow run " + verb + " has timed out and can no longer resume.");
    }
  }

  void after_transition(OrchestrationContext &context) override { context.run.flow_policy.resuming = true; }
};

class RetryFailedFlows final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "RetryFailedFlows"; }
  StateTypeSet from_states() const override { return {StateType::Running}; }
  StateTypeSet to_states() const override { return {StateType::Failed}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    auto &policy = context.run.flow_policy;
    if (!policy.retries || context.run.run_count > *policy.retries) {
      policy.retry_type.reset();
      return;
    }
    const Timestamp retry_time = context.now().plus_seconds(static_cast<double>(policy.retry_delay.value_or(0)));
    if (context.uses_legacy_flow_retry()) {
      context.environment.reset_failed_task_runs_for_retry(context.run.id, retry_time);
    }
    if (context.tracks_pause_bookkeeping()) {
      policy.resuming = false;
      policy.pause_keys.clear();
      policy.retry_type = "in_process";
    }
    auto retry = make_state(context, StateType::Scheduled, "AwaitingRetry");
    retry.details.scheduled_time = retry_time;
    retry.message = context.proposed_state->message;
    retry.data_json = context.proposed_state->data_json;
    reject_transition(context, std::move(retry), "Retrying");
  }
};

class PreventResultDataLoss final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "PreventResultDataLoss"; }
  StateTypeSet from_states() const override { return StateTypeSet::terminal(); }
  StateTypeSet to_states() const override { return StateTypeSet::terminal(); }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    if (would_lose_result_data(*context.initial_state, *context.proposed_state)) {
      reject_transition(context, std::nullopt, kDataLossReason);
    }
  }
};

// The hook point for prefect.flow-run.<state name> events.
class InstrumentFlowRunStateTransitions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "InstrumentFlowRunStateTransitions"; }
  bool is_universal_transform() const override { return true; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (!context.proposed_state || !context.validated_state || !context.state_written) return;
    context.environment.flow_run_state_changed(context.run, context.initial_state, *context.validated_state);
  }
};

}  // namespace

RulePtr preserve_deployment_concurrency_lease_id() {
  return std::make_unique<PreserveDeploymentConcurrencyLeaseId>();
}
RulePtr prevent_duplicate_transitions() {
  return std::make_unique<PreventDuplicateTransitions>();
}
RulePtr handle_flow_terminal_state_transitions() {
  return std::make_unique<HandleFlowTerminalStateTransitions>();
}
RulePtr enforce_cancelling_to_cancelled_transition() {
  return std::make_unique<EnforceCancellingToCancelledTransition>();
}
RulePtr bypass_cancelling_flow_runs_with_no_infra() {
  return std::make_unique<BypassCancellingFlowRunsWithNoInfra>();
}
RulePtr ensure_only_scheduled_flows_marked_late() {
  return std::make_unique<EnsureOnlyScheduledFlowsMarkedLate>();
}
RulePtr handle_pausing_flows() {
  return std::make_unique<HandlePausingFlows>();
}
RulePtr handle_resuming_paused_flows() {
  return std::make_unique<HandleResumingPausedFlows>();
}
RulePtr retry_failed_flows() {
  return std::make_unique<RetryFailedFlows>();
}
RulePtr prevent_result_data_loss() {
  return std::make_unique<PreventResultDataLoss>();
}
RulePtr instrument_flow_run_state_transitions() {
  return std::make_unique<InstrumentFlowRunStateTransitions>();
}

}  // namespace prefectd::rules
