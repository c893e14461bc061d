// The plugin's definitions of the ABI's opaque handles.
#pragma once

#include "connection_pool.h"

#include <memory>
#include <string>

struct pd_database {
  std::unique_ptr<prefectd::sqlite::ConnectionPool> pool;
};

struct pd_session {
  pd_database *database;
  sqlite3 *connection;
};

struct StatementCloser {
  void operator()(sqlite3_stmt *statement) const { sqlite3_finalize(statement); }
};

struct pd_statement {
  pd_session *session;
  std::unique_ptr<sqlite3_stmt, StatementCloser> handle;
  int64_t rows_affected = 0;
  // Holds converted column text (for example a UUID read from a BLOB) until the next read.
  std::string scratch;
};
