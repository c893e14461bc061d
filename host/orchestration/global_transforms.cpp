// The bookkeeping transforms every proposal passes through after the
// policy's rules (orchestration.md §6). Each acts on the proposed state as
// the rules left it and does nothing when the proposal was nullified.
#include "rules.h"

namespace prefectd::rules {
namespace {

// A universal transform whose before hook runs only for a live proposal.
class BookkeepingTransform : public OrchestrationRule {
 public:
  bool is_universal_transform() const override { return true; }

 protected:
  void before_transition(OrchestrationContext &context) final {
    if (!nullified(context)) apply(context, *context.proposed_state);
  }
  virtual void apply(OrchestrationContext &context, State &proposed) = 0;
};

class EnsureFlowRunStateTimestampIsUnique final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "EnsureFlowRunStateTimestampIsUnique"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    Timestamp candidate = proposed.timestamp;
    while (context.environment.flow_run_state_exists_at(context.run.id, candidate)) {
      candidate = Timestamp(candidate.micros() + 1);
    }
    proposed.timestamp = candidate;
  }
};

class SetRunStateType final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetRunStateType"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override { context.run.state_type = proposed.type; }
};

class SetRunStateName final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetRunStateName"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override { context.run.state_name = proposed.name; }
};

class SetRunStateTimestamp final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetRunStateTimestamp"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    context.run.state_timestamp = proposed.timestamp;
  }
};

class SetStartTime final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetStartTime"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (proposed.type == StateType::Running && !context.run.start_time) context.run.start_time = proposed.timestamp;
  }
};

class SetEndTime final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetEndTime"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    auto &run = context.run;
    if (context.initial_state && is_final(context.initial_state->type) && !is_final(proposed.type)) {
      run.end_time.reset();
    }
    if (is_final(proposed.type) && !run.end_time) {
      if (!run.start_time) run.start_time = proposed.timestamp;
      run.end_time = proposed.timestamp;
    }
  }
};

class IncrementRunTime final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "IncrementRunTime"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (context.initial_state && context.initial_state->type == StateType::Running) {
      context.run.total_run_time_micros += proposed.timestamp.micros() - context.initial_state->timestamp.micros();
    }
  }
};

class SetExpectedStartTime final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetExpectedStartTime"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (context.run.expected_start_time) return;
    context.run.expected_start_time =
        proposed.type == StateType::Scheduled ? proposed.details.scheduled_time : std::optional(proposed.timestamp);
  }
};

class SetNextScheduledStartTime final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "SetNextScheduledStartTime"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (context.initial_state && context.initial_state->type == StateType::Scheduled) {
      context.run.next_scheduled_start_time.reset();
    }
    if (proposed.type == StateType::Scheduled) context.run.next_scheduled_start_time = proposed.details.scheduled_time;
  }
};

class UpdateStateDetails final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "UpdateStateDetails"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (context.run.kind == RunKind::Flow) {
      proposed.details.flow_run_id = context.run.id;
    } else {
      proposed.details.flow_run_id = context.run.flow_run_id;
      proposed.details.task_run_id = context.run.id;
    }
  }
};

// The subflow's tracking task run mirrors every state the subflow writes.
class UpdateSubflowParentTask final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "UpdateSubflowParentTask"; }
  bool is_universal_transform() const override { return true; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (nullified(context) || !context.run.parent_task_run_id || !context.validated_state) return;
    State mirror = *context.validated_state;
    mirror.id = context.environment.new_state_id();
    mirror.timestamp = context.now();
    mirror.details.child_flow_run_id = context.run.id;
    context.environment.mirror_state_to_parent_task_run(*context.run.parent_task_run_id, mirror);
  }
};

class UpdateSubflowStateDetails final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "UpdateSubflowStateDetails"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (context.run.parent_task_run_id) proposed.details.task_run_id = context.run.parent_task_run_id;
  }
};

class IncrementFlowRunCount final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "IncrementFlowRunCount"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (proposed.type != StateType::Running) return;
    // Resuming from a pause continues the same attempt.
    if (context.tracks_pause_bookkeeping() && context.run.flow_policy.resuming) return;
    context.run.run_count += 1;
  }
};

class RemoveResumingIndicator final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "RemoveResumingIndicator"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (!context.tracks_pause_bookkeeping()) return;
    if (proposed.type == StateType::Running || is_final(proposed.type)) context.run.flow_policy.resuming = false;
  }
};

class IncrementTaskRunCount final : public BookkeepingTransform {
 public:
  std::string_view name() const override { return "IncrementTaskRunCount"; }

 protected:
  void apply(OrchestrationContext &context, State &proposed) override {
    if (proposed.type == StateType::Running) context.run.run_count += 1;
  }
};

}  // namespace

RulePtr ensure_flow_run_state_timestamp_is_unique() {
  return std::make_unique<EnsureFlowRunStateTimestampIsUnique>();
}
RulePtr set_run_state_type() {
  return std::make_unique<SetRunStateType>();
}
RulePtr set_run_state_name() {
  return std::make_unique<SetRunStateName>();
}
RulePtr set_run_state_timestamp() {
  return std::make_unique<SetRunStateTimestamp>();
}
RulePtr set_start_time() {
  return std::make_unique<SetStartTime>();
}
RulePtr set_end_time() {
  return std::make_unique<SetEndTime>();
}
RulePtr increment_run_time() {
  return std::make_unique<IncrementRunTime>();
}
RulePtr set_expected_start_time() {
  return std::make_unique<SetExpectedStartTime>();
}
RulePtr set_next_scheduled_start_time() {
  return std::make_unique<SetNextScheduledStartTime>();
}
RulePtr update_state_details() {
  return std::make_unique<UpdateStateDetails>();
}
RulePtr update_subflow_parent_task() {
  return std::make_unique<UpdateSubflowParentTask>();
}
RulePtr update_subflow_state_details() {
  return std::make_unique<UpdateSubflowStateDetails>();
}
RulePtr increment_flow_run_count() {
  return std::make_unique<IncrementFlowRunCount>();
}
RulePtr remove_resuming_indicator() {
  return std::make_unique<RemoveResumingIndicator>();
}
RulePtr increment_task_run_count() {
  return std::make_unique<IncrementTaskRunCount>();
}

}  // namespace prefectd::rules
