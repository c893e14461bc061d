#include "connection_pool.h"

namespace prefectd::sqlite {

ConnectionPool::ConnectionPool(SqliteTarget target, size_t steady_size, size_t max_connections,
                               std::chrono::milliseconds checkout_timeout)
    : target_(std::move(target)),
      steady_size_(steady_size),
      max_connections_(target_.in_memory ? 1 : std::max<size_t>(1, max_connections)),
      checkout_timeout_(checkout_timeout) {
  if (target_.in_memory) {
    // Opened now and never closed: the data lives in this connection.
    all_.push_back(open_connection(target_));
    idle_.push_back(all_.back().get());
  }
}

sqlite3 *ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + checkout_timeout_;
  ++waiting_;
  while (idle_.empty() && all_.size() + opening_ >= max_connections_) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        all_.size() + opening_ >= max_connections_) {
      --waiting_;
      throw SqliteError(PD_BUSY, SQLITE_BUSY,
                        "no SQLite connection became free within the pool timeout (" +
                            std::to_string(checkout_timeout_.count()) + " ms); all " +
                            std::to_string(max_connections_) + " are in use");
    }
  }
  --waiting_;
  if (!idle_.empty()) {
    sqlite3 *connection = idle_.back();
    idle_.pop_back();
    return connection;
  }
  ++opening_;
  lock.unlock();
  Connection opened;
  try {
    opened = open_connection(target_);
  } catch (...) {
    lock.lock();
    --opening_;
    returned_.notify_one();
    throw;
  }
  lock.lock();
  --opening_;
  all_.push_back(std::move(opened));
  return all_.back().get();
}

void ConnectionPool::release(sqlite3 *connection) {
  if (sqlite3_get_autocommit(connection) == 0) sqlite3_exec(connection, "ROLLBACK", nullptr, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection);
  }
  returned_.notify_one();
}

void ConnectionPool::stats(pd_pool_stats &out) {
  std::lock_guard lock(mutex_);
  out.size = static_cast<int64_t>(steady_size_);
  out.max_overflow = static_cast<int64_t>(max_connections_ > steady_size_ ? max_connections_ - steady_size_ : 0);
  out.open = static_cast<int64_t>(all_.size());
  out.idle = static_cast<int64_t>(idle_.size());
  out.in_use = out.open - out.idle;
  out.waiting = static_cast<int64_t>(waiting_);
  out.reconnects = 0;
}

}  // namespace prefectd::sqlite
