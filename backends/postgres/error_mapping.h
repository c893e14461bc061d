// PostgreSQL errors as pd_status, by SQLSTATE.
//
//   class 23 (integrity constraint)                 → PD_CONSTRAINT
//   class 08, 57P01/57P02/57P03, connection lost    → PD_UNAVAILABLE
//   57014 (statement timeout, query cancelled)      → PD_TIMEOUT
//   40001, 40P01, 55P03 (serialization, deadlock,
//   lock not available)                             → PD_BUSY
//   class 22 (data exception: malformed or
//   out-of-range value)                             → PD_INVALID
//   anything else (42 syntax/undefined object, ...) → PD_ERROR
//
// native_code carries the SQLSTATE; the message is libpq's primary message.
#pragma once

#include <prefectd/backend.h>

#include <libpq-fe.h>

#include <string>
#include <string_view>

namespace prefectd::postgres {

pd_status status_for_sqlstate(std::string_view sqlstate);

// PD_OK when `result` reports success (command, rows or empty query);
// otherwise fills `error` from the result (or the connection when the result
// is null) and returns the mapped status.
pd_status check_result(PGconn *connection, const PGresult *result, pd_error *error);

// libpq messages end with a newline and sometimes span indented lines; the
// ABI wants one line.
std::string one_line(std::string_view message);

}  // namespace prefectd::postgres
