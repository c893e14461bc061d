// Configuration: opening the database, the pool, sessions, transactions
// and statements.
#include "connection.h"
#include "handles.h"
#include "host_services.h"
#include "plugin_error.h"
#include "sqlite_target.h"
#include "statement.h"
#include "vtables.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>

namespace prefectd::sqlite {
namespace {

using backend::fail;
using backend::guarded;

// Runs `body`, turning SqliteError into its status as well as what
// guarded() already converts.
template <typename Body>
pd_status run(pd_error *error, Body &&body) noexcept {
  return guarded(error, [&]() -> pd_status {
    try {
      return body();
    } catch (const SqliteError &failure) {
      return report(error, failure);
    } catch (const InvalidTarget &invalid) {
      return fail(error, PD_INVALID, invalid.what());
    }
  });
}

pd_status execute_sql(pd_session *session, const char *sql, pd_error *error) {
  char *message = nullptr;
  int result = sqlite3_exec(session->connection, sql, nullptr, nullptr, &message);
  std::unique_ptr<char, decltype(&sqlite3_free)> owned(message, sqlite3_free);
  if (result == SQLITE_OK) return PD_OK;
  return fail(error, status_for(result), message != nullptr ? message : sqlite3_errstr(result), std::to_string(result));
}

pd_status open_database(const pd_database_url *url, pd_database **database, pd_error *error) {
  return run(error, [&]() -> pd_status {
    if (url == nullptr || database == nullptr) return fail(error, PD_MISUSE, "xOpen needs a URL and an output");
    if (sqlite3_libversion_number() < kMinimumSqliteVersion) {
      return fail(error, PD_INVALID,
                  "SQLite " + std::string(sqlite3_libversion()) +
                      " is too old: prefectd needs 3.24.0 or newer (upserts use ON CONFLICT)");
    }
    SqliteTarget target = resolve_target(*url);
    const auto pool_size = static_cast<size_t>(backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", 5));
    const auto overflow = static_cast<size_t>(backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", 10));
    const double timeout_seconds = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", 30.0);
    auto handle = std::make_unique<pd_database>();
    handle->pool = std::make_unique<ConnectionPool>(
        target, pool_size, pool_size + overflow,
        std::chrono::milliseconds(static_cast<int64_t>(std::llround(timeout_seconds * 1000))));
    backend::log(PD_LOG_DEBUG, "opened SQLite database " + target.filename + (target.in_memory ? " (in memory)" : ""));
    *database = handle.release();  // owned by the host until xClose
    return PD_OK;
  });
}

void close_database(pd_database *database) {
  // Deleting the pool closes its connections.
  std::unique_ptr<pd_database> owned(database);
}

int is_in_memory(pd_database *database) { return database->pool->target().in_memory ? 1 : 0; }

pd_status acquire(pd_database *database, pd_session **session, pd_error *error) {
  return run(error, [&]() -> pd_status {
    sqlite3 *connection = database->pool->acquire();
    *session = std::make_unique<pd_session>(pd_session{database, connection}).release();
    return PD_OK;
  });
}

void release(pd_session *session) {
  std::unique_ptr<pd_session> owned(session);
  session->database->pool->release(session->connection);
}

pd_status ping(pd_database *database, pd_error *error) {
  pd_session *session = nullptr;
  pd_status status = acquire(database, &session, error);
  if (status != PD_OK) return status;
  status = run(error, [&] { return execute_sql(session, "SELECT 1", error); });
  release(session);
  return status;
}

pd_status pool_stats(pd_database *database, pd_pool_stats *stats) {
  pd_pool_stats full{};
  database->pool->stats(full);
  // Copy only what the caller's (possibly older) struct has room for.
  const size_t room = std::min(stats->struct_size, sizeof full);
  if (room > sizeof full.struct_size) {
    std::memcpy(reinterpret_cast<char *>(stats) + sizeof full.struct_size,
                reinterpret_cast<const char *>(&full) + sizeof full.struct_size, room - sizeof full.struct_size);
  }
  return PD_OK;
}

pd_status create_database(const pd_database_url *url, pd_error *error) {
  return run(error, [&]() -> pd_status {
    SqliteTarget target = resolve_target(*url);
    open_connection(target);
    return PD_OK;
  });
}

pd_status drop_database(const pd_database_url *url, pd_error *error) {
  return run(error, [&]() -> pd_status {
    SqliteTarget target = resolve_target(*url);
    if (target.in_memory) return PD_OK;
    if (target.uri) return fail(error, PD_NOT_SUPPORTED, "dropping a file: URI database is not supported");
    for (const char *suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(target.filename + suffix);
    return PD_OK;
  });
}

pd_status begin(pd_session *session, pd_transaction_mode mode, pd_error *error) {
  // IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock
  // upgrading read locks; readers stay DEFERRED and never block.
  return run(error, [&] {
    return execute_sql(session, mode == PD_TRANSACTION_WRITE ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", error);
  });
}

pd_status commit(pd_session *session, pd_error *error) {
  return run(error, [&] { return execute_sql(session, "COMMIT", error); });
}

pd_status rollback(pd_session *session, pd_error *error) {
  if (sqlite3_get_autocommit(session->connection) != 0) return PD_OK;  // nothing open
  return run(error, [&] { return execute_sql(session, "ROLLBACK", error); });
}

pd_status execute(pd_session *session, const char *sql, pd_error *error) {
  return run(error, [&] { return execute_sql(session, sql, error); });
}

pd_status prepare(pd_session *session, const char *sql, size_t size, pd_statement **statement, pd_error *error) {
  return run(error, [&]() -> pd_status {
    sqlite3_stmt *raw = nullptr;
    const char *tail = nullptr;
    int result = sqlite3_prepare_v3(session->connection, sql, static_cast<int>(size), 0, &raw, &tail);
    auto handle = std::make_unique<pd_statement>();
    handle->session = session;
    handle->handle.reset(raw);
    check(session->connection, result);
    if (raw == nullptr) return fail(error, PD_INVALID, "the SQL text holds no statement");
    *statement = handle.release();
    return PD_OK;
  });
}

void finalize(pd_statement *statement) { std::unique_ptr<pd_statement> owned(statement); }

pd_status bind(pd_statement *statement, int index, const pd_value *value, pd_error *error) {
  return run(error, [&] { return bind_value(statement, index, *value, error); });
}

pd_status step_once(pd_statement *statement, pd_error *error) {
  int result = sqlite3_step(statement->handle.get());
  if (result == SQLITE_ROW) return PD_ROW;
  if (result == SQLITE_DONE) {
    statement->rows_affected = sqlite3_changes64(statement->session->connection);
    return PD_DONE;
  }
  sqlite3 *connection = statement->session->connection;
  return fail(error, status_for(result), sqlite3_errmsg(connection), std::to_string(sqlite3_extended_errcode(connection)));
}

pd_status step(pd_statement *statement, pd_error *error) {
  return run(error, [&] { return step_once(statement, error); });
}

pd_status reset(pd_statement *statement, pd_error *error) {
  return run(error, [&]() -> pd_status {
    int result = sqlite3_reset(statement->handle.get());
    if (result == SQLITE_OK) return PD_OK;
    return fail(error, status_for(result), sqlite3_errmsg(statement->session->connection), std::to_string(result));
  });
}

int column_count(pd_statement *statement) { return sqlite3_column_count(statement->handle.get()); }

const char *column_name(pd_statement *statement, int column) {
  return sqlite3_column_name(statement->handle.get(), column);
}

pd_status column(pd_statement *statement, int index, pd_type type, pd_value *value, pd_error *error) {
  return run(error, [&] { return read_column(statement, index, type, *value, error); });
}

int64_t rows_affected(pd_statement *statement) { return statement->rows_affected; }

}  // namespace

const pd_configuration &configuration_vtable() {
  static const pd_configuration vtable = {
      .struct_size = sizeof(pd_configuration),
      .xOpen = open_database,
      .xClose = close_database,
      .xIsInMemory = is_in_memory,
      .xPing = ping,
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
      .xColumnCount = column_count,
      .xColumnName = column_name,
      .xColumn = column,
      .xRowsAffected = rows_affected,
  };
  return vtable;
}

}  // namespace prefectd::sqlite
