#include "schema_description.h"

#include "error_mapping.h"
#include "plugin_error.h"
#include "session.h"

namespace prefectd::postgres {
namespace {

// One line per fact about current_schema() (the first schema of the
// search_path that exists), grouped by kind and ordered byte-wise (COLLATE
// "C") so that the text does not depend on the server's locale.
constexpr const char *kDescribeSchemaSql = R"SQL(
SELECT line FROM (
  SELECT 1 AS section, c.table_name::text AS k1, lpad(c.ordinal_position::text, 5, '0') AS k2,
         'column ' || c.table_name || '.' || c.column_name || ' ' || c.data_type
           || CASE WHEN c.data_type IN ('USER-DEFINED', 'ARRAY') THEN '(' || c.udt_name || ')' ELSE '' END
           || CASE WHEN c.character_maximum_length IS NOT NULL
                   THEN '[' || c.character_maximum_length || ']' ELSE '' END
           || CASE WHEN c.is_nullable = 'YES' THEN ' NULL' ELSE ' NOT NULL' END
           || COALESCE(' DEFAULT ' || c.column_default, '') AS line
  FROM information_schema.columns c
  WHERE c.table_schema = current_schema()
  UNION ALL
  SELECT 2, i.indexname::text, '', 'index ' || i.indexname || ' ' || i.indexdef
  FROM pg_indexes i
  WHERE i.schemaname = current_schema()
  UNION ALL
  SELECT 3, t.relname::text, con.conname::text,
         'constraint ' || t.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid, true)
  FROM pg_constraint con
  JOIN pg_class t ON t.oid = con.conrelid
  WHERE t.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 4, ty.typname::text, '',
         'enum ' || ty.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
  FROM pg_type ty
  JOIN pg_enum e ON e.enumtypid = ty.oid
  WHERE ty.typnamespace = current_schema()::regnamespace
  GROUP BY ty.typname
) AS facts
ORDER BY section, k1 COLLATE "C", k2 COLLATE "C", line COLLATE "C"
)SQL";

}  // namespace

pd_status describe_schema(pd_session &session, pd_sink *out, pd_error *error) {
  PgResult result(PQexec(session.connection(), kDescribeSchemaSql));
  pd_status status = check_result(session.connection(), result.get(), error);
  note_connection_state(session);
  if (status != PD_OK) return status;
  const int rows = PQntuples(result.get());
  for (int row = 0; row < rows; ++row) {
    backend::append(out, PQgetvalue(result.get(), row, 0));
    backend::append(out, "\n");
  }
  return PD_OK;
}

}  // namespace prefectd::postgres
