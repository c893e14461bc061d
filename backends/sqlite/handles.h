// The plugin's definitions of the ABI's opaque handles.
#pragma once

#include "connection_pool.h"

#include <memory>
#include <string>
#include <vector>

struct pd_database {
  std::unique_ptr<prefectd::sqlite::ConnectionPool> pool;
};

struct pd_session {
  pd_database *database;
  prefectd::sqlite::PooledConnection *pooled;
  sqlite3 *connection;
  // Holds the pool's write turn, from BEGIN IMMEDIATE to the transaction's end.
  bool write_turn = false;
};

struct pd_statement {
  pd_session *session;
  prefectd::sqlite::StatementHandle handle;
  // The SQL text, for returning the statement to its connection's cache on
  // finalize; empty for a statement that is not to be cached.
  std::string cache_key;
  int64_t rows_affected = 0;
  // sqlite3_total_changes() when the current execution began, to tell a
  // statement that changed rows from one that merely left sqlite3_changes()
  // as the previous statement set it.
  int total_changes_at_start = 0;
  bool executing = false;
  // The ABI promises column names until finalize; SQLite's own may move
  // when it re-prepares a statement after a schema change. Each name is
  // allocated once so that growing the vector never moves its text.
  std::vector<std::unique_ptr<std::string>> column_names;
};
