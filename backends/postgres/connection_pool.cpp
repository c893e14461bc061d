#include "connection_pool.h"

#include "host_services.h"
#include "plugin_error.h"

#include <cmath>
#include <limits>
#include <string>

namespace prefectd::postgres {
namespace {

using Clock = std::chrono::steady_clock;

int64_t whole_setting(const char *name, int64_t fallback) {
  const double value = backend::number_setting(name, static_cast<double>(fallback));
  if (!std::isfinite(value)) return fallback;
  return static_cast<int64_t>(std::llround(value));
}

}  // namespace

PoolLimits PoolLimits::from_settings() {
  PoolLimits limits;
  limits.size = whole_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", 5);
  if (limits.size < 1) {
    backend::log(PD_LOG_WARNING, "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE must be at least 1; using 1");
    limits.size = 1;
  }
  limits.max_overflow = whole_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", 10);
  double timeout = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", 30.0);
  if (!std::isfinite(timeout) || timeout < 0) timeout = 30.0;
  limits.timeout = std::chrono::milliseconds(static_cast<int64_t>(std::min(timeout, 86400.0) * 1000.0));
  const double recycle = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", 3600.0);
  if (std::isfinite(recycle) && recycle > 0) {
    limits.recycle = std::chrono::seconds(static_cast<int64_t>(std::min(recycle, 1e9)));
  } else {
    limits.recycle = std::nullopt;  // SQLAlchemy's -1: never recycle
  }
  return limits;
}

ConnectionPool::ConnectionPool(ConnectionParameters parameters, PoolLimits limits)
    : parameters_(std::move(parameters)), limits_(limits) {}

ConnectionPool::~ConnectionPool() = default;

int64_t ConnectionPool::capacity() const {
  if (limits_.max_overflow < 0) return std::numeric_limits<int64_t>::max();
  return limits_.size + limits_.max_overflow;
}

bool ConnectionPool::slot_available() const {
  return open_ < capacity();
}

pd_status ConnectionPool::acquire(PooledConnection &out, pd_error *error,
                                  std::optional<std::chrono::milliseconds> wait) {
  const auto deadline = Clock::now() + wait.value_or(limits_.timeout);
  std::optional<PooledConnection> reused;
  Clock::time_point suspect_before;
  {
    std::unique_lock lock(mutex_);
    while (idle_.empty() && !slot_available()) {
      ++waiting_;
      const bool woke = available_.wait_until(lock, deadline, [this] { return !idle_.empty() || slot_available(); });
      --waiting_;
      if (!woke) {
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(wait.value_or(limits_.timeout));
        return backend::fail(error, PD_BUSY,
                             "no database connection became free within " + std::to_string(waited.count()) +
                                 " ms (pool size " + std::to_string(limits_.size) + " plus overflow " +
                                 std::to_string(limits_.max_overflow) + " all in use)");
      }
    }
    if (!idle_.empty()) {
      reused = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
    ++in_use_;
    suspect_before = suspect_before_;
  }

  if (reused) {
    const auto now = Clock::now();
    const bool expired = limits_.recycle && now - reused->opened > *limits_.recycle;
    const bool suspect = reused->opened <= suspect_before;
    if (!expired && !suspect && ping_connection(reused->connection.get())) {
      out = std::move(*reused);
      return PD_OK;
    }
    if (!expired) {
      if (suspect) {
        backend::log(PD_LOG_DEBUG, "replacing a pooled PostgreSQL connection opened before a failed pre-ping");
      } else {
        backend::log(PD_LOG_INFO, "a pooled PostgreSQL connection to " + parameters_.target() +
                                      " failed its pre-ping; reconnecting");
      }
      std::lock_guard lock(mutex_);
      ++reconnects_;
      if (!suspect) suspect_before_ = now;
    }
    reused->connection.reset();  // closed outside the lock; the slot stays ours
  }
  return open_into(out, error);
}

pd_status ConnectionPool::open_into(PooledConnection &out, pd_error *error) {
  PgConnection connection;
  if (pd_status status = open_connection(parameters_, connection, error); status != PD_OK) {
    {
      std::lock_guard lock(mutex_);
      --open_;
      --in_use_;
    }
    available_.notify_one();
    return status;
  }
  out.connection = std::move(connection);
  out.opened = Clock::now();
  return PD_OK;
}

void ConnectionPool::release(PooledConnection connection, bool reusable) {
  PooledConnection to_close;
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    const bool suspect = connection.opened <= suspect_before_;
    if (reusable && !suspect && static_cast<int64_t>(idle_.size()) < limits_.size) {
      idle_.push_back(std::move(connection));
    } else {
      to_close = std::move(connection);
      --open_;
    }
  }
  available_.notify_one();
  // to_close's destructor closes the connection here, after the unlock.
}

pd_pool_stats ConnectionPool::stats() const {
  std::lock_guard lock(mutex_);
  pd_pool_stats stats{};
  stats.struct_size = sizeof(pd_pool_stats);
  stats.size = limits_.size;
  stats.max_overflow = limits_.max_overflow;
  stats.open = open_;
  stats.in_use = in_use_;
  stats.idle = static_cast<int64_t>(idle_.size());
  stats.waiting = waiting_;
  stats.reconnects = reconnects_;
  return stats;
}

}  // namespace prefectd::postgres
