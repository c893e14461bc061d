// One SQLite connection, opened with Prefect's PRAGMAs, and the mapping of
// SQLite result codes to plugin statuses.
#pragma once

#include <prefectd/backend.h>

#include "sqlite_target.h"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace prefectd::sqlite {

struct ConnectionCloser {
  void operator()(sqlite3 *connection) const { sqlite3_close_v2(connection); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

// A failed SQLite call, carried inside the plugin until guarded() turns it
// into a pd_error at the boundary.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(pd_status status, int result_code, const std::string &message)
      : std::runtime_error(message), status_(status), result_code_(result_code) {}
  pd_status status() const { return status_; }
  int result_code() const { return result_code_; }

 private:
  pd_status status_;
  int result_code_;
};

pd_status status_for(int result_code);
// Throws SqliteError with the connection's message unless `result_code` is OK.
void check(sqlite3 *connection, int result_code);
// Fills `error` from a SqliteError.
pd_status report(pd_error *error, const SqliteError &failure);

// Throws SqliteError(PD_INVALID) unless the SQLite library loaded at run
// time can serve prefectd: new enough and built thread-safe.
void check_library();

// How long a connection waits for a lock another holds: Prefect's
// busy_timeout, shorter in test mode.
std::chrono::milliseconds busy_timeout();

// Opens `target` through `vfs` (nullptr: the default) and applies
// Prefect's per-connection PRAGMAs.
Connection open_connection(const SqliteTarget &target, const char *vfs = nullptr);

}  // namespace prefectd::sqlite
