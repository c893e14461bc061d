#include "connection.h"

#include "error_mapping.h"
#include "plugin_error.h"

#include <string>

namespace prefectd::postgres {

pd_status open_connection(const ConnectionParameters &parameters, PgConnection &out, pd_error *error) {
  const auto keywords = parameters.keywords();
  const auto values = parameters.values();
  PgConnection connection(PQconnectdbParams(keywords.data(), values.data(), 0));
  if (connection == nullptr) {
    return backend::fail(error, PD_NOMEM, "out of memory connecting to PostgreSQL at " + parameters.target());
  }
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    // libpq's own text names the server and the cause (refused, timeout,
    // authentication failed); it never repeats the password.
    return backend::fail(
        error, PD_UNAVAILABLE,
        "cannot connect to PostgreSQL at " + parameters.target() + ": " + one_line(PQerrorMessage(connection.get())));
  }
  // Notices (for example "relation already exists, skipping") would go to
  // stderr by default; the host's log is the place for them, and they are
  // not worth a line each, so drop them.
  PQsetNoticeProcessor(
      connection.get(), [](void *, const char *) {}, nullptr);
  out = std::move(connection);
  return PD_OK;
}

bool ping_connection(PGconn *connection) {
  if (PQstatus(connection) != CONNECTION_OK) return false;
  PgResult result(PQexec(connection, ""));
  return result != nullptr && PQresultStatus(result.get()) == PGRES_EMPTY_QUERY &&
         PQstatus(connection) == CONNECTION_OK;
}

pd_status run_command(PGconn *connection, const char *sql, pd_error *error) {
  PgResult result(PQexec(connection, sql));
  return check_result(connection, result.get(), error);
}

}  // namespace prefectd::postgres
