// Binding values to and reading typed columns from SQLite statements, in
// the storage formats Prefect uses (database.md §3).
#pragma once

#include <prefectd/backend.h>

#include "connection.h"
#include "handles.h"

namespace prefectd::sqlite {

pd_status bind_value(pd_statement *statement, int index, const pd_value &value, pd_error *error);
pd_status read_column(pd_statement *statement, int column, pd_type type, pd_value &value, pd_error *error);

}  // namespace prefectd::sqlite
