#include "statement.h"

#include "plugin_error.h"
#include "timestamp_text.h"
#include "uuid_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace prefectd::sqlite {
namespace {

using backend::fail;

pd_status bind_result(pd_statement *statement, int result, pd_error *error) {
  if (result == SQLITE_OK) return PD_OK;
  return fail(error, status_for(result), sqlite3_errmsg(statement->prepared_on->connection.get()),
              std::to_string(result));
}

pd_status bind_text(pd_statement *statement, int index, std::string_view text, pd_error *error) {
  return bind_result(
      statement,
      sqlite3_bind_text64(statement->handle.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      error);
}

std::string_view column_text(sqlite3_stmt *statement, int column) {
  const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
  return {text != nullptr ? text : "", static_cast<size_t>(sqlite3_column_bytes(statement, column))};
}

pd_status unconvertible(pd_statement *statement, int column, const char *wanted, pd_error *error) {
  const char *name = sqlite3_column_name(statement->handle.get(), column);
  return fail(error, PD_INVALID,
              "column " + std::string(name != nullptr ? name : "?") + " holds '" +
                  std::string(column_text(statement->handle.get(), column).substr(0, 64)) + "', not a " + wanted);
}

}  // namespace

pd_status bind_value(pd_statement *statement, int index, const pd_value &value, pd_error *error) {
  sqlite3_stmt *handle = statement->handle.get();
  switch (value.type) {
    case PD_TYPE_NULL:
      return bind_result(statement, sqlite3_bind_null(handle, index), error);
    case PD_TYPE_INT64:
      return bind_result(statement, sqlite3_bind_int64(handle, index, value.as.int64), error);
    case PD_TYPE_DOUBLE:
      return bind_result(statement, sqlite3_bind_double(handle, index, value.as.real), error);
    case PD_TYPE_BOOL:
      return bind_result(statement, sqlite3_bind_int(handle, index, value.as.boolean != 0 ? 1 : 0), error);
    case PD_TYPE_TEXT:
    case PD_TYPE_JSON:
      return bind_text(statement, index, {value.as.data.bytes, value.as.data.size}, error);
    case PD_TYPE_BLOB:
      return bind_result(statement,
                         sqlite3_bind_blob64(handle, index, value.as.data.bytes, value.as.data.size, SQLITE_TRANSIENT),
                         error);
    case PD_TYPE_UUID:
      return bind_text(statement, index, backend::format_uuid(value.as.uuid), error);
    // Prefect stores both as naive UTC text; an interval is the epoch plus the duration.
    case PD_TYPE_TIMESTAMP:
    case PD_TYPE_INTERVAL:
      return bind_text(statement, index, backend::format_timestamp_micros(value.as.int64), error);
  }
  return fail(error, PD_MISUSE, "unknown pd_type " + std::to_string(static_cast<int>(value.type)));
}

pd_status read_column(pd_statement *statement, int column, pd_type type, pd_value &value, pd_error *error) {
  sqlite3_stmt *handle = statement->handle.get();
  if (column < 0 || column >= sqlite3_column_count(handle)) {
    return fail(error, PD_MISUSE, "column index " + std::to_string(column) + " out of range");
  }
  const int stored = sqlite3_column_type(handle, column);
  value = pd_value{};
  if (stored == SQLITE_NULL) {
    value.type = PD_TYPE_NULL;
    return PD_OK;
  }
  value.type = type;
  switch (type) {
    case PD_TYPE_NULL:
      return fail(error, PD_MISUSE, "cannot read a column as NULL");
    case PD_TYPE_INT64:
      if (stored == SQLITE_INTEGER) {
        value.as.int64 = sqlite3_column_int64(handle, column);
        return PD_OK;
      }
      if (stored == SQLITE_FLOAT) {
        double real = sqlite3_column_double(handle, column);
        // 2^63 itself does not fit; every double below it that is whole does.
        if (std::trunc(real) != real || real < -9223372036854775808.0 || real >= 9223372036854775808.0) {
          return unconvertible(statement, column, "integer", error);
        }
        value.as.int64 = static_cast<int64_t>(real);
        return PD_OK;
      } else {
        std::string_view text = column_text(handle, column);
        auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), value.as.int64);
        if (failed != std::errc() || end != text.data() + text.size()) {
          return unconvertible(statement, column, "integer", error);
        }
        return PD_OK;
      }
    case PD_TYPE_DOUBLE:
      if (stored == SQLITE_INTEGER || stored == SQLITE_FLOAT) {
        value.as.real = sqlite3_column_double(handle, column);
        return PD_OK;
      } else {
        std::string_view text = column_text(handle, column);
        auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), value.as.real);
        if (failed != std::errc() || end != text.data() + text.size()) {
          return unconvertible(statement, column, "number", error);
        }
        return PD_OK;
      }
    case PD_TYPE_BOOL:
      if (stored == SQLITE_INTEGER || stored == SQLITE_FLOAT) {
        value.as.boolean = sqlite3_column_int64(handle, column) != 0 ? 1 : 0;
        return PD_OK;
      } else {
        std::string_view text = column_text(handle, column);
        if (text == "1" || text == "true")
          value.as.boolean = 1;
        else if (text == "0" || text == "false")
          value.as.boolean = 0;
        else
          return unconvertible(statement, column, "boolean", error);
        return PD_OK;
      }
    case PD_TYPE_TEXT:
    case PD_TYPE_JSON: {
      std::string_view text = column_text(handle, column);
      value.as.data.bytes = text.data();
      value.as.data.size = text.size();
      return PD_OK;
    }
    case PD_TYPE_BLOB: {
      const void *bytes = sqlite3_column_blob(handle, column);
      // SQLite answers NULL for an empty blob; the host gets a valid pointer.
      value.as.data.bytes = bytes != nullptr ? static_cast<const char *>(bytes) : "";
      value.as.data.size = static_cast<size_t>(sqlite3_column_bytes(handle, column));
      return PD_OK;
    }
    case PD_TYPE_UUID: {
      if (stored == SQLITE_BLOB && sqlite3_column_bytes(handle, column) == 16) {
        std::memcpy(value.as.uuid, sqlite3_column_blob(handle, column), 16);
        return PD_OK;
      }
      auto bytes = backend::parse_uuid(column_text(handle, column));
      if (!bytes) return unconvertible(statement, column, "UUID", error);
      std::memcpy(value.as.uuid, bytes->data(), 16);
      return PD_OK;
    }
    case PD_TYPE_TIMESTAMP:
    case PD_TYPE_INTERVAL: {
      // total_run_time's server default is '0' (Prefect's schema), which a
      // row keeps when its writer leaves the column out, as the task run
      // recorder does for a client that sends no total_run_time.
      if (type == PD_TYPE_INTERVAL && column_text(handle, column) == "0") {
        value.as.int64 = 0;
        return PD_OK;
      }
      auto micros = backend::parse_timestamp_micros(column_text(handle, column));
      if (!micros) return unconvertible(statement, column, type == PD_TYPE_TIMESTAMP ? "timestamp" : "interval", error);
      value.as.int64 = *micros;
      return PD_OK;
    }
  }
  return fail(error, PD_MISUSE, "unknown pd_type " + std::to_string(static_cast<int>(type)));
}

}  // namespace prefectd::sqlite
