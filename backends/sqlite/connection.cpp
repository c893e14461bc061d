#include "connection.h"

#include "host_services.h"
#include "plugin_error.h"

namespace prefectd::sqlite {

pd_status status_for(int result_code) {
  switch (result_code & 0xff) {
    case SQLITE_OK:
      return PD_OK;
    case SQLITE_ROW:
      return PD_ROW;
    case SQLITE_DONE:
      return PD_DONE;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return PD_BUSY;
    case SQLITE_CONSTRAINT:
      return PD_CONSTRAINT;
    case SQLITE_NOMEM:
      return PD_NOMEM;
    case SQLITE_INTERRUPT:
      return PD_TIMEOUT;
    case SQLITE_CANTOPEN:
      return PD_UNAVAILABLE;
    case SQLITE_MISUSE:
      return PD_MISUSE;
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
      return PD_INVALID;
    default:
      return PD_ERROR;
  }
}

void check(sqlite3 *connection, int result_code) {
  if (result_code == SQLITE_OK) return;
  const char *message = connection != nullptr ? sqlite3_errmsg(connection) : sqlite3_errstr(result_code);
  throw SqliteError(status_for(result_code), result_code, message);
}

pd_status report(pd_error *error, const SqliteError &failure) {
  // Failures of the plugin's own making (a pool timeout) carry no SQLite code.
  const int code = failure.result_code();
  return backend::fail(error, failure.status(), failure.what(), code != SQLITE_OK ? std::to_string(code) : "");
}

void check_library() {
  // The oldest SQLite with ON CONFLICT upserts, which Prefect requires.
  constexpr int kMinimumVersion = 3024000;
  if (sqlite3_libversion_number() < kMinimumVersion) {
    throw SqliteError(PD_INVALID, SQLITE_ERROR,
                      "SQLite " + std::string(sqlite3_libversion()) +
                          " is too old: prefectd needs 3.24.0 or newer (upserts use ON CONFLICT)");
  }
  // Connections move between threads (one at a time), which a library built
  // with SQLITE_THREADSAFE=0 does not allow.
  if (sqlite3_threadsafe() == 0) {
    throw SqliteError(PD_INVALID, SQLITE_ERROR,
                      "the SQLite library was built without thread support (SQLITE_THREADSAFE=0)");
  }
}

std::chrono::milliseconds busy_timeout() {
  // A shorter busy wait in test mode so that deadlocked tests fail fast.
  return std::chrono::milliseconds(backend::boolean_setting("PREFECT_TESTING_UNIT_TEST_MODE", false) ? 5000 : 60000);
}

Connection open_connection(const SqliteTarget &target, const char *vfs) {
  sqlite3 *raw = nullptr;
  // A connection is used by one thread at a time (the pool hands it out),
  // so SQLite's own per-connection mutex is not needed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (target.uri) flags |= SQLITE_OPEN_URI;
  int result = sqlite3_open_v2(target.filename.c_str(), &raw, flags, vfs);
  Connection connection(raw);
  if (result != SQLITE_OK) {
    std::string message = "cannot open SQLite database " + target.filename + ": " +
                          (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(result));
    throw SqliteError(status_for(result), result, message);
  }
  sqlite3_extended_result_codes(connection.get(), 1);
  const int busy_timeout_ms = static_cast<int>(busy_timeout().count());
  // Wait before the PRAGMAs too: switching a file to WAL needs a lock that
  // another process may hold for a moment (aiosqlite likewise waits its
  // driver timeout from the moment it connects).
  sqlite3_busy_timeout(connection.get(), busy_timeout_ms);
  // Prefect's PRAGMAs, on every connection. An in-memory database answers
  // journal_mode = WAL with "memory" rather than failing.
  const std::string pragmas =
      "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF; "
      "PRAGMA synchronous = NORMAL; PRAGMA cache_size = 20000; PRAGMA busy_timeout = " +
      std::to_string(busy_timeout_ms) + ";";
  char *message = nullptr;
  result = sqlite3_exec(connection.get(), pragmas.c_str(), nullptr, nullptr, &message);
  std::unique_ptr<char, decltype(&sqlite3_free)> owned_message(message, sqlite3_free);
  if (result != SQLITE_OK) {
    throw SqliteError(status_for(result), result,
                      "setting PRAGMAs on SQLite database " + target.filename +
                          " failed: " + std::string(message != nullptr ? message : sqlite3_errstr(result)));
  }
  return connection;
}

}  // namespace prefectd::sqlite
