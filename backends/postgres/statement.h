// One statement: SQL with $N placeholders, its bound values, and the buffered
// result of its last execution. Executed with PQexecParams as an unnamed
// statement, so no server-side prepared statement outlives it (safe behind
// PgBouncer in transaction mode).
#pragma once

#include "handles.h"

namespace prefectd::postgres {

pd_status prepare_statement(pd_session &session, const char *sql, size_t size, pd_statement *&statement,
                            pd_error *error);
pd_status bind_parameter(pd_statement &statement, int index, const pd_value &value, pd_error *error);
pd_status step_statement(pd_statement &statement, pd_error *error);
pd_status reset_statement(pd_statement &statement);
int column_count(const pd_statement &statement);
const char *column_name(const pd_statement &statement, int column);
pd_status read_column(pd_statement &statement, int column, pd_type type, pd_value &value, pd_error *error);

}  // namespace prefectd::postgres
