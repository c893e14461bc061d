#include "filter_set.h"

#include "filter_json.h"

namespace prefectd {
namespace {

const rapidjson::Value *filter_object(const rapidjson::Value &body, const char *key) {
  const rapidjson::Value *value = filter_json::member(&body, key);
  return value != nullptr && value->IsObject() ? value : nullptr;
}

}  // namespace

FilterSet FilterSet::from_body(const rapidjson::Value &body, const char *work_queues_key) {
  FilterSet set;
  set.flows = filter_object(body, "flows");
  set.flow_runs = filter_object(body, "flow_runs");
  set.task_runs = filter_object(body, "task_runs");
  set.deployments = filter_object(body, "deployments");
  set.work_pools = filter_object(body, "work_pools");
  set.work_queues = filter_object(body, work_queues_key);
  set.logs = filter_object(body, "logs");
  set.artifacts = filter_object(body, "artifacts");
  set.variables = filter_object(body, "variables");
  return set;
}

}  // namespace prefectd
