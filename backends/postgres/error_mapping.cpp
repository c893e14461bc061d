#include "error_mapping.h"

#include "plugin_error.h"

namespace prefectd::postgres {

pd_status status_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return PD_ERROR;
  const std::string_view error_class = sqlstate.substr(0, 2);
  if (error_class == "23") return PD_CONSTRAINT;
  if (error_class == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return PD_UNAVAILABLE;
  }
  if (sqlstate == "57014") return PD_TIMEOUT;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") return PD_BUSY;
  if (error_class == "22") return PD_INVALID;
  return PD_ERROR;
}

std::string one_line(std::string_view message) {
  // Newlines, tabs and the indentation libpq puts after them become one space.
  std::string line;
  line.reserve(message.size());
  for (char c : message) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      if (!line.empty() && line.back() != ' ') line += ' ';
    } else {
      line += c;
    }
  }
  if (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

pd_status check_result(PGconn *connection, const PGresult *result, pd_error *error) {
  if (result != nullptr) {
    switch (PQresultStatus(result)) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        return PD_OK;
      case PGRES_COPY_IN:
      case PGRES_COPY_OUT:
      case PGRES_COPY_BOTH:
        return backend::fail(error, PD_NOT_SUPPORTED, "COPY is not supported through this backend");
      default:
        break;
    }
  }
  const char *sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char *primary = result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = one_line(primary != nullptr ? primary : PQerrorMessage(connection));
  if (message.empty()) message = "PostgreSQL reported an error without a message";
  pd_status status = sqlstate != nullptr ? status_for_sqlstate(sqlstate) : PD_ERROR;
  // A lost connection often has no SQLSTATE at all (libpq's own error).
  if (PQstatus(connection) == CONNECTION_BAD) status = PD_UNAVAILABLE;
  return backend::fail(error, status, message, sqlstate != nullptr ? sqlstate : "");
}

}  // namespace prefectd::postgres
