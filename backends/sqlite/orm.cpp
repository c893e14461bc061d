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

pd_status failure(sqlite3 *connection, int result, pd_error *error) {
  return fail(error, status_for(result), sqlite3_errmsg(connection), std::to_string(result));
}

// Calls `row` for every row of `sql`.
template <typename Row>
pd_status for_each_row(sqlite3 *connection, const std::string &sql, pd_error *error, Row &&row) {
  sqlite3_stmt *raw = nullptr;
  int result = sqlite3_prepare_v2(connection, sql.c_str(), -1, &raw, nullptr);
  std::unique_ptr<sqlite3_stmt, StatementCloser> statement(raw);
  if (result != SQLITE_OK) return failure(connection, result, error);
  while ((result = sqlite3_step(raw)) == SQLITE_ROW) row(raw);
  if (result != SQLITE_DONE) return failure(connection, result, error);
  return PD_OK;
}

// Appends every row of `sql` as tab-separated text lines.
pd_status append_rows(sqlite3 *connection, const std::string &sql, pd_sink *out, pd_error *error) {
  return for_each_row(connection, sql, error, [&](sqlite3_stmt *row) {
    for (int i = 0; i < sqlite3_column_count(row); ++i) {
      const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(row, i));
      append(out, i > 0 ? "\t" : "");
      append(out, text != nullptr ? text : "NULL");
    }
    append(out, "\n");
  });
}

// `name` as an SQL string literal.
std::string quoted(const std::string &name) {
  std::string literal = "'";
  for (char c : name) {
    literal += c;
    if (c == '\'') literal += c;
  }
  return literal + "'";
}

pd_status describe_schema(pd_session *session, pd_sink *out, pd_error *error) {
  return backend::guarded(error, [&]() -> pd_status {
    if (session == nullptr || out == nullptr)
      return fail(error, PD_MISUSE, "xDescribeSchema needs a session and a sink");
    sqlite3 *connection = session->connection;
    // alembic_version belongs to the migration runner, not the schema.
    const std::string objects =
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
        "AND tbl_name <> 'alembic_version' ORDER BY type, name";
    pd_status status = append_rows(connection, objects, out, error);
    if (status != PD_OK) return status;
    std::vector<std::string> tables;
    status = for_each_row(connection,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                          "AND name <> 'alembic_version' ORDER BY name",
                          error, [&](sqlite3_stmt *row) {
                            tables.emplace_back(reinterpret_cast<const char *>(sqlite3_column_text(row, 0)));
                          });
    if (status != PD_OK) return status;
    for (const std::string &table : tables) {
      append(out, "table " + table + "\n");
      status =
          append_rows(connection, "SELECT * FROM pragma_table_info(" + quoted(table) + ") ORDER BY cid", out, error);
      if (status != PD_OK) return status;
      status = append_rows(connection, "SELECT * FROM pragma_foreign_key_list(" + quoted(table) + ") ORDER BY id, seq",
                           out, error);
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
