// ORM: the models' upsert keys, the migration list and schema description.
#include "handles.h"
#include "migration_catalog.h"
#include "plugin_error.h"
#include "upsert_keys.h"
#include "vtables.h"

#include <vector>

namespace prefectd::sqlite {
namespace {

using backend::append;
using backend::fail;

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
      .xMigrationCount = backend::migration_count,
      .xMigration = backend::migration_at,
      .xUpsertColumns = backend::prefect_upsert_columns,
      .xDescribeSchema = describe_schema,
  };
  return vtable;
}

}  // namespace prefectd::sqlite
