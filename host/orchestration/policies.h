// The policies (orchestration.md §3–§6): ordered rule lists, compiled for
// one intended transition.
#pragma once

#include "orchestration/orchestration_rule.h"

#include <memory>
#include <optional>
#include <vector>

namespace prefectd {

enum class PolicyKind {
  Core,          // CoreFlowPolicy / CoreTaskPolicy: set_state with force=false
  Minimal,       // MinimalFlowPolicy / MinimalTaskPolicy: force=true, creation with a state
  MarkLateRuns,  // flow runs only: the late-runs service
  Background,    // task runs only: chosen automatically for deferred proposals
};

inline PolicyKind policy_for_force(bool force) {
  return force ? PolicyKind::Minimal : PolicyKind::Core;
}

using RuleList = std::vector<std::unique_ptr<OrchestrationRule>>;

// Fresh instances of the policy's rules in priority order, then the global
// bookkeeping transforms, keeping those whose FROM/TO sets contain the
// intended transition (universal transforms always stay).
RuleList compile_flow_rules(PolicyKind policy, std::optional<StateType> from, std::optional<StateType> to);
RuleList compile_task_rules(PolicyKind policy, std::optional<StateType> from, std::optional<StateType> to);

}  // namespace prefectd
