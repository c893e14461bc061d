// The settings orchestration honours (settings.md), with Prefect's
// defaults. The caller fills them from the resolved settings.
#pragma once

#include <cstddef>

namespace prefectd {

struct OrchestrationSettings {
  // PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS
  double tag_concurrency_slot_wait_seconds = 10;
  // PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS
  double deployment_concurrency_slot_wait_seconds = 30;
  // PREFECT_SERVER_CONCURRENCY_INITIAL_DEPLOYMENT_LEASE_DURATION
  double initial_deployment_lease_duration_seconds = 300;
  // PREFECT_SERVER_TASKS_MAX_CACHE_KEY_LENGTH
  std::size_t max_cache_key_length = 2000;
};

// Tag-concurrency leases of task runs live "forever" (100 years, as
// Prefect's V1_LEASE_TTL); they are released when the task leaves RUNNING.
inline constexpr double kTaskTagLeaseTtlSeconds = 100.0 * 365 * 24 * 3600;

}  // namespace prefectd
