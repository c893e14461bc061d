// The individual rules and transforms, by the file that implements them.
// policies.cpp lists them in each policy's order. Internal to
// host/orchestration.
#pragma once

#include "orchestration/orchestration_rule.h"

#include <memory>
#include <string>

namespace prefectd::rules {

using RulePtr = std::unique_ptr<OrchestrationRule>;

// A new state orchestration makes up: a fresh id, timestamp now, the
// default name for its type unless one is given.
State make_state(OrchestrationContext &context, StateType type, std::string name = {});
// data that is a non-empty object whose "type" is not "unpersisted" (what
// Python's `data and _has_persisted_result(data)` accepts).
bool carries_persisted_result(const State &state);

// common_rules.cpp (flows and tasks)
RulePtr prevent_pending_transitions();
RulePtr copy_scheduled_time();
RulePtr wait_for_scheduled_time();
RulePtr rename_reruns();
RulePtr copy_task_parameters_id();

// flow_rules.cpp
RulePtr preserve_deployment_concurrency_lease_id();
RulePtr prevent_duplicate_transitions();
RulePtr handle_flow_terminal_state_transitions();
RulePtr enforce_cancelling_to_cancelled_transition();
RulePtr bypass_cancelling_flow_runs_with_no_infra();
RulePtr ensure_only_scheduled_flows_marked_late();
RulePtr handle_pausing_flows();
RulePtr handle_resuming_paused_flows();
RulePtr retry_failed_flows();
RulePtr prevent_result_data_loss();
RulePtr instrument_flow_run_state_transitions();

// deployment_concurrency_rules.cpp
RulePtr validate_deployment_concurrency_at_running();
RulePtr secure_flow_concurrency_slots();
RulePtr remove_deployment_concurrency_lease_for_old_client_versions();
RulePtr release_flow_concurrency_slots();
RulePtr enforce_deployment_concurrency_on_late();

// task_rules.cpp
RulePtr cache_retrieval();
RulePtr handle_task_terminal_state_transitions();
RulePtr prevent_running_tasks_from_stopped_flows();
RulePtr retry_failed_tasks();
RulePtr update_flow_run_tracker_on_tasks();
RulePtr cache_insertion();
RulePtr enqueue_scheduled_tasks();

// tag_concurrency_rules.cpp
RulePtr secure_task_concurrency_slots();
RulePtr release_task_concurrency_slots();

// global_transforms.cpp
RulePtr ensure_flow_run_state_timestamp_is_unique();
RulePtr set_run_state_type();
RulePtr set_run_state_name();
RulePtr set_run_state_timestamp();
RulePtr set_start_time();
RulePtr set_end_time();
RulePtr increment_run_time();
RulePtr set_expected_start_time();
RulePtr set_next_scheduled_start_time();
RulePtr update_state_details();
RulePtr update_subflow_parent_task();
RulePtr update_subflow_state_details();
RulePtr increment_flow_run_count();
RulePtr remove_resuming_indicator();
RulePtr increment_task_run_count();

// deployment_concurrency_rules.cpp: give back a lease's slots and revoke
// it; a lease that is gone releases one slot on the fallback limits.
void release_concurrency_lease(OrchestrationContext &context, const Uuid &lease_id,
                               const std::vector<Uuid> &fallback_limit_ids = {});

}  // namespace prefectd::rules
