// The filter objects of a "read many" request body (filters.md §1). Absent
// and null keys are nullptr; a present object, even `{}`, is kept, because
// a related filter that is present still requires a related row (§2).
// The pointers refer into the body, which must outlive the set.
#pragma once

#include <rapidjson/document.h>

namespace prefectd {

struct FilterSet {
  const rapidjson::Value *flows = nullptr;
  const rapidjson::Value *flow_runs = nullptr;
  const rapidjson::Value *task_runs = nullptr;
  const rapidjson::Value *deployments = nullptr;
  const rapidjson::Value *work_pools = nullptr;
  const rapidjson::Value *work_queues = nullptr;
  const rapidjson::Value *logs = nullptr;
  // ArtifactFilter on /artifacts/*, ArtifactCollectionFilter on /artifacts/latest/*.
  const rapidjson::Value *artifacts = nullptr;
  const rapidjson::Value *variables = nullptr;

  // Reads flows, flow_runs, task_runs, deployments, work_pools, logs,
  // artifacts, variables and the work queue filter under `work_queues_key` ("work_pool_queues"
  // on most routes, "work_queues" on /flow_runs/history and the work
  // queue routes).
  static FilterSet from_body(const rapidjson::Value &body, const char *work_queues_key = "work_pool_queues");
};

}  // namespace prefectd
