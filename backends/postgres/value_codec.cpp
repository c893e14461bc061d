#include "value_codec.h"

#include "interval_text.h"
#include "plugin_error.h"
#include "timestamp_text.h"
#include "uuid_text.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <string_view>

namespace prefectd::postgres {
namespace {

using backend::fail;

// Built-in type oids (catalog/pg_type_d.h, stable across releases).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kTimestampTzOid = 1184;
constexpr Oid kIntervalOid = 1186;
constexpr Oid kNumericOid = 1700;
constexpr Oid kUuidOid = 2950;

const char *type_name(pd_type type) {
  switch (type) {
    case PD_TYPE_NULL:
      return "NULL";
    case PD_TYPE_INT64:
      return "INT64";
    case PD_TYPE_DOUBLE:
      return "DOUBLE";
    case PD_TYPE_TEXT:
      return "TEXT";
    case PD_TYPE_BLOB:
      return "BLOB";
    case PD_TYPE_BOOL:
      return "BOOL";
    case PD_TYPE_UUID:
      return "UUID";
    case PD_TYPE_TIMESTAMP:
      return "TIMESTAMP";
    case PD_TYPE_JSON:
      return "JSON";
    case PD_TYPE_INTERVAL:
      return "INTERVAL";
  }
  return "unknown";
}

std::string format_double(double number) {
  // float8in spells the special values this way; to_chars would write "inf".
  if (std::isnan(number)) return "NaN";
  if (std::isinf(number)) return number > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, end);
}

std::optional<int64_t> parse_int64(std::string_view text) {
  int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

std::optional<double> parse_double(std::string_view text) {
  double number = 0;
  // from_chars does not take a leading '+', and PostgreSQL never writes one.
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "t" || text == "true") return true;
  if (text == "f" || text == "false") return false;
  if (auto number = parse_int64(text)) return *number != 0;
  return std::nullopt;
}

// A whole number written by int2/4/8 or numeric ("42", "42.000"), or a float
// with no fractional part.
std::optional<int64_t> parse_integral(std::string_view text, Oid column_type) {
  if (auto number = parse_int64(text)) return number;
  if (column_type == kBoolOid) {
    if (auto flag = parse_bool(text)) return *flag ? 1 : 0;
    return std::nullopt;
  }
  const size_t dot = text.find('.');
  if (dot != std::string_view::npos && text.find_first_not_of('0', dot + 1) == std::string_view::npos) {
    return parse_int64(text.substr(0, dot));
  }
  if (column_type == kFloat4Oid || column_type == kFloat8Oid) {
    auto number = parse_double(text);
    if (number && std::isfinite(*number) && std::trunc(*number) == *number && std::fabs(*number) < 9.2e18) {
      return static_cast<int64_t>(*number);
    }
  }
  return std::nullopt;
}

void set_data(pd_value &value, pd_type type, const char *bytes, size_t size) {
  value.type = type;
  value.as.data.bytes = bytes;
  value.as.data.size = size;
}

}  // namespace

pd_status encode_parameter(const pd_value &value, int index, EncodedParameter &out, pd_error *error) {
  out = EncodedParameter{};
  out.is_null = false;
  switch (value.type) {
    case PD_TYPE_NULL:
      out.is_null = true;
      return PD_OK;
    case PD_TYPE_INT64:
      out.type = kInt8Oid;
      out.bytes = std::to_string(value.as.int64);
      return PD_OK;
    case PD_TYPE_DOUBLE:
      out.type = kFloat8Oid;
      out.bytes = format_double(value.as.real);
      return PD_OK;
    case PD_TYPE_BOOL:
      out.type = kBoolOid;
      out.bytes = value.as.boolean != 0 ? "t" : "f";
      return PD_OK;
    case PD_TYPE_TEXT:
    case PD_TYPE_JSON:
      if (value.as.data.size > 0 && value.as.data.bytes == nullptr) {
        return fail(error, PD_MISUSE, "parameter $" + std::to_string(index) + " has a size but no bytes");
      }
      out.bytes.assign(value.as.data.bytes != nullptr ? value.as.data.bytes : "", value.as.data.size);
      // Text parameters travel NUL-terminated; PostgreSQL text cannot hold
      // NUL anyway, so refuse rather than truncate silently.
      if (out.bytes.find('\0') != std::string::npos) {
        return fail(error, PD_INVALID,
                    "parameter $" + std::to_string(index) + " contains a NUL byte, which PostgreSQL text cannot store");
      }
      return PD_OK;
    case PD_TYPE_BLOB:
      if (value.as.data.size > 0 && value.as.data.bytes == nullptr) {
        return fail(error, PD_MISUSE, "parameter $" + std::to_string(index) + " has a size but no bytes");
      }
      out.type = kByteaOid;
      out.format = 1;
      out.bytes.assign(value.as.data.bytes != nullptr ? value.as.data.bytes : "", value.as.data.size);
      return PD_OK;
    case PD_TYPE_UUID:
      out.type = kUuidOid;
      out.bytes = backend::format_uuid(value.as.uuid);
      return PD_OK;
    case PD_TYPE_TIMESTAMP:
      out.type = kTimestampTzOid;
      out.bytes = backend::format_timestamp_micros(value.as.int64) + "+00";
      return PD_OK;
    case PD_TYPE_INTERVAL:
      out.type = kIntervalOid;
      out.bytes = format_interval(value.as.int64);
      return PD_OK;
  }
  return fail(error, PD_MISUSE, "parameter $" + std::to_string(index) + " has an unknown pd_type");
}

pd_status decode_column(const PGresult *result, int row, int column, pd_type type, pd_value &value,
                        ColumnScratch &scratch, pd_error *error) {
  value = pd_value{};
  if (PQgetisnull(result, row, column)) {
    value.type = PD_TYPE_NULL;
    return PD_OK;
  }
  const char *bytes = PQgetvalue(result, row, column);
  const auto size = static_cast<size_t>(PQgetlength(result, row, column));
  const std::string_view text(bytes, size);
  const Oid column_type = PQftype(result, column);
  auto unconvertible = [&]() {
    const char *name = PQfname(result, column);
    std::string shown(text.substr(0, 64));
    return fail(error, PD_INVALID,
                std::string("column '") + (name != nullptr ? name : "?") + "' value '" + shown +
                    "' cannot be read as " + type_name(type));
  };

  switch (type) {
    case PD_TYPE_NULL:
      value.type = PD_TYPE_NULL;
      return PD_OK;
    case PD_TYPE_TEXT:
    case PD_TYPE_JSON:
      // json and jsonb arrive as text: libpq hands out text for every type.
      set_data(value, type, bytes, size);
      return PD_OK;
    case PD_TYPE_BLOB: {
      if (column_type != kByteaOid) {
        set_data(value, type, bytes, size);
        return PD_OK;
      }
      size_t length = 0;
      PgMemory<unsigned char> unescaped(PQunescapeBytea(reinterpret_cast<const unsigned char *>(bytes), &length));
      if (unescaped == nullptr) return fail(error, PD_NOMEM, "out of memory unescaping a bytea column");
      set_data(value, type, reinterpret_cast<const char *>(unescaped.get()), length);
      scratch.unescaped_blobs.push_back(std::move(unescaped));
      return PD_OK;
    }
    case PD_TYPE_INT64: {
      auto number = parse_integral(text, column_type);
      if (!number) return unconvertible();
      value.type = type;
      value.as.int64 = *number;
      return PD_OK;
    }
    case PD_TYPE_DOUBLE: {
      std::optional<double> number;
      if (column_type == kIntervalOid) {
        if (auto micros = parse_interval(text)) number = static_cast<double>(*micros) / 1e6;
      } else if (column_type == kBoolOid) {
        if (auto flag = parse_bool(text)) number = *flag ? 1.0 : 0.0;
      } else {
        number = parse_double(text);
      }
      if (!number) return unconvertible();
      value.type = type;
      value.as.real = *number;
      return PD_OK;
    }
    case PD_TYPE_BOOL: {
      auto flag = parse_bool(text);
      if (!flag) return unconvertible();
      value.type = type;
      value.as.boolean = *flag ? 1 : 0;
      return PD_OK;
    }
    case PD_TYPE_UUID: {
      if (column_type == kByteaOid) {
        size_t length = 0;
        PgMemory<unsigned char> raw(PQunescapeBytea(reinterpret_cast<const unsigned char *>(bytes), &length));
        if (raw == nullptr || length != 16) return unconvertible();
        value.type = type;
        std::memcpy(value.as.uuid, raw.get(), 16);
        return PD_OK;
      }
      auto uuid = backend::parse_uuid(text);
      if (!uuid) return unconvertible();
      value.type = type;
      std::memcpy(value.as.uuid, uuid->data(), 16);
      return PD_OK;
    }
    case PD_TYPE_TIMESTAMP: {
      // TimeZone=UTC makes timestamptz text end in "+00"; timestamp (without
      // time zone) text has no offset and is taken as UTC.
      auto micros = backend::parse_timestamp_micros(text);
      if (!micros) return unconvertible();
      value.type = type;
      value.as.int64 = *micros;
      return PD_OK;
    }
    case PD_TYPE_INTERVAL: {
      std::optional<int64_t> micros;
      if (column_type == kIntervalOid) {
        micros = parse_interval(text);
      } else if (column_type == kInt2Oid || column_type == kInt4Oid || column_type == kInt8Oid ||
                 column_type == kNumericOid || column_type == kFloat4Oid || column_type == kFloat8Oid) {
        // A number of seconds, e.g. EXTRACT(EPOCH FROM ...).
        if (auto seconds = parse_double(text); seconds && std::fabs(*seconds) < 9.2e12) {
          micros = static_cast<int64_t>(std::llround(*seconds * 1e6));
        }
      } else {
        micros = parse_interval(text);
      }
      if (!micros) return unconvertible();
      value.type = type;
      value.as.int64 = *micros;
      return PD_OK;
    }
  }
  return fail(error, PD_MISUSE, "unknown pd_type requested for a column");
}

}  // namespace prefectd::postgres
