#include "connection_pool.h"

#include "host_services.h"
#include "wal_frame_batching.h"

#include <algorithm>

namespace prefectd::sqlite {

ConnectionPool::ConnectionPool(SqliteTarget target, PoolLimits limits)
    : target_(std::move(target)), limits_(limits), group_commit_(busy_timeout()) {
  if (target_.in_memory) {
    // Opened now and never closed before the pool: the data lives in this
    // one connection, and sessions take turns on it (Prefect likewise gives
    // ":memory:" a pool of exactly one connection that is never recycled).
    max_open_ = 1;
    all_.push_back(open());
    idle_.push_back(all_.back().get());
  } else if (limits_.max_overflow) {
    max_open_ = std::max<size_t>(1, limits_.steady_size + *limits_.max_overflow);
  }
  // Returning a connection must not fail for want of memory, or its slot
  // would be lost; a bounded pool reserves every slot up front.
  if (max_open_ && *max_open_ <= 1024) idle_.reserve(*max_open_);
}

ConnectionPool::~ConnectionPool() {
  group_commit_.set_writer(nullptr);  // its statements go before the writer closes
}

std::unique_ptr<PooledConnection> ConnectionPool::open(const char *vfs) const {
  return std::make_unique<PooledConnection>(open_connection(target_, vfs), limits_.cached_statements);
}

bool ConnectionPool::at_capacity() const {
  return max_open_ && all_.size() + opening_ >= *max_open_;
}

PooledConnection *ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + limits_.checkout_timeout;
  ++waiting_;
  while (idle_.empty() && at_capacity()) {
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && at_capacity()) {
      --waiting_;
      throw SqliteError(PD_BUSY, SQLITE_OK,
                        "no SQLite connection became free within the pool timeout (" +
                            std::to_string(limits_.checkout_timeout.count()) + " ms); all " +
                            std::to_string(*max_open_) + " are in use");
    }
  }
  --waiting_;
  if (!idle_.empty()) {
    PooledConnection *connection = idle_.back();
    idle_.pop_back();
    return connection;
  }
  // Opening touches the file system (and may wait on the WAL switch), so it
  // happens outside the lock; opening_ keeps the slot reserved meanwhile.
  ++opening_;
  lock.unlock();
  std::unique_ptr<PooledConnection> opened;
  try {
    opened = open();
  } catch (...) {
    lock.lock();
    --opening_;
    lock.unlock();
    returned_.notify_one();
    throw;
  }
  lock.lock();
  --opening_;
  all_.push_back(std::move(opened));
  return all_.back().get();
}

std::unique_ptr<PooledConnection> ConnectionPool::forget(PooledConnection *connection) {
  auto found = std::find_if(all_.begin(), all_.end(), [&](const auto &c) { return c.get() == connection; });
  if (found == all_.end()) return nullptr;
  std::unique_ptr<PooledConnection> owned = std::move(*found);
  all_.erase(found);
  return owned;
}

void ConnectionPool::release(PooledConnection *pooled) {
  sqlite3 *connection = pooled->connection.get();
  if (sqlite3_get_autocommit(connection) == 0) sqlite3_exec(connection, "ROLLBACK", nullptr, nullptr, nullptr);
  // A connection still inside a transaction would hold its locks for the
  // next caller; a file database can afford to drop it instead.
  const bool stuck = sqlite3_get_autocommit(connection) == 0;
  if (stuck) backend::log(PD_LOG_WARNING, "a SQLite connection could not roll back its transaction on release");
  std::unique_ptr<PooledConnection> closing;
  {
    std::lock_guard lock(mutex_);
    const bool surplus = limits_.steady_size != 0 && idle_.size() >= limits_.steady_size;
    if (!target_.in_memory && (stuck || surplus)) {
      closing = forget(pooled);  // an overflow connection, closed as SQLAlchemy's QueuePool does
    } else {
      idle_.push_back(pooled);
    }
  }
  returned_.notify_one();
}

PooledConnection *ConnectionPool::writer() {
  if (target_.in_memory) return nullptr;
  if (!writer_) {
    // Its commits write their log frames in one piece (see
    // wal_frame_batching.h); the readers' connections never write any.
    auto opened = open(wal_frame_batching_vfs());
    // Prefect's cache_size (20,000 pages, 80 MB) suits pooled connections,
    // whose cache empties whenever another connection commits. The writer's
    // never does, so it would grow to all of that; the pages its inserts and
    // updates keep touching fit in a tenth of it (measured: the same write
    // throughput, 38 instead of 121 MiB of server RSS after the benchmark).
    // Each writer's savepoint in its commit group (and each statement that
    // may have to undo itself) keeps the pages it changes until it ends; in
    // temporary files, SQLite's default, that was most of the writer's
    // system calls (measured), so they are kept in memory.
    check(opened->connection.get(),
          sqlite3_exec(opened->connection.get(), "PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY", nullptr,
                       nullptr, nullptr));
    if (!checkpointer_) checkpointer_ = std::make_unique<WalCheckpointer>(target_, group_commit_);
    checkpointer_->watch(opened->connection.get());
    group_commit_.set_writer(opened->connection.get());
    writer_ = std::move(opened);
  }
  return writer_.get();
}

void ConnectionPool::stats(pd_pool_stats &out) {
  std::lock_guard lock(mutex_);
  out.size = static_cast<int64_t>(target_.in_memory ? 1 : limits_.steady_size);
  out.max_overflow = target_.in_memory ? 0 : limits_.max_overflow ? static_cast<int64_t>(*limits_.max_overflow) : -1;
  // The writer is not counted: it is never checked out, only lent with the
  // write turn, and SQLAlchemy's figures describe the checkout pool.
  out.open = static_cast<int64_t>(all_.size());
  out.idle = static_cast<int64_t>(idle_.size());
  out.in_use = out.open - out.idle;
  out.waiting = static_cast<int64_t>(waiting_);
  out.reconnects = 0;
}

}  // namespace prefectd::sqlite
