// pd_orm: migrations from the embedded sql/postgres/migrations, the upsert
// keys of database.md section 4, and the schema description.
#include "handles.h"
#include "migration_catalog.h"
#include "plugin_error.h"
#include "schema_description.h"
#include "upsert_keys.h"
#include "vtables.h"

namespace prefectd::postgres {
namespace {

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
      .xMigrationCount = backend::migration_count,
      .xMigration = backend::migration_at,
      .xUpsertColumns = backend::prefect_upsert_columns,
      .xDescribeSchema = describe,
  };
  return vtable;
}

}  // namespace prefectd::postgres
