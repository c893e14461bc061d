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
  // Checked out of the pool for the session's life.
  prefectd::sqlite::PooledConnection *pooled;
  // What the session's statements and scripts run on: `pooled`, or the
  // pool's writer while the session holds the write turn.
  prefectd::sqlite::PooledConnection *active;
  sqlite3 *connection;  // active's
  // Holds the pool's write turn, from the write transaction's BEGIN until it
  // has ended and every statement prepared on the writer is finalized (a
  // statement must never run on the writer in another session's turn).
  bool write_turn = false;
  // Its write transaction is a member of the writer's open commit group.
  bool group_member = false;
  size_t statements_on_writer = 0;
};

struct pd_statement {
  pd_session *session;
  // The connection it was prepared on (the session's active one then).
  prefectd::sqlite::PooledConnection *prepared_on;
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
