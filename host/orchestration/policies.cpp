#include "policies.h"

#include "rules.h"

#include <functional>

namespace prefectd {
namespace {

using Factory = rules::RulePtr (*)();

std::vector<Factory> flow_policy(PolicyKind policy) {
  using namespace rules;
  switch (policy) {
    case PolicyKind::Minimal:
      return {prevent_result_data_loss, bypass_cancelling_flow_runs_with_no_infra,
              instrument_flow_run_state_transitions, release_flow_concurrency_slots};
    case PolicyKind::MarkLateRuns:
      return {ensure_only_scheduled_flows_marked_late, enforce_deployment_concurrency_on_late,
              instrument_flow_run_state_transitions};
    case PolicyKind::Core:
    case PolicyKind::Background:
      break;
  }
  return {preserve_deployment_concurrency_lease_id,
          prevent_duplicate_transitions,
          handle_flow_terminal_state_transitions,
          enforce_cancelling_to_cancelled_transition,
          bypass_cancelling_flow_runs_with_no_infra,
          prevent_pending_transitions,
          validate_deployment_concurrency_at_running,
          secure_flow_concurrency_slots,
          remove_deployment_concurrency_lease_for_old_client_versions,
          ensure_only_scheduled_flows_marked_late,
          handle_pausing_flows,
          handle_resuming_paused_flows,
          copy_scheduled_time,
          wait_for_scheduled_time,
          retry_failed_flows,
          instrument_flow_run_state_transitions,
          release_flow_concurrency_slots};
}

std::vector<Factory> task_policy(PolicyKind policy) {
  using namespace rules;
  switch (policy) {
    case PolicyKind::Minimal:
      return {release_task_concurrency_slots};
    case PolicyKind::Background:
      return {prevent_pending_transitions,
              cache_retrieval,
              handle_task_terminal_state_transitions,
              copy_scheduled_time,
              copy_task_parameters_id,
              wait_for_scheduled_time,
              retry_failed_tasks,
              rename_reruns,
              update_flow_run_tracker_on_tasks,
              cache_insertion,
              release_task_concurrency_slots,
              enqueue_scheduled_tasks};
    case PolicyKind::Core:
    case PolicyKind::MarkLateRuns:
      break;
  }
  return {cache_retrieval,
          handle_task_terminal_state_transitions,
          prevent_running_tasks_from_stopped_flows,
          secure_task_concurrency_slots,
          copy_scheduled_time,
          wait_for_scheduled_time,
          retry_failed_tasks,
          rename_reruns,
          update_flow_run_tracker_on_tasks,
          cache_insertion,
          release_task_concurrency_slots};
}

std::vector<Factory> common_global_transforms() {
  using namespace rules;
  return {set_run_state_type, set_run_state_name,      set_run_state_timestamp,       set_start_time,      set_end_time,
          increment_run_time, set_expected_start_time, set_next_scheduled_start_time, update_state_details};
}

RuleList compile(const std::vector<Factory> &factories, std::optional<StateType> from, std::optional<StateType> to) {
  RuleList rules;
  for (auto factory : factories) {
    auto rule = factory();
    if (rule->is_universal_transform() || (rule->from_states().contains(from) && rule->to_states().contains(to))) {
      rules.push_back(std::move(rule));
    }
  }
  return rules;
}

}  // namespace

RuleList compile_flow_rules(PolicyKind policy, std::optional<StateType> from, std::optional<StateType> to) {
  auto factories = flow_policy(policy);
  factories.push_back(rules::ensure_flow_run_state_timestamp_is_unique);
  for (auto factory : common_global_transforms()) factories.push_back(factory);
  for (auto factory : {rules::update_subflow_parent_task, rules::update_subflow_state_details,
                       rules::increment_flow_run_count, rules::remove_resuming_indicator}) {
    factories.push_back(factory);
  }
  return compile(factories, from, to);
}

RuleList compile_task_rules(PolicyKind policy, std::optional<StateType> from, std::optional<StateType> to) {
  auto factories = task_policy(policy);
  for (auto factory : common_global_transforms()) factories.push_back(factory);
  factories.push_back(rules::increment_task_run_count);
  return compile(factories, from, to);
}

}  // namespace prefectd
