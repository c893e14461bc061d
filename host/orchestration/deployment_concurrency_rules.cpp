// Deployment concurrency (orchestration.md §4 #1, #7–#9, #17 and the
// late-run policy): a slot and a lease taken at Pending, checked at
// Running, given back when the run leaves PENDING/RUNNING/CANCELLING.
#include "rules.h"

#include <spdlog/spdlog.h>

#include <array>
#include <stdexcept>

namespace prefectd::rules {

void release_concurrency_lease(OrchestrationContext &context, const Uuid &lease_id,
                               const std::vector<Uuid> &fallback_limit_ids) {
  auto &environment = context.environment;
  auto lease = environment.read_lease(lease_id);
  if (!lease) {
    spdlog::warn("Lease {} not found during release", lease_id.to_string());
    if (!fallback_limit_ids.empty() && !environment.decrement_concurrency_slots(fallback_limit_ids, 1)) {
      throw std::runtime_error("Failed to release concurrency slots for lease " + lease_id.to_string());
    }
    return;
  }
  if (!environment.decrement_concurrency_slots(lease->resource_ids, lease->slots)) {
    throw std::runtime_error("Failed to release concurrency slots for lease " + lease_id.to_string());
  }
  environment.revoke_lease(lease->id);
}

namespace {

// Workers of these versions managed deployment concurrency themselves.
bool client_manages_deployment_concurrency(const std::optional<std::string> &client_version) {
  static constexpr std::array<std::string_view, 5> kVersions = {"3.0.0rc20", "3.0.0", "3.0.1", "3.0.2", "3.0.3"};
  if (!client_version) return false;
  for (auto version : kVersions) {
    if (*client_version == version) return true;
  }
  return false;
}

double lease_duration(const OrchestrationContext &context, const DeploymentConcurrency &deployment) {
  return deployment.grace_period_seconds.value_or(context.settings.initial_deployment_lease_duration_seconds);
}

class ValidateDeploymentConcurrencyAtRunning final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "ValidateDeploymentConcurrencyAtRunning"; }
  StateTypeSet from_states() const override { return {StateType::Pending}; }
  StateTypeSet to_states() const override { return {StateType::Running}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    const auto lease_id = context.initial_state->details.deployment_concurrency_lease_id;
    context.proposed_state->details.deployment_concurrency_lease_id = lease_id;
    if (!lease_id || !context.client_supports_deployment_leases() || !context.run.deployment_id) return;
    auto deployment = context.environment.read_deployment_concurrency(*context.run.deployment_id);
    if (!deployment || !deployment->limit || !deployment->concurrency_limit_id) return;
    const double ttl = lease_duration(context, *deployment);
    auto &environment = context.environment;
    if (environment.renew_lease(*lease_id, ttl)) return;
    // The lease was reaped while the run was provisioning: take a new slot
    // if one is free.
    const std::vector<Uuid> limit_ids{*deployment->concurrency_limit_id};
    if (environment.increment_concurrency_slots(limit_ids, 1, false)) {
      try {
        context.proposed_state->details.deployment_concurrency_lease_id =
            environment.create_lease(limit_ids, ttl, 1, ConcurrencyLeaseHolder{"flow_run", context.run.id});
        return;
      } catch (...) {
        environment.decrement_concurrency_slots(limit_ids, 1);
        throw;
      }
    }
    auto cancelled = make_state(context, StateType::Cancelled);
    cancelled.message =
        "Deployment concurrency slot lost during provisioning - no slots available to continue execution";
    reject_transition(context, std::move(cancelled), "Deployment concurrency limit reached after lease expiry.");
  }
};

class SecureFlowConcurrencySlots final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "SecureFlowConcurrencySlots"; }
  StateTypeSet from_states() const override {
    return StateTypeSet::all().without({StateType::Pending, StateType::Running, StateType::Cancelling});
  }
  StateTypeSet to_states() const override { return {StateType::Pending}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.run.deployment_id || !context.proposed_state ||
        client_manages_deployment_concurrency(context.client_version)) {
      return;
    }
    auto deployment = context.environment.read_deployment_concurrency(*context.run.deployment_id);
    if (!deployment) {
      abort_transition(context, "Deployment not found.");
      return;
    }
    if (!deployment->limit || !deployment->concurrency_limit_id) return;
    if (deployment->limit->limit == 0) {
      abort_transition(context, "The deployment concurrency limit is 0. The flow will deadlock if submitted again.");
      return;
    }
    const std::vector<Uuid> limit_ids{*deployment->concurrency_limit_id};
    if (context.environment.increment_concurrency_slots(limit_ids, 1, false)) {
      acquired_limit_id_ = deployment->concurrency_limit_id;
      acquired_lease_id_ =
          context.environment.create_lease(limit_ids, lease_duration(context, *deployment), 1, std::nullopt);
      context.proposed_state->details.deployment_concurrency_lease_id = acquired_lease_id_;
      return;
    }
    if (deployment->collision_strategy.value_or(CollisionStrategy::Enqueue) == CollisionStrategy::Enqueue) {
      auto waiting = make_state(context, StateType::Scheduled, "AwaitingConcurrencySlot");
      waiting.details.scheduled_time =
          context.now().plus_seconds(context.settings.deployment_concurrency_slot_wait_seconds);
      reject_transition(context, std::move(waiting), "Deployment concurrency limit reached.");
    } else {
      auto cancelled = make_state(context, StateType::Cancelled);
      cancelled.message = "Deployment concurrency limit reached.";
      reject_transition(context, std::move(cancelled), "Deployment concurrency limit reached.");
    }
  }

  // A later rule changed the transition: give the slot back.
  void cleanup(OrchestrationContext &context) override {
    if (!acquired_limit_id_) return;
    if (acquired_lease_id_) {
      release_concurrency_lease(context, *acquired_lease_id_, {*acquired_limit_id_});
    } else if (!context.environment.decrement_concurrency_slots({*acquired_limit_id_}, 1)) {
      throw std::runtime_error("Failed to release deployment concurrency slots during cleanup");
    }
  }

 private:
  std::optional<Uuid> acquired_limit_id_;
  std::optional<Uuid> acquired_lease_id_;
};

// Old clients do not renew leases; the slot stays taken until release.
class RemoveDeploymentConcurrencyLeaseForOldClientVersions final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "RemoveDeploymentConcurrencyLeaseForOldClientVersions"; }
  StateTypeSet from_states() const override { return {StateType::Pending}; }
  StateTypeSet to_states() const override { return {StateType::Running, StateType::Cancelling}; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (!context.initial_state || context.client_supports_deployment_leases()) return;
    if (const auto &lease_id = context.initial_state->details.deployment_concurrency_lease_id) {
      context.environment.revoke_lease(*lease_id);
    }
  }
};

class ReleaseFlowConcurrencySlots final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "ReleaseFlowConcurrencySlots"; }
  bool is_universal_transform() const override { return true; }

 protected:
  void after_transition(OrchestrationContext &context) override {
    if (nullified(context)) return;
    static const StateTypeSet kHoldingSlot{StateType::Running, StateType::Cancelling, StateType::Pending};
    if (!kHoldingSlot.contains(context.initial_state_type()) || kHoldingSlot.contains(context.proposed_state_type())) {
      return;
    }
    if (!context.run.deployment_id) return;
    auto &environment = context.environment;
    if (const auto &lease_id = context.initial_state->details.deployment_concurrency_lease_id) {
      std::vector<Uuid> fallback;
      auto deployment = environment.read_deployment_concurrency(*context.run.deployment_id);
      if (deployment && deployment->concurrency_limit_id) fallback.push_back(*deployment->concurrency_limit_id);
      release_concurrency_lease(context, *lease_id, fallback);
      return;
    }
    auto deployment = environment.read_deployment_concurrency(*context.run.deployment_id);
    if (!deployment || !deployment->concurrency_limit_id) return;
    if (!environment.decrement_concurrency_slots({*deployment->concurrency_limit_id}, 1)) {
      throw std::runtime_error("Failed to release deployment concurrency slots");
    }
  }
};

class EnforceDeploymentConcurrencyOnLate final : public OrchestrationRule {
 public:
  std::string_view name() const override { return "EnforceDeploymentConcurrencyOnLate"; }
  StateTypeSet from_states() const override { return {StateType::Scheduled}; }
  StateTypeSet to_states() const override { return {StateType::Scheduled}; }

 protected:
  void before_transition(OrchestrationContext &context) override {
    if (!context.initial_state || !context.proposed_state) return;
    if (context.proposed_state->name != "Late" || !context.run.deployment_id) return;
    auto deployment = context.environment.read_deployment_concurrency(*context.run.deployment_id);
    if (!deployment || !deployment->concurrency_limit_id) return;
    if (deployment->collision_strategy != CollisionStrategy::CancelNew || !deployment->limit) return;
    if (deployment->limit->active_slots >= deployment->limit->limit) {
      auto cancelled = make_state(context, StateType::Cancelled);
      cancelled.message = "Deployment concurrency limit reached.";
      reject_transition(context, std::move(cancelled),
                        "Deployment concurrency limit is full and uses the CANCEL_NEW strategy.");
    }
  }
};

}  // namespace

RulePtr validate_deployment_concurrency_at_running() {
  return std::make_unique<ValidateDeploymentConcurrencyAtRunning>();
}
RulePtr secure_flow_concurrency_slots() {
  return std::make_unique<SecureFlowConcurrencySlots>();
}
RulePtr remove_deployment_concurrency_lease_for_old_client_versions() {
  return std::make_unique<RemoveDeploymentConcurrencyLeaseForOldClientVersions>();
}
RulePtr release_flow_concurrency_slots() {
  return std::make_unique<ReleaseFlowConcurrencySlots>();
}
RulePtr enforce_deployment_concurrency_on_late() {
  return std::make_unique<EnforceDeploymentConcurrencyOnLate>();
}

}  // namespace prefectd::rules
