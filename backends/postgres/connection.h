// RAII owners of libpq handles, and opening and checking one connection.
#pragma once

#include "conninfo.h"

#include <prefectd/backend.h>

#include <libpq-fe.h>

#include <memory>

namespace prefectd::postgres {

struct ConnectionCloser {
  void operator()(PGconn *connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult *result) const { PQclear(result); }
};
struct LibpqFreer {
  void operator()(void *memory) const { PQfreemem(memory); }
};

using PgConnection = std::unique_ptr<PGconn, ConnectionCloser>;
using PgResult = std::unique_ptr<PGresult, ResultClearer>;
template <typename T>
using PgMemory = std::unique_ptr<T, LibpqFreer>;

// Connects (blocking, bounded by connect_timeout). On failure PD_UNAVAILABLE
// with a message naming host:port/database, never the password.
pd_status open_connection(const ConnectionParameters &parameters, PgConnection &out, pd_error *error);

// A cheap round trip (an empty query) that proves the connection still
// reaches a live server. False when the connection is unusable.
bool ping_connection(PGconn *connection);

// Runs a parameterless command; PD_OK or the mapped error.
pd_status run_command(PGconn *connection, const char *sql, pd_error *error);

}  // namespace prefectd::postgres
