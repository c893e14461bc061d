// CoreTaskPolicy's rules other than tag concurrency (orchestration.md §5),
// and EnqueueScheduledTasks of the background policy.
#include "jitter.h"
#include "rules.h"

#include <algorithm>

namespace prefectd::rules {
namespace {

class CacheRetrieval final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "CacheRetrieval"; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.proposed_state) return;
    const auto &details = context.proposed_state->details;
    if (!details.cache_key || details.refresh_cache.value_or(false)) return;
    auto cached = context.environment.find_cached_state(*details.cache_key, context.now());
    if (!cached) return;
    cached->id = context.environment.new_state_id();
    cached->timestamp = context.now();
    cached->name = "Cached";
    reject_transition(context, std::move(cached), "Retrieved state from cache");
  }
};

class HandleTaskTerminalStateTransitions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "HandleTaskTerminalStateTransitions"; }
  StateTypeSet from_states() const override { return StateTypeSet::terminal(); }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &initial = *context.initial_state;
    const auto proposed_type = context.proposed_state->type;
    original_run_count_ = context.run.run_count;
    if (proposed_type == StateType::Cancelling || proposed_type == StateType::Paused ||
        proposed_type == StateType::Crashed) {
      abort_transition(context, "Run is already " + std::string(to_string(initial.type)) + ".");
      return;
    }
    if (initial.type == StateType::Completed && carries_persisted_result(initial)) {
      reject_transition(context, std::nullopt, "This run is already completed.");
      return;
    }
    if (!is_final(proposed_type)) context.run.run_count = 0;  // a rerun starts its retries afresh
    if (proposed_type == StateType::Running && context.run.flow_run_id) {
      auto flow_run = context.environment.read_flow_run(*context.run.flow_run_id);
      if (flow_run && context.run.flow_run_run_count < flow_run->run_count) rename_state(context, "Retrying");
    }
  }

  void cleanup(OrchestrationContext &context) override {
    if (original_run_count_) context.run.run_count = *original_run_count_;
  }

 private:
  std::optional<int64_t> original_run_count_;
};

class PreventRunningTasksFromStoppedFlows final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "PreventRunningTasksFromStoppedFlows"; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.run.flow_run_id) return;
    auto flow_run = context.environment.read_flow_run(*context.run.flow_run_id);
    if (!flow_run) return;
    constexpr const char *kNotRunning = "The enclosing flow must be running to begin task execution.";
    if (!flow_run->state) {
      abort_transition(context, kNotRunning);
    } else if (flow_run->state->type == StateType::Paused) {
      auto not_ready = make_state(context, StateType::Paused, "NotReady");
      not_ready.details.pause_timeout = flow_run->state->details.pause_timeout;
      not_ready.details.pause_reschedule = flow_run->state->details.pause_reschedule;
      reject_transition(
          context, std::move(not_ready),
          "The flow is paused, new tasks can execute after resuming flow run: " + flow_run->id.to_string() + ".");
    } else if (flow_run->state->type != StateType::Running) {
      abort_transition(context, kNotRunning);
    }
  }
};

class RetryFailedTasks final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "RetryFailedTasks"; }
  StateTypeSet from_states() const override { return {StateType::Running}; }
  StateTypeSet to_states() const override { return {StateType::Failed}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto &policy = context.run.task_policy;
    const int64_t run_count = context.run.run_count;
    double delay = policy.retry_delay.value_or(0);
    if (policy.retry_delays && !policy.retry_delays->empty()) {
      const auto &delays = *policy.retry_delays;
      auto index = std::min<int64_t>(run_count - 1, static_cast<int64_t>(delays.size()) - 1);
      if (index < 0) index += static_cast<int64_t>(delays.size());  // Python's negative index
      delay = delays[static_cast<size_t>(std::max<int64_t>(index, 0))];
    }
    if (policy.retry_jitter_factor && *policy.retry_jitter_factor > 0 && delay > 0) {
      delay = clamped_poisson_interval(delay, *policy.retry_jitter_factor, context.environment.random_unit());
    }
    if (context.proposed_state->details.retriable == false) return;
    if (policy.retries && run_count <= *policy.retries) {
      auto retry = make_state(context, StateType::Scheduled, "AwaitingRetry");
      retry.details.scheduled_time = context.now().plus_seconds(delay);
      retry.message = context.proposed_state->message;
      retry.data_json = context.proposed_state->data_json;
      reject_transition(context, std::move(retry), "Retrying");
    }
  }
};

class UpdateFlowRunTrackerOnTasks final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "UpdateFlowRunTrackerOnTasks"; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (!context.run.flow_run_id) return;
    auto flow_run = context.environment.read_flow_run(*context.run.flow_run_id);
    if (!flow_run) {
      throw OrchestrationObjectNotFound("Unable to read flow run associated with task run: " +
                                        context.run.id.to_string() + ", this flow run might have been deleted");
    }
    context.run.flow_run_run_count = flow_run->run_count;
  }
};

class CacheInsertion final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "CacheInsertion"; }
  StateTypeSet to_states() const override { return {StateType::Completed}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.proposed_state) return;
    const auto &cache_key = context.proposed_state->details.cache_key;
    const auto limit = context.settings.max_cache_key_length;
    if (cache_key && cache_key->size() > limit) {
      // The same state goes through, with status REJECT.
      reject_transition(context, context.proposed_state,
                        "Cache key exceeded maximum allowed length of " + std::to_string(limit) + " characters.");
    }
  }

  void after_transition(OrchestrationContext &context) override {
    if (!context.validated_state) return;
    const auto &details = context.validated_state->details;
    if (details.cache_key) {
      context.environment.insert_cache_entry(*details.cache_key, details.cache_expiration, context.validated_state->id);
    }
  }
};

class EnqueueScheduledTasks final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "EnqueueScheduledTasks"; }
  StateTypeSet to_states() const override { return {StateType::Scheduled}; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (!context.validated_state || context.validated_state->details.deferred != true) return;
    context.environment.enqueue_background_task_run(context.run, context.validated_state->name == "AwaitingRetry");
  }
};

}  // namespace

RulePtr cache_retrieval() {
  return std::make_unique<CacheRetrieval>();
}
RulePtr handle_task_terminal_state_transitions() {
  return std::make_unique<HandleTaskTerminalStateTransitions>();
}
RulePtr prevent_running_tasks_from_stopped_flows() {
  return std::make_unique<PreventRunningTasksFromStoppedFlows>();
}
RulePtr retry_failed_tasks() {
  return std::make_unique<RetryFailedTasks>();
}
RulePtr update_flow_run_tracker_on_tasks() {
  return std::make_unique<UpdateFlowRunTrackerOnTasks>();
}
RulePtr cache_insertion() {
  return std::make_unique<CacheInsertion>();
}
RulePtr enqueue_scheduled_tasks() {
  return std::make_unique<EnqueueScheduledTasks>();
}

}  // namespace prefectd::rules
