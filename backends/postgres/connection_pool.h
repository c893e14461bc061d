// A bounded pool of libpq connections with SQLAlchemy QueuePool semantics,
// as Prefect configures it for PostgreSQL:
//   - `size` steady connections plus up to `max_overflow` more under load;
//     an overflow connection is closed when it comes back while `size`
//     connections are already idle;
//   - LIFO reuse: the most recently returned idle connection goes out first,
//     so surplus connections age out instead of all staying warm;
//   - checkout waits up to `timeout`, then PD_BUSY;
//   - on checkout a connection older than `recycle` is replaced, and every
//     other one is pre-pinged; a failed ping replaces it (counted in
//     `reconnects`) and marks every connection opened before that moment as
//     suspect, so after a server restart the pool recovers without a futile
//     ping per stale connection.
// Connections are opened lazily; nothing connects until the first checkout.
// The mutex is never held while connecting, pinging or closing.
#pragma once

#include "connection.h"
#include "conninfo.h"

#include <prefectd/backend.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace prefectd::postgres {

struct PoolLimits {
  int64_t size = 5;
  int64_t max_overflow = 10;  // negative: unlimited, as in SQLAlchemy
  std::chrono::milliseconds timeout{30'000};
  std::optional<std::chrono::seconds> recycle{std::chrono::seconds(3600)};  // nullopt: never

  // From the PREFECT_SERVER_DATABASE_SQLALCHEMY_* settings.
  static PoolLimits from_settings();
};

struct PooledConnection {
  PgConnection connection;
  std::chrono::steady_clock::time_point opened;
};

class ConnectionPool {
 public:
  ConnectionPool(ConnectionParameters parameters, PoolLimits limits);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool &) = delete;
  ConnectionPool &operator=(const ConnectionPool &) = delete;

  // Checks a live connection out. `wait` overrides the pool timeout.
  pd_status acquire(PooledConnection &out, pd_error *error,
                    std::optional<std::chrono::milliseconds> wait = std::nullopt);
  // Returns a connection; `reusable` is false when its state is unknown
  // (lost, or a transaction that could not be rolled back), and it is closed.
  void release(PooledConnection connection, bool reusable);

  pd_pool_stats stats() const;
  const ConnectionParameters &parameters() const { return parameters_; }

 private:
  int64_t capacity() const;
  bool slot_available() const;  // caller holds mutex_
  // Opens a connection for a slot already counted in open_ and in_use_;
  // gives the slot back on failure.
  pd_status open_into(PooledConnection &out, pd_error *error);

  const ConnectionParameters parameters_;
  const PoolLimits limits_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<PooledConnection> idle_;  // back() is the most recently returned
  int64_t open_ = 0;                    // open or being opened
  int64_t in_use_ = 0;
  int64_t waiting_ = 0;
  int64_t reconnects_ = 0;
  std::chrono::steady_clock::time_point suspect_before_{};
};

}  // namespace prefectd::postgres
