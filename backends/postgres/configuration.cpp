// pd_configuration: the ABI entry points for databases, sessions and
// statements. Each one is a thin guarded() shim over the C++ code in
// connection_pool, session and statement.
#include "connection.h"
#include "connection_pool.h"
#include "conninfo.h"
#include "error_mapping.h"
#include "handles.h"
#include "host_services.h"
#include "plugin_error.h"
#include "session.h"
#include "statement.h"
#include "vtables.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>

namespace prefectd::postgres {
namespace {

using backend::fail;
using backend::guarded;

// Runs `body` for its side effects where the ABI has no way to report an
// error (close, release, finalize); an exception is logged and dropped.
template <typename Body>
void guarded_void(const char *what, Body &&body) noexcept {
  pd_error error{};
  if (guarded(&error, [&] {
        body();
        return PD_OK;
      }) != PD_OK) {
    try {
      backend::log(PD_LOG_ERROR, std::string(what) + ": " + error.message);
    } catch (...) {
    }
  }
}

pd_status open_database(const pd_database_url *url, pd_database **database, pd_error *error) {
  return guarded(error, [&] {
    if (url == nullptr || database == nullptr) return fail(error, PD_MISUSE, "xOpen needs a URL and an out pointer");
    ConnectionParameters parameters;
    if (pd_status status = ConnectionParameters::from_url(*url, parameters, error); status != PD_OK) return status;
    auto opened = std::make_unique<pd_database>();
    const PoolLimits limits = PoolLimits::from_settings();
    backend::log(PD_LOG_DEBUG, "PostgreSQL backend opened for " + parameters.target() + " (pool " +
                                   std::to_string(limits.size) + " + " + std::to_string(limits.max_overflow) +
                                   " overflow); connecting on first use");
    opened->pool = std::make_unique<ConnectionPool>(std::move(parameters), limits);
    *database = opened.release();
    return PD_OK;
  });
}

void close_database(pd_database *database) {
  guarded_void("closing the PostgreSQL database", [&] { std::unique_ptr<pd_database> owned(database); });
}

int is_in_memory(pd_database *) noexcept {
  return 0;
}

pd_status ping_database(pd_database *database, pd_error *error) {
  return guarded(error, [&] {
    if (database == nullptr) return fail(error, PD_MISUSE, "xPing needs a database");
    ConnectionPool &pool = *database->pool;
    PooledConnection pooled;
    // Do not queue behind busy requests: a ping must answer within the
    // connection timeout.
    pd_error busy{};
    pd_status status = pool.acquire(pooled, &busy, std::chrono::milliseconds(0));
    if (status == PD_OK) {
      pool.release(std::move(pooled), true);
      return PD_OK;
    }
    if (status != PD_BUSY) {
      if (error != nullptr) *error = busy;
      return status;
    }
    // Every pooled connection is in use: prove reachability with a
    // connection of our own, outside the pool.
    PgConnection connection;
    if (pd_status opened = open_connection(pool.parameters(), connection, error); opened != PD_OK) return opened;
    return ping_connection(connection.get())
               ? PD_OK
               : fail(error, PD_UNAVAILABLE, "PostgreSQL at " + pool.parameters().target() + " did not answer");
  });
}

pd_status pool_stats(pd_database *database, pd_pool_stats *stats) {
  return guarded(nullptr, [&] {
    if (database == nullptr || stats == nullptr) return PD_MISUSE;
    // Fill only as much as the caller's struct holds (it may be older).
    const size_t caller_size = stats->struct_size;
    const pd_pool_stats current = database->pool->stats();
    const size_t size = std::min(caller_size, sizeof current);
    if (size > sizeof current.struct_size) {
      std::memcpy(reinterpret_cast<char *>(stats) + sizeof current.struct_size,
                  reinterpret_cast<const char *>(&current) + sizeof current.struct_size,
                  size - sizeof current.struct_size);
    }
    return PD_OK;
  });
}

// CREATE/DROP DATABASE cannot run inside a transaction or against the target
// database itself, so both connect to the `postgres` maintenance database.
pd_status run_in_maintenance_database(const pd_database_url *url, const char *verb, pd_error *error) {
  return guarded(error, [&] {
    if (url == nullptr) return fail(error, PD_MISUSE, "a URL is required");
    ConnectionParameters parameters;
    if (pd_status status = ConnectionParameters::from_url(*url, parameters, error); status != PD_OK) return status;
    const std::string target = parameters.database();
    if (target.empty()) return fail(error, PD_INVALID, "the database URL names no database");
    PgConnection connection;
    const ConnectionParameters maintenance = parameters.with_database("postgres");
    if (pd_status status = open_connection(maintenance, connection, error); status != PD_OK) return status;
    PgMemory<char> quoted(PQescapeIdentifier(connection.get(), target.c_str(), target.size()));
    if (quoted == nullptr) return fail(error, PD_ERROR, one_line(PQerrorMessage(connection.get())));
    const std::string sql = std::string(verb) + " " + quoted.get();
    return run_command(connection.get(), sql.c_str(), error);
  });
}

pd_status create_database(const pd_database_url *url, pd_error *error) {
  return run_in_maintenance_database(url, "CREATE DATABASE", error);
}

pd_status drop_database(const pd_database_url *url, pd_error *error) {
  return run_in_maintenance_database(url, "DROP DATABASE IF EXISTS", error);
}

pd_status acquire(pd_database *database, pd_session **session, pd_error *error) {
  return guarded(error, [&] {
    if (database == nullptr || session == nullptr) return fail(error, PD_MISUSE, "xAcquire needs a database");
    return acquire_session(*database, *session, error);
  });
}

void release(pd_session *session) {
  if (session == nullptr) return;
  guarded_void("releasing a PostgreSQL session", [&] { release_session(session); });
}

pd_status begin(pd_session *session, pd_transaction_mode mode, pd_error *error) {
  return guarded(error, [&] {
    if (session == nullptr) return fail(error, PD_MISUSE, "xBegin needs a session");
    return begin_transaction(*session, mode, error);
  });
}

pd_status commit(pd_session *session, pd_error *error) {
  return guarded(error, [&] {
    if (session == nullptr) return fail(error, PD_MISUSE, "xCommit needs a session");
    return commit_transaction(*session, error);
  });
}

pd_status rollback(pd_session *session, pd_error *error) {
  return guarded(error, [&] {
    if (session == nullptr) return fail(error, PD_MISUSE, "xRollback needs a session");
    return rollback_transaction(*session, error);
  });
}

pd_status execute(pd_session *session, const char *sql, pd_error *error) {
  return guarded(error, [&] {
    if (session == nullptr || sql == nullptr) return fail(error, PD_MISUSE, "xExecute needs a session and SQL");
    return execute_script(*session, sql, error);
  });
}

pd_status prepare(pd_session *session, const char *sql, size_t size, pd_statement **statement, pd_error *error) {
  return guarded(error, [&] {
    if (session == nullptr || statement == nullptr) return fail(error, PD_MISUSE, "xPrepare needs a session");
    return prepare_statement(*session, sql, size, *statement, error);
  });
}

void finalize(pd_statement *statement) {
  guarded_void("finalizing a PostgreSQL statement", [&] { std::unique_ptr<pd_statement> owned(statement); });
}

pd_status bind(pd_statement *statement, int index, const pd_value *value, pd_error *error) {
  return guarded(error, [&] {
    if (statement == nullptr || value == nullptr) return fail(error, PD_MISUSE, "xBind needs a statement and value");
    return bind_parameter(*statement, index, *value, error);
  });
}

pd_status step(pd_statement *statement, pd_error *error) {
  return guarded(error, [&] {
    if (statement == nullptr) return fail(error, PD_MISUSE, "xStep needs a statement");
    return step_statement(*statement, error);
  });
}

pd_status reset(pd_statement *statement, pd_error *error) {
  return guarded(error, [&] {
    if (statement == nullptr) return fail(error, PD_MISUSE, "xReset needs a statement");
    return reset_statement(*statement);
  });
}

int get_column_count(pd_statement *statement) {
  int count = 0;
  guarded(nullptr, [&] {
    if (statement != nullptr) count = column_count(*statement);
    return PD_OK;
  });
  return count;
}

// Names are copied from the first result, so they are known once the
// statement has been stepped (there is no describe round trip at prepare).
const char *get_column_name(pd_statement *statement, int column) {
  const char *name = nullptr;
  guarded(nullptr, [&] {
    if (statement != nullptr) name = column_name(*statement, column);
    return PD_OK;
  });
  return name;
}

pd_status column(pd_statement *statement, int column_index, pd_type type, pd_value *value, pd_error *error) {
  return guarded(error, [&] {
    if (statement == nullptr || value == nullptr) return fail(error, PD_MISUSE, "xColumn needs a statement and value");
    return read_column(*statement, column_index, type, *value, error);
  });
}

int64_t rows_affected(pd_statement *statement) noexcept {
  return statement != nullptr ? statement->rows_affected : 0;
}

// Row locks: writers of different rows go on together.
int no_writer_limit(pd_database *) {
  return 0;
}

}  // namespace

const pd_configuration &configuration_vtable() {
  static const pd_configuration vtable = {
      .struct_size = sizeof(pd_configuration),
      .xOpen = open_database,
      .xClose = close_database,
      .xIsInMemory = is_in_memory,
      .xPing = ping_database,
      .xPoolStats = pool_stats,
      .xCreateDatabase = create_database,
      .xDropDatabase = drop_database,
      .xAcquire = acquire,
      .xRelease = release,
      .xBegin = begin,
      .xCommit = commit,
      .xRollback = rollback,
      .xExecute = execute,
      .xPrepare = prepare,
      .xFinalize = finalize,
      .xBind = bind,
      .xStep = step,
      .xReset = reset,
      .xColumnCount = get_column_count,
      .xColumnName = get_column_name,
      .xColumn = column,
      .xRowsAffected = rows_affected,
      .xWriterLimit = no_writer_limit,
  };
  return vtable;
}

}  // namespace prefectd::postgres
