// Configuration: opening the database, the pool, sessions, transactions
// and statements.
#include "connection.h"
#include "handles.h"
#include "host_services.h"
#include "plugin_error.h"
#include "sqlite_target.h"
#include "statement.h"
#include "vtables.h"

#include <algorithm>
#include <chrono>
#include <climits>
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

// SQLAlchemy's pool settings, read the way QueuePool reads them.
PoolLimits pool_limits() {
  const double size = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", 5);
  const double overflow = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", 10);
  const double timeout_seconds = backend::number_setting("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", 30);
  PoolLimits limits;
  limits.steady_size = size >= 0 && size < 1e6 ? static_cast<size_t>(size) : 5;
  if (overflow < 0) {
    limits.max_overflow.reset();  // -1: no limit
  } else {
    limits.max_overflow = overflow < 1e6 ? static_cast<size_t>(overflow) : 10;
  }
  const double timeout_ms = std::clamp(timeout_seconds, 0.0, 1e7) * 1000;
  limits.checkout_timeout = std::chrono::milliseconds(std::llround(timeout_ms));
  return limits;
}

pd_status open_database(const pd_database_url *url, pd_database **database, pd_error *error) {
  return run(error, [&]() -> pd_status {
    if (url == nullptr || database == nullptr) return fail(error, PD_MISUSE, "xOpen needs a URL and an output");
    check_library();
    SqliteTarget target = resolve_target(*url);
    create_parent_directory(target);
    auto handle = std::make_unique<pd_database>();
    handle->pool = std::make_unique<ConnectionPool>(target, pool_limits());
    backend::log(PD_LOG_DEBUG, "opened SQLite database " + target.filename + (target.in_memory ? " (in memory)" : ""));
    *database = handle.release();  // owned by the host until xClose
    return PD_OK;
  });
}

void close_database(pd_database *database) {
  // Deleting the pool closes its connections; closing cannot throw.
  std::unique_ptr<pd_database> owned(database);
}

int is_in_memory(pd_database *database) {
  return database->pool->target().in_memory ? 1 : 0;
}

pd_status acquire(pd_database *database, pd_session **session, pd_error *error) {
  return run(error, [&]() -> pd_status {
    if (database == nullptr || session == nullptr)
      return fail(error, PD_MISUSE, "xAcquire needs a database and an output");
    PooledConnection *pooled = database->pool->acquire();
    *session = std::make_unique<pd_session>(pd_session{database, pooled, pooled, pooled->connection.get()}).release();
    return PD_OK;
  });
}

void release(pd_session *session) {
  if (session == nullptr) return;
  std::unique_ptr<pd_session> owned(session);
  // Nothing may escape a void entry point; release only fails on memory.
  pd_error ignored{};
  guarded(&ignored, [&] {
    session->database->pool->release(session->pooled);
    return PD_OK;
  });
  // The pool rolled back whatever was left open on the pooled connection;
  // work left in the writer's group is undone here, while the session still
  // holds its turn, and the other members' work stays.
  GroupCommit &turns = session->database->pool->group_commit();
  if (session->group_member) {
    guarded(&ignored, [&] {
      turns.discard_member();
      return PD_OK;
    });
  }
  if (session->write_turn) turns.end_turn();
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
  if (database == nullptr || stats == nullptr) return PD_MISUSE;
  pd_pool_stats full{};
  pd_status status = guarded(nullptr, [&] {
    database->pool->stats(full);
    return PD_OK;
  });
  if (status != PD_OK) return status;
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
    if (url == nullptr) return fail(error, PD_MISUSE, "xCreateDatabase needs a URL");
    check_library();
    SqliteTarget target = resolve_target(*url);
    create_parent_directory(target);
    open_connection(target);  // creates the file; closed again at once
    return PD_OK;
  });
}

pd_status drop_database(const pd_database_url *url, pd_error *error) {
  return run(error, [&]() -> pd_status {
    if (url == nullptr) return fail(error, PD_MISUSE, "xDropDatabase needs a URL");
    SqliteTarget target = resolve_target(*url);
    if (!target.file) return PD_OK;  // in memory: gone with its last connection
    for (const char *suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::path path = *target.file;
      path += suffix;
      std::error_code failure;
      std::filesystem::remove(path, failure);
      if (failure) return fail(error, PD_ERROR, "cannot delete " + path.string() + ": " + failure.message());
    }
    return PD_OK;
  });
}

void use_connection(pd_session *session, PooledConnection *connection) {
  session->active = connection;
  session->connection = connection->connection.get();
}

bool on_writer(const pd_session *session) {
  return session->active != session->pooled;
}

// Gives the write turn (and with it the writer) back once the session's
// own transaction has ended (a failed COMMIT can leave one open on an
// in-memory database's connection) and no statement prepared on the writer
// is left.
void end_write_turn_if_done(pd_session *session) {
  if (!session->write_turn || session->statements_on_writer != 0 || session->group_member) return;
  if (!on_writer(session) && sqlite3_get_autocommit(session->connection) == 0) return;
  use_connection(session, session->pooled);
  session->write_turn = false;
  session->database->pool->group_commit().end_turn();
}

// Takes the write turn and moves the session onto the writer. An in-memory
// database has no writer: its session keeps its one connection, alone.
pd_status take_write_turn(pd_session *session, pd_error *error) {
  ConnectionPool &pool = *session->database->pool;
  GroupCommit &turns = pool.group_commit();
  const bool taken = pool.target().in_memory ? turns.wait_alone() : turns.wait_to_join();
  if (!taken) {
    return fail(error, PD_BUSY, "database is locked (no write turn within the busy timeout)",
                std::to_string(SQLITE_BUSY));
  }
  session->write_turn = true;
  try {
    if (PooledConnection *writer = pool.writer()) use_connection(session, writer);
  } catch (...) {
    end_write_turn_if_done(session);
    throw;
  }
  return PD_OK;
}

// In the turn, on the writer: the session's transaction joins the writer's
// commit group.
pd_status join_group(pd_session *session, pd_error *error) {
  return run(error, [&] {
    session->database->pool->group_commit().begin_member();
    session->group_member = true;
    return PD_OK;
  });
}

pd_status begin(pd_session *session, pd_transaction_mode mode, pd_error *error) {
  // IMMEDIATE takes the write lock at BEGIN, so two writers never deadlock
  // upgrading read locks; readers stay DEFERRED and never block.
  return run(error, [&]() -> pd_status {
    if (mode != PD_TRANSACTION_WRITE) return execute_sql(session, "BEGIN DEFERRED", error);
    if (session->group_member) {
      return fail(error, PD_MISUSE, "a write transaction cannot begin inside another transaction");
    }
    if (!session->write_turn) {
      if (sqlite3_get_autocommit(session->connection) == 0) {
        return fail(error, PD_MISUSE, "a write transaction cannot begin inside another transaction");
      }
      const pd_status taken = take_write_turn(session, error);
      if (taken != PD_OK) return taken;
    }
    const pd_status status =
        on_writer(session) ? join_group(session, error) : execute_sql(session, "BEGIN IMMEDIATE", error);
    end_write_turn_if_done(session);
    return status;
  });
}

// Keeps a member's work in its group and gives up the turn; answers once
// the group has committed, with the group's outcome.
pd_status commit_member(pd_session *session, pd_error *error) {
  GroupCommit &turns = session->database->pool->group_commit();
  std::shared_ptr<const CommitGroup> group;
  const pd_status kept = run(error, [&] {
    group = turns.keep_member();
    return PD_OK;
  });
  if (kept != PD_OK) return kept;  // the host rolls the member back
  session->group_member = false;
  // Statements of its own still on the writer keep the session in its turn,
  // so it cannot wait for others to join: the group commits now.
  if (session->statements_on_writer != 0) turns.commit_now();
  end_write_turn_if_done(session);
  const CommitOutcome outcome = turns.await(group);
  if (outcome.result == SQLITE_OK) return PD_OK;
  return fail(error, status_for(outcome.result), outcome.message, std::to_string(outcome.result));
}

pd_status commit(pd_session *session, pd_error *error) {
  if (session->group_member) return commit_member(session, error);
  return run(error, [&] {
    const pd_status status = execute_sql(session, "COMMIT", error);
    end_write_turn_if_done(session);
    return status;
  });
}

pd_status rollback(pd_session *session, pd_error *error) {
  if (session->group_member) {
    const pd_status status = run(error, [&] {
      session->database->pool->group_commit().discard_member();
      return PD_OK;
    });
    session->group_member = false;
    end_write_turn_if_done(session);
    return status;
  }
  if (sqlite3_get_autocommit(session->connection) != 0) {
    end_write_turn_if_done(session);
    return PD_OK;  // nothing open
  }
  return run(error, [&] {
    const pd_status status = execute_sql(session, "ROLLBACK", error);
    end_write_turn_if_done(session);
    return status;
  });
}

pd_status execute(pd_session *session, const char *sql, pd_error *error) {
  return run(error, [&] {
    if (session == nullptr || sql == nullptr) return fail(error, PD_MISUSE, "xExecute needs a session and SQL");
    return execute_sql(session, sql, error);
  });
}

// True when `tail` holds another statement, which xPrepare would otherwise
// drop without a word (comments, blanks and semicolons are fine).
bool holds_another_statement(sqlite3 *connection, const char *tail, const char *end) {
  while (tail < end) {
    sqlite3_stmt *raw = nullptr;
    const char *next = nullptr;
    int result = sqlite3_prepare_v3(connection, tail, static_cast<int>(end - tail), 0, &raw, &next);
    StatementHandle extra(raw);
    if (result != SQLITE_OK || raw != nullptr) return true;
    if (next == nullptr || next <= tail) return false;
    tail = next;
  }
  return false;
}

pd_status prepare(pd_session *session, const char *sql, size_t size, pd_statement **statement, pd_error *error) {
  return run(error, [&]() -> pd_status {
    if (session == nullptr || sql == nullptr || statement == nullptr) {
      return fail(error, PD_MISUSE, "xPrepare needs a session, SQL and an output");
    }
    if (size > static_cast<size_t>(INT_MAX)) return fail(error, PD_INVALID, "the SQL text is too long for SQLite");
    const std::string_view text(sql, size);
    auto handle = std::make_unique<pd_statement>();
    handle->session = session;
    handle->prepared_on = session->active;
    StatementCache &cache = session->active->statements;
    // A cached statement was checked to be a single one when first prepared.
    handle->handle = cache.take(text);
    if (!handle->handle) {
      sqlite3_stmt *raw = nullptr;
      const char *tail = nullptr;
      // PERSISTENT tells SQLite the statement will be reused many times, so
      // it allocates it outside the lookaside memory meant for short ones.
      const unsigned flags = cache.capacity() > 0 ? SQLITE_PREPARE_PERSISTENT : 0;
      int result = sqlite3_prepare_v3(session->connection, sql, static_cast<int>(size), flags, &raw, &tail);
      handle->handle.reset(raw);
      check(session->connection, result);
      if (raw == nullptr) return fail(error, PD_INVALID, "the SQL text holds no statement");
      if (tail != nullptr && holds_another_statement(session->connection, tail, sql + size)) {
        return fail(error, PD_INVALID, "xPrepare takes one statement; use xExecute for a script");
      }
    }
    if (cache.capacity() > 0) handle->cache_key.assign(text);
    if (session->active != session->pooled) ++session->statements_on_writer;
    *statement = handle.release();
    return PD_OK;
  });
}

void finalize(pd_statement *statement) {
  std::unique_ptr<pd_statement> owned(statement);
  if (owned == nullptr) return;
  pd_session *session = owned->session;
  if (owned->handle && !owned->cache_key.empty()) {
    // Nothing may escape a void entry point; a statement the cache cannot
    // take (out of memory) is finalized with its pd_statement.
    pd_error ignored{};
    guarded(&ignored, [&] {
      owned->prepared_on->statements.give_back(std::move(owned->cache_key), std::move(owned->handle));
      return PD_OK;
    });
  }
  // Finalized while the session still holds the writer, so no other
  // session's turn can meet it there.
  owned->handle.reset();
  if (owned->prepared_on != session->pooled) {
    --session->statements_on_writer;
    end_write_turn_if_done(session);
  }
}

pd_status bind(pd_statement *statement, int index, const pd_value *value, pd_error *error) {
  return run(error, [&] {
    if (statement == nullptr || value == nullptr) return fail(error, PD_MISUSE, "xBind needs a statement and a value");
    return bind_value(statement, index, *value, error);
  });
}

pd_status step_once(pd_statement *statement, pd_error *error) {
  // A statement prepared before its session took the writer would run
  // outside the write transaction, and wait on the writer's lock.
  if (statement->prepared_on != statement->session->active) {
    return fail(error, PD_MISUSE, "a statement prepared outside the write transaction cannot run inside it");
  }
  sqlite3 *connection = statement->prepared_on->connection.get();
  if (!statement->executing) {
    statement->executing = true;
    statement->total_changes_at_start = sqlite3_total_changes(connection);
  }
  int result = sqlite3_step(statement->handle.get());
  if (result == SQLITE_ROW) return PD_ROW;
  statement->executing = false;
  if (result == SQLITE_DONE) {
    // sqlite3_changes() keeps the count of the last INSERT, UPDATE or
    // DELETE that completed, so a SELECT or DDL statement must not report it.
    // (sqlite3_changes64 would need SQLite 3.37; prefectd supports 3.24.)
    const bool changed = sqlite3_total_changes(connection) != statement->total_changes_at_start;
    statement->rows_affected = changed ? sqlite3_changes(connection) : 0;
    return PD_DONE;
  }
  statement->rows_affected = 0;
  return fail(error, status_for(result), sqlite3_errmsg(connection),
              std::to_string(sqlite3_extended_errcode(connection)));
}

pd_status step(pd_statement *statement, pd_error *error) {
  return run(error, [&] { return step_once(statement, error); });
}

pd_status reset(pd_statement *statement, pd_error *error) {
  return run(error, [&]() -> pd_status {
    statement->executing = false;
    // sqlite3_reset repeats the error of the last step, which the host has
    // already been told about; the statement is reset all the same.
    sqlite3_reset(statement->handle.get());
    return PD_OK;
  });
}

int column_count(pd_statement *statement) {
  return sqlite3_column_count(statement->handle.get());
}

const char *column_name(pd_statement *statement, int column) {
  if (statement == nullptr || column < 0 || column >= sqlite3_column_count(statement->handle.get())) return nullptr;
  auto &names = statement->column_names;
  try {
    if (names.size() <= static_cast<size_t>(column)) names.resize(static_cast<size_t>(column) + 1);
    if (!names[column]) {
      const char *name = sqlite3_column_name(statement->handle.get(), column);
      if (name == nullptr) return nullptr;  // out of memory inside SQLite
      names[column] = std::make_unique<std::string>(name);
    }
  } catch (...) {
    return nullptr;
  }
  return names[column]->c_str();
}

pd_status column(pd_statement *statement, int index, pd_type type, pd_value *value, pd_error *error) {
  return run(error, [&] { return read_column(statement, index, type, *value, error); });
}

int64_t rows_affected(pd_statement *statement) {
  return statement->rows_affected;
}

int writer_limit(pd_database *) {
  return 1;  // one writer at a time, in-process turn or not
}

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
      .xWriterLimit = writer_limit,
  };
  return vtable;
}

}  // namespace prefectd::sqlite
