// Connections to one SQLite database, reused most-recently-returned first.
// An in-memory database gets exactly one connection, kept open for the life
// of the pool, so its data is not lost between sessions.
#pragma once

#include "connection.h"
#include "group_commit.h"
#include "statement_cache.h"
#include "wal_checkpointer.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace prefectd::sqlite {

struct PoolLimits {
  // Idle connections kept open, as SQLAlchemy's pool_size; 0 keeps all.
  size_t steady_size = 5;
  // Connections beyond steady_size open at once; nullopt for no limit
  // (SQLAlchemy's max_overflow = -1).
  std::optional<size_t> max_overflow = 10;
  std::chrono::milliseconds checkout_timeout{30'000};
  // Idle prepared statements kept per connection. The host's hot paths use
  // a few dozen distinct texts; a statement costs a few KiB.
  size_t cached_statements = 128;
};

// An open connection and the statements prepared on it. The cache is
// declared last so that it is destroyed first: every statement must be
// finalized before its connection closes.
struct PooledConnection {
  PooledConnection(Connection opened, size_t cached_statements)
      : connection(std::move(opened)), statements(cached_statements) {}
  PooledConnection(const PooledConnection &) = delete;
  PooledConnection &operator=(const PooledConnection &) = delete;

  Connection connection;
  StatementCache statements;
};

class ConnectionPool {
 public:
  ConnectionPool(SqliteTarget target, PoolLimits limits);
  ConnectionPool(const ConnectionPool &) = delete;
  ConnectionPool &operator=(const ConnectionPool &) = delete;
  ~ConnectionPool();

  // Waits up to the checkout timeout; throws SqliteError(PD_BUSY) then.
  PooledConnection *acquire();
  // Rolls back a transaction left open and makes the connection available,
  // closing it instead when more than steady_size would sit idle.
  void release(PooledConnection *connection);
  void stats(pd_pool_stats &out);

  // The process's turn at writing and the commits writers share (see
  // GroupCommit).
  GroupCommit &group_commit() { return group_commit_; }
  // The connection every write transaction runs on, for the holder of the
  // write turn only; opened on first use. In WAL mode a connection drops its
  // whole page cache whenever another connection has committed, so writers
  // taking turns on pooled connections re-read most of their pages each
  // time; one writer connection keeps its cache warm (measured: nearly twice
  // the write throughput, docs/benchmarks.md). Null for an in-memory
  // database, whose single connection already is the writer.
  PooledConnection *writer();
  const SqliteTarget &target() const { return target_; }

 private:
  bool at_capacity() const;
  // Removes `connection` from all_ and hands it back to be closed.
  std::unique_ptr<PooledConnection> forget(PooledConnection *connection);
  std::unique_ptr<PooledConnection> open(const char *vfs = nullptr) const;

  SqliteTarget target_;
  PoolLimits limits_;
  std::optional<size_t> max_open_;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PooledConnection>> all_;  // every open connection
  std::vector<PooledConnection *> idle_;                // back() is the most recently returned
  size_t opening_ = 0;                                  // connections being opened outside the lock
  size_t waiting_ = 0;

  GroupCommit group_commit_;
  // Both opened with the writer, under the turn; the writer closes first.
  std::unique_ptr<WalCheckpointer> checkpointer_;
  std::unique_ptr<PooledConnection> writer_;
};

}  // namespace prefectd::sqlite
