// The plugin's definitions of the ABI's opaque handles.
#pragma once

#include "connection_pool.h"
#include "value_codec.h"

#include <memory>
#include <string>
#include <vector>

struct pd_database {
  std::unique_ptr<prefectd::postgres::ConnectionPool> pool;
};

struct pd_session {
  pd_database *database = nullptr;
  prefectd::postgres::PooledConnection pooled;
  // Set when the connection was lost or left in a state we cannot vouch
  // for; such a connection is closed on release instead of pooled.
  bool broken = false;

  PGconn *connection() const { return pooled.connection.get(); }
};

struct pd_statement {
  pd_session *session = nullptr;
  std::string sql;  // NUL-terminated for libpq
  std::vector<prefectd::postgres::EncodedParameter> parameters;

  // The whole result of the last execution, buffered by libpq.
  prefectd::postgres::PgResult result;
  bool executed = false;
  int row = -1;  // current row, -1 before the first
  int64_t rows_affected = 0;
  // Copied from the first result so that names stay valid until finalize.
  std::vector<std::string> column_names;
  prefectd::postgres::ColumnScratch scratch;
};
