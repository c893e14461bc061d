// Connections to one SQLite database, reused most-recently-returned first.
// An in-memory database gets exactly one connection, kept open for the life
// of the pool, so its data is not lost between sessions.
#pragma once

#include "connection.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace prefectd::sqlite {

class ConnectionPool {
 public:
  ConnectionPool(SqliteTarget target, size_t steady_size, size_t max_connections,
                 std::chrono::milliseconds checkout_timeout);

  // Waits up to the checkout timeout; throws SqliteError(PD_BUSY) then.
  sqlite3 *acquire();
  // Rolls back a transaction left open and makes the connection available.
  void release(sqlite3 *connection);
  void stats(pd_pool_stats &out);
  const SqliteTarget &target() const { return target_; }

 private:
  SqliteTarget target_;
  size_t steady_size_;
  size_t max_connections_;
  std::chrono::milliseconds checkout_timeout_;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Connection> all_;   // every open connection
  std::vector<sqlite3 *> idle_;   // back() is the most recently returned
  size_t opening_ = 0;            // connections being opened outside the lock
  size_t waiting_ = 0;
};

}  // namespace prefectd::sqlite
