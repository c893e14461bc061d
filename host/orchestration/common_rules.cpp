// Rules shared by the flow and task policies.
#include "rules.h"

#include <rapidjson/document.h>

#include <cmath>

namespace prefectd::rules {

State make_state(OrchestrationContext &context, StateType type, std::string name) {
  State state;
  state.id = context.environment.new_state_id();
  state.type = type;
  state.name = name.empty() ? default_state_name(type) : std::move(name);
  state.timestamp = context.now();
  if (type == StateType::Scheduled) state.details.scheduled_time = state.timestamp;
  return state;
}

bool carries_persisted_result(const State &state) {
  if (!state.has_persisted_data()) return false;
  rapidjson::Document data;
  data.Parse(state.data_json->c_str());
  return data.IsObject() && data.MemberCount() > 0;  // an empty dict is falsy
}

namespace {

// The double-submission guard: a second Pending is aborted, except a
// renaming within PENDING (Pending → Submitting → InfrastructurePending).
class PreventPendingTransitions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "PreventPendingTransitions"; }
  StateTypeSet from_states() const override {
    return {StateType::Pending, StateType::Cancelling, StateType::Running, StateType::Cancelled};
  }
  StateTypeSet to_states() const override { return {StateType::Pending}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial = *context.initial_state;
    auto &proposed = *context.proposed_state;
    if (initial.type == StateType::Pending && initial.name != proposed.name && proposed.name != "Pending") {
      proposed.details.scheduled_time = initial.details.scheduled_time;
      proposed.details.deployment_concurrency_lease_id = initial.details.deployment_concurrency_lease_id;
      return;
    }
    abort_transition(context, "This run is in a " + std::string(to_string(initial.type)) +
                                  " state and cannot transition to a PENDING state.");
  }
};

class CopyScheduledTime final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "CopyScheduledTime"; }
  StateTypeSet from_states() const override { return {StateType::Scheduled}; }
  StateTypeSet to_states() const override { return {StateType::Pending}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    auto &details = context.proposed_state->details;
    if (!details.scheduled_time) details.scheduled_time = context.initial_state->details.scheduled_time;
  }
};

class WaitForScheduledTime final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "WaitForScheduledTime"; }
  StateTypeSet from_states() const override { return {StateType::Scheduled, StateType::Pending}; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &scheduled_time = context.initial_state->details.scheduled_time;
    if (!scheduled_time) return;
    // Python: floor(total_seconds) + round(microseconds / 1e6), where a
    // negative timedelta's microseconds are the positive remainder.
    const int64_t micros = scheduled_time->micros() - context.now().micros();
    const int64_t whole_seconds = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
    const int64_t remainder = micros - whole_seconds * 1000000;
    const int64_t delay_seconds = whole_seconds + (remainder > 500000 ? 1 : 0);
    if (delay_seconds > 0) delay_transition(context, delay_seconds, "Scheduled time is in the future");
  }
};

class RenameReruns final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "RenameReruns"; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    if (context.run.run_count > 0) {
      rename_state(context, context.initial_state->name == "AwaitingRetry" ? "Retrying" : "Rerunning");
    }
  }
};

class CopyTaskParametersId final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "CopyTaskParametersID"; }
  StateTypeSet from_states() const override { return {StateType::Scheduled, StateType::Pending}; }
  StateTypeSet to_states() const override { return {StateType::Pending, StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    auto &details = context.proposed_state->details;
    if (!details.task_parameters_id) details.task_parameters_id = context.initial_state->details.task_parameters_id;
  }
};

}  // namespace

RulePtr prevent_pending_transitions() {
  return std::make_unique<PreventPendingTransitions>();
}
RulePtr copy_scheduled_time() {
  return std::make_unique<CopyScheduledTime>();
}
RulePtr wait_for_scheduled_time() {
  return std::make_unique<WaitForScheduledTime>();
}
RulePtr rename_reruns() {
  return std::make_unique<RenameReruns>();
}
RulePtr copy_task_parameters_id() {
  return std::make_unique<CopyTaskParametersId>();
}

}  // namespace prefectd::rules
