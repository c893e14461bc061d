// pd_orm: migrations from the embedded sql/postgres/migrations, the upsert
// keys of database.md section 4, and the schema description.
#include "handles.h"
#include "migration_catalog.h"
#include "plugin_error.h"
#include "schema_description.h"
#include "vtables.h"

#include <string_view>

namespace prefectd::postgres {
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

size_t migration_count() noexcept {
  size_t count = 0;
  backend::guarded(nullptr, [&] {
    count = backend::migration_count();
    return PD_OK;
  });
  return count;
}

pd_status migration(size_t index, pd_migration *out) {
  return backend::guarded(nullptr, [&] { return backend::migration_at(index, out); });
}

const char *const *upsert_columns(const char *model) {
  if (model == nullptr) return nullptr;
  for (const UpsertKey &key : kUpsertKeys) {
    if (key.model == model) return key.columns;
  }
  return nullptr;
}

pd_status describe(pd_session *session, pd_sink *out, pd_error *error) {
  return backend::guarded(error, [&] {
    if (session == nullptr || out == nullptr) {
      return backend::fail(error, PD_MISUSE, "xDescribeSchema needs a session and a sink");
    }
    return describe_schema(*session, out, error);
  });
}

}  // namespace

const pd_orm &orm_vtable() {
  static const pd_orm vtable = {
      .struct_size = sizeof(pd_orm),
      .xMigrationCount = migration_count,
      .xMigration = migration,
      .xUpsertColumns = upsert_columns,
      .xDescribeSchema = describe,
  };
  return vtable;
}

}  // namespace prefectd::postgres
