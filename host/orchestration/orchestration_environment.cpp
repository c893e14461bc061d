#include "orchestration_environment.h"

#include <random>

namespace prefectd {
namespace {

[[noreturn]] void no_limits_configured(const char *call) {
  throw std::logic_error(std::string(call) + " reached, but this environment has no concurrency limits");
}

}  // namespace

double OrchestrationEnvironment::random_unit() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::string OrchestrationEnvironment::random_pause_key() {
  return Uuid::v4().to_string();
}

Uuid OrchestrationEnvironment::new_state_id() {
  return Uuid::v7();
}

void OrchestrationEnvironment::flow_run_state_changed(const OrchestrationRun &, const std::optional<State> &,
                                                      const State &) {}

void OrchestrationEnvironment::enqueue_background_task_run(const OrchestrationRun &, bool) {}

std::vector<ConcurrencyLimitV2> OrchestrationEnvironment::read_concurrency_limits_v2(const std::vector<std::string> &) {
  return {};
}

bool OrchestrationEnvironment::increment_concurrency_slots(const std::vector<Uuid> &, int64_t, bool) {
  no_limits_configured("increment_concurrency_slots");
}

bool OrchestrationEnvironment::decrement_concurrency_slots(const std::vector<Uuid> &, int64_t) {
  no_limits_configured("decrement_concurrency_slots");
}

Uuid OrchestrationEnvironment::create_lease(const std::vector<Uuid> &, double, int64_t,
                                            const std::optional<ConcurrencyLeaseHolder> &) {
  no_limits_configured("create_lease");
}

std::optional<ConcurrencyLease> OrchestrationEnvironment::read_lease(const Uuid &) {
  return std::nullopt;
}

bool OrchestrationEnvironment::renew_lease(const Uuid &, double) {
  return false;
}

void OrchestrationEnvironment::revoke_lease(const Uuid &) {}

std::vector<Uuid> OrchestrationEnvironment::lease_ids_held_by(const Uuid &, const Uuid &) {
  return {};
}

std::vector<TagConcurrencyLimitV1> OrchestrationEnvironment::read_tag_concurrency_limits_v1(
    const std::vector<std::string> &) {
  return {};
}

void OrchestrationEnvironment::write_tag_active_slots_v1(const std::string &, const std::vector<std::string> &) {
  no_limits_configured("write_tag_active_slots_v1");
}

std::optional<DeploymentConcurrency> OrchestrationEnvironment::read_deployment_concurrency(const Uuid &) {
  return DeploymentConcurrency{};
}

}  // namespace prefectd
