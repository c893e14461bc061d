// Connections to one SQLite database, reused most-recently-returned first.
// An in-memory database gets exactly one connection, kept open for the life
// of the pool, so its data is not lost between sessions.
#pragma once

#include "connection.h"

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
};

class ConnectionPool {
 public:
  ConnectionPool(SqliteTarget target, PoolLimits limits);
  ConnectionPool(const ConnectionPool &) = delete;
  ConnectionPool &operator=(const ConnectionPool &) = delete;

  // Waits up to the checkout timeout; throws SqliteError(PD_BUSY) then.
  sqlite3 *acquire();
  // Rolls back a transaction left open and makes the connection available,
  // closing it instead when more than steady_size would sit idle.
  void release(sqlite3 *connection);
  void stats(pd_pool_stats &out);
  const SqliteTarget &target() const { return target_; }

 private:
  bool at_capacity() const;
  // Removes `connection` from all_ and hands it back to be closed.
  Connection forget(sqlite3 *connection);

  SqliteTarget target_;
  PoolLimits limits_;
  std::optional<size_t> max_open_;

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<Connection> all_;  // every open connection
  std::vector<sqlite3 *> idle_;  // back() is the most recently returned
  size_t opening_ = 0;           // connections being opened outside the lock
  size_t waiting_ = 0;
};

}  // namespace prefectd::sqlite
