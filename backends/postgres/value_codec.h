// pd_value to PostgreSQL parameters, and result text back to pd_value.
#pragma once

#include "connection.h"

#include <prefectd/backend.h>

#include <libpq-fe.h>

#include <string>
#include <vector>

namespace prefectd::postgres {

// One bound parameter as PQexecParams takes it.
struct EncodedParameter {
  bool is_null = true;
  Oid type = 0;       // 0: unknown, the server infers it from the context
  int format = 0;     // 0 text, 1 binary (bytea only)
  std::string bytes;  // text (NUL-terminated by std::string) or binary
};

// Encodes `value` for parameter `index` (1-based, for messages).
//   NULL → SQL NULL; INT64 → int8; DOUBLE → float8; BOOL → bool;
//   TEXT and JSON → unknown, so the column or a CAST decides (text, varchar,
//   enum, json, jsonb alike); BLOB → bytea, binary; UUID → uuid text;
//   TIMESTAMP → timestamptz text "YYYY-MM-DD HH:MM:SS.ffffff+00";
//   INTERVAL → interval text "S.ffffff seconds".
pd_status encode_parameter(const pd_value &value, int index, EncodedParameter &out, pd_error *error);

// Storage that converted column values point into, per statement. Cleared
// on step, reset and finalize: exactly the lifetime the ABI promises.
struct ColumnScratch {
  std::vector<PgMemory<unsigned char>> unescaped_blobs;
  void clear() { unescaped_blobs.clear(); }
};

// Converts column `column` of row `row` to `type`, guided by the column's
// PostgreSQL type. SQL NULL → PD_TYPE_NULL. PD_INVALID (naming the column)
// when the value cannot be represented as `type`.
pd_status decode_column(const PGresult *result, int row, int column, pd_type type, pd_value &value,
                        ColumnScratch &scratch, pd_error *error);

}  // namespace prefectd::postgres
