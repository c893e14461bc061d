#include "orchestration_rule.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace prefectd {

StateTypeSet::StateTypeSet(std::initializer_list<std::optional<StateType>> members) {
  for (const auto &member : members) bits_ |= 1U << bit(member);
}

StateTypeSet StateTypeSet::all() {
  StateTypeSet set;
  set.bits_ = (1U << 10) - 1;
  return set;
}

StateTypeSet StateTypeSet::terminal() {
  return {StateType::Completed, StateType::Failed, StateType::Cancelled, StateType::Crashed};
}

bool StateTypeSet::contains(std::optional<StateType> type) const {
  return (bits_ & (1U << bit(type))) != 0;
}

StateTypeSet StateTypeSet::without(std::initializer_list<std::optional<StateType>> members) const {
  StateTypeSet set = *this;
  for (const auto &member : members) set.bits_ &= ~(1U << bit(member));
  return set;
}

unsigned StateTypeSet::bit(std::optional<StateType> type) {
  return type ? static_cast<unsigned>(*type) + 1 : 0;
}

void OrchestrationRule::enter(OrchestrationContext &context, std::optional<StateType> from,
                              std::optional<StateType> to) {
  from_type_ = from;
  to_type_ = to;
  if (is_universal_transform()) {
    before_transition(context);
    return;
  }
  // An earlier rule may already have changed the transition this rule was
  // compiled for: then it stays out of the way entirely.
  invalid_on_entry_ = !from_states().contains(from) || !to_states().contains(to) || transition_changed(context);
  if (invalid_on_entry_) return;
  try {
    before_transition(context);
  } catch (const std::exception &error) {
    spdlog::error("Error running before-transition hook in rule {}: {}", name(), error.what());
    context.proposed_state.reset();
    context.status = SetStateStatus::Abort;
    context.details = StateResponseDetails::abort("Aborting orchestration due to error in " + std::string(name()) +
                                                  ": !" + error.what());
    if (!context.orchestration_error) context.orchestration_error = std::current_exception();
  }
}

void OrchestrationRule::exit(OrchestrationContext &context) {
  if (is_universal_transform()) {
    if (!context.orchestration_error) after_transition(context);
    return;
  }
  // A rule that acted moved its own target; if the new target is outside
  // its TO set (a rejection to nothing, a wait, an abort) it is now invalid
  // and runs neither hook, as Prefect re-checks validity on exit.
  if (!to_states().contains(to_type_)) invalid_on_entry_ = true;
  if (invalid_on_entry_) return;
  if (transition_changed(context)) {
    cleanup(context);  // fizzled: a later rule changed the transition
  } else {
    after_transition(context);
  }
}

bool OrchestrationRule::transition_changed(const OrchestrationContext &context) const {
  return from_type_ != context.initial_state_type() || to_type_ != context.proposed_state_type();
}

void OrchestrationRule::reject_transition(OrchestrationContext &context, std::optional<State> state,
                                          std::string reason) {
  if (context.validated_state) throw std::logic_error("The transition is already validated");
  if (!state) {
    if (!from_type_) {
      throw std::runtime_error(
          "The current run has no state; this transition cannot be rejected without providing a new state.");
    }
    to_type_.reset();
    context.proposed_state.reset();
  } else {
    to_type_ = state->type;
    context.proposed_state = std::move(state);
  }
  context.status = SetStateStatus::Reject;
  context.details = StateResponseDetails::reject(std::move(reason));
}

void OrchestrationRule::delay_transition(OrchestrationContext &context, int64_t delay_seconds, std::string reason) {
  if (context.validated_state) throw std::logic_error("The transition is already validated");
  to_type_.reset();
  context.proposed_state.reset();
  context.status = SetStateStatus::Wait;
  context.details = StateResponseDetails::wait(delay_seconds, std::move(reason));
}

void OrchestrationRule::abort_transition(OrchestrationContext &context, std::string reason) {
  if (context.validated_state) throw std::logic_error("The transition is already validated");
  to_type_.reset();
  context.proposed_state.reset();
  context.status = SetStateStatus::Abort;
  context.details = StateResponseDetails::abort(std::move(reason));
}

void OrchestrationRule::rename_state(OrchestrationContext &context, std::string name) {
  if (context.proposed_state) context.proposed_state->name = std::move(name);
}

}  // namespace prefectd
