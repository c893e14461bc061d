#include "upsert_keys.h"

#include <string_view>

namespace prefectd::backend {
namespace {

struct UpsertKey {
  std::string_view model;
  const char *const *columns;
};

constexpr const char *kFlow[] = {"name", nullptr};
constexpr const char *kFlowRun[] = {"flow_id", "idempotency_key", nullptr};
constexpr const char *kTaskRun[] = {"flow_run_id", "task_key", "dynamic_key", nullptr};
constexpr const char *kId[] = {"id", nullptr};
constexpr const char *kDeployment[] = {"flow_id", "name", nullptr};
constexpr const char *kKey[] = {"key", nullptr};
constexpr const char *kBlockType[] = {"slug", nullptr};
constexpr const char *kBlockSchema[] = {"checksum", "version", nullptr};
constexpr const char *kBlockDocument[] = {"block_type_id", "name", nullptr};
constexpr const char *kName[] = {"name", nullptr};
constexpr const char *kTag[] = {"tag", nullptr};
constexpr const char *kPoolAndName[] = {"work_pool_id", "name", nullptr};
constexpr const char *kClient[] = {"client", nullptr};
constexpr const char *kAutomationBucket[] = {"automation_id", "trigger_id", "bucketing_key", nullptr};
constexpr const char *kAutomationRelatedResource[] = {"automation_id", "resource_id", nullptr};
constexpr const char *kCompositeTriggerChildFiring[] = {"automation_id", "parent_trigger_id", "child_trigger_id",
                                                        nullptr};

constexpr UpsertKey kUpsertKeys[] = {
    {"flow", kFlow},
    {"flow_run", kFlowRun},
    {"task_run", kTaskRun},
    {"task_run_state", kId},
    {"deployment", kDeployment},
    {"artifact_collection", kKey},
    {"block_type", kBlockType},
    {"block_schema", kBlockSchema},
    {"block_document", kBlockDocument},
    {"saved_search", kName},
    {"concurrency_limit", kTag},
    {"worker", kPoolAndName},
    {"csrf_token", kClient},
    {"events", kId},
    {"automation_bucket", kAutomationBucket},
    {"automation_related_resource", kAutomationRelatedResource},
    {"composite_trigger_child_firing", kCompositeTriggerChildFiring},
    {"variable", kName},
    {"configuration", kKey},
    {"concurrency_limit_v2", kName},
    {"work_pool", kName},
    {"work_queue", kPoolAndName},
};

}  // namespace

const char *const *prefect_upsert_columns(const char *model) noexcept {
  if (model == nullptr) return nullptr;
  for (const UpsertKey &key : kUpsertKeys) {
    if (key.model == model) return key.columns;
  }
  return nullptr;
}

}  // namespace prefectd::backend
