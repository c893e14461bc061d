// A rule governs one kind of transition with before/after/cleanup hooks
// (orchestration.md §2); a universal transform fires on every proposal.
// Rules are small classes listed in policy order; one instance per
// orchestration, so a rule can remember what its before hook acquired.
#pragma once

#include "orchestration/orchestration_context.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace prefectd {

// A set of "state types or None" (None: a run without a state, or a
// nullified proposal).
class StateTypeSet {
 public:
  constexpr StateTypeSet() = default;
  StateTypeSet(std::initializer_list<std::optional<StateType>> members);
  static StateTypeSet all();       // every type and None
  static StateTypeSet terminal();  // COMPLETED, FAILED, CANCELLED, CRASHED

  bool contains(std::optional<StateType> type) const;
  StateTypeSet without(std::initializer_list<std::optional<StateType>> members) const;

 private:
  static unsigned bit(std::optional<StateType> type);
  uint32_t bits_ = 0;
};

class OrchestrationRule {
 public:
  virtual ~OrchestrationRule() = default;

  // The class name Prefect gives the rule, for logs and abort reasons.
  virtual std::string_view name() const = 0;
  // A universal transform ignores FROM/TO and validity: before fires on
  // every proposal, after on every one that raised no error.
  virtual bool is_universal_transform() const { return false; }
  virtual StateTypeSet from_states() const { return StateTypeSet::all(); }
  virtual StateTypeSet to_states() const { return StateTypeSet::all(); }

  // Driven by the engine (orchestrate.cpp) only.
  void enter(OrchestrationContext &context, std::optional<StateType> from, std::optional<StateType> to);
  void exit(OrchestrationContext &context);

 protected:
  virtual void before_transition(OrchestrationContext &) {}
  virtual void after_transition(OrchestrationContext &) {}
  virtual void cleanup(OrchestrationContext &) {}

  // The actions a before hook may take. Each updates this rule's intended
  // target so the rule that acts does not fizzle itself.
  // Replace the proposed state; nullopt writes nothing and returns the
  // current state (an error if the run has no state).
  void reject_transition(OrchestrationContext &context, std::optional<State> state, std::string reason);
  void delay_transition(OrchestrationContext &context, int64_t delay_seconds, std::string reason);
  void abort_transition(OrchestrationContext &context, std::string reason);
  void rename_state(OrchestrationContext &context, std::string name);

  // A universal transform's "do nothing" test.
  static bool nullified(const OrchestrationContext &context) { return !context.proposed_state.has_value(); }

 private:
  bool transition_changed(const OrchestrationContext &context) const;

  std::optional<StateType> from_type_;
  std::optional<StateType> to_type_;
  bool invalid_on_entry_ = false;
};

}  // namespace prefectd
