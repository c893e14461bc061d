// ORM: the models' upsert keys, the migration list and schema description.
#include "handles.h"
#include "migration_catalog.h"
#include "plugin_error.h"
#include "vtables.h"

#include <array>
#include <cstring>
#include <vector>

namespace prefectd::sqlite {
namespace {

using backend::append;
using backend::fail;

struct UpsertKey {
  const char *model;
  const char *const *columns;
};

// database.md §4: the conflict target of each model's upsert.
template <typename... Columns>
constexpr auto columns(Columns... names) {
  return std::array<const char *, sizeof...(Columns) + 1>{names..., nullptr};
}

constexpr auto kFlow = columns("name");
constexpr auto kFlowRun = columns("flow_id", "idempotency_key");
constexpr auto kTaskRun = columns("flow_run_id", "task_key", "dynamic_key");
constexpr auto kById = columns("id");
constexpr auto kDeployment = columns("flow_id", "name");
constexpr auto kByKey = columns("key");
constexpr auto kBlockType = columns("slug");
constexpr auto kBlockSchema = columns("checksum", "version");
constexpr auto kBlockDocument = columns("block_type_id", "name");
constexpr auto kByName = columns("name");
constexpr auto kByTag = columns("tag");
constexpr auto kByPoolAndName = columns("work_pool_id", "name");
constexpr auto kByClient = columns("client");
constexpr auto kAutomationBucket = columns("automation_id", "trigger_id", "bucketing_key");
constexpr auto kAutomationRelatedResource = columns("automation_id", "resource_id");
constexpr auto kCompositeTriggerChildFiring = columns("automation_id", "parent_trigger_id", "child_trigger_id");

const UpsertKey kUpsertKeys[] = {
    {"flow", kFlow.data()},
    {"flow_run", kFlowRun.data()},
    {"task_run", kTaskRun.data()},
    {"task_run_state", kById.data()},
    {"deployment", kDeployment.data()},
    {"artifact_collection", kByKey.data()},
    {"block_type", kBlockType.data()},
    {"block_schema", kBlockSchema.data()},
    {"block_document", kBlockDocument.data()},
    {"saved_search", kByName.data()},
    {"concurrency_limit", kByTag.data()},
    {"concurrency_limit_v2", kByName.data()},
    {"worker", kByPoolAndName.data()},
    {"work_pool", kByName.data()},
    {"work_queue", kByPoolAndName.data()},
    {"csrf_token", kByClient.data()},
    {"events", kById.data()},
    {"variable", kByName.data()},
    {"configuration", kByKey.data()},
    {"automation_bucket", kAutomationBucket.data()},
    {"automation_related_resource", kAutomationRelatedResource.data()},
    {"composite_trigger_child_firing", kCompositeTriggerChildFiring.data()},
};

size_t migration_count() { return backend::migration_count(); }

pd_status migration(size_t index, pd_migration *out) { return backend::migration_at(index, out); }

const char *const *upsert_columns(const char *model) {
  if (model == nullptr) return nullptr;
  for (const UpsertKey &key : kUpsertKeys) {
    if (std::strcmp(key.model, model) == 0) return key.columns;
  }
  return nullptr;
}

// Appends every row of `sql` as tab-separated text lines.
pd_status append_rows(sqlite3 *connection, const std::string &sql, pd_sink *out, pd_error *error) {
  sqlite3_stmt *raw = nullptr;
  int result = sqlite3_prepare_v2(connection, sql.c_str(), -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  if (result != SQLITE_OK) return fail(error, status_for(result), sqlite3_errmsg(connection));
  while ((result = sqlite3_step(raw)) == SQLITE_ROW) {
    for (int i = 0; i < sqlite3_column_count(raw); ++i) {
      const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(raw, i));
      append(out, i > 0 ? "\t" : "");
      append(out, text != nullptr ? text : "NULL");
    }
    append(out, "\n");
  }
  if (result != SQLITE_DONE) return fail(error, status_for(result), sqlite3_errmsg(connection));
  return PD_OK;
}

pd_status describe_schema(pd_session *session, pd_sink *out, pd_error *error) {
  return backend::guarded(error, [&]() -> pd_status {
    sqlite3 *connection = session->connection;
    // alembic_version belongs to the migration runner, not the schema.
    const std::string objects =
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND tbl_name <> 'alembic_version' ORDER BY type, name";
    pd_status status = append_rows(connection, objects, out, error);
    if (status != PD_OK) return status;
    std::vector<std::string> tables;
    {
      sqlite3_stmt *raw = nullptr;
      sqlite3_prepare_v2(connection,
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                         "AND name <> 'alembic_version' ORDER BY name",
                         -1, &raw, nullptr);
      std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
      while (raw != nullptr && sqlite3_step(raw) == SQLITE_ROW) {
        tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(raw, 0)));
      }
    }
    for (const std::string &table : tables) {
      append(out, "table " + table + "\n");
      status = append_rows(connection, "SELECT * FROM pragma_table_info('" + table + "')", out, error);
      if (status != PD_OK) return status;
      status = append_rows(connection, "SELECT * FROM pragma_foreign_key_list('" + table + "')", out, error);
      if (status != PD_OK) return status;
    }
    return PD_OK;
  });
}

}  // namespace

const pd_orm &orm_vtable() {
  static const pd_orm vtable = {
      .struct_size = sizeof(pd_orm),
      .xMigrationCount = migration_count,
      .xMigration = migration,
      .xUpsertColumns = upsert_columns,
      .xDescribeSchema = describe_schema,
  };
  return vtable;
}

}  // namespace prefectd::sqlite
