#include "statement.h"

#include "error_mapping.h"
#include "plugin_error.h"
#include "session.h"

#include <charconv>
#include <cstring>
#include <memory>
#include <string_view>

namespace prefectd::postgres {
namespace {

using backend::fail;

// PostgreSQL's wire protocol counts parameters in 16 bits.
constexpr int kMaxParameters = 65535;

// Only these commands change rows; PQcmdTuples also counts SELECT rows.
bool reports_changed_rows(const char *command_status) {
  for (const char *command : {"INSERT ", "UPDATE ", "DELETE ", "MERGE "}) {
    if (std::strncmp(command_status, command, std::strlen(command)) == 0) return true;
  }
  return false;
}

int64_t changed_rows(const PGresult *result) {
  if (!reports_changed_rows(PQcmdStatus(const_cast<PGresult *>(result)))) return 0;
  const std::string_view count = PQcmdTuples(const_cast<PGresult *>(result));
  int64_t rows = 0;
  std::from_chars(count.data(), count.data() + count.size(), rows);
  return rows;
}

pd_status execute(pd_statement &statement, pd_error *error) {
  const size_t count = statement.parameters.size();
  std::vector<Oid> types(count);
  std::vector<const char *> values(count);
  std::vector<int> lengths(count);
  std::vector<int> formats(count);
  for (size_t i = 0; i < count; ++i) {
    const EncodedParameter &parameter = statement.parameters[i];
    types[i] = parameter.type;
    values[i] = parameter.is_null ? nullptr : parameter.bytes.c_str();
    lengths[i] = static_cast<int>(parameter.bytes.size());
    formats[i] = parameter.format;
  }
  PGconn *connection = statement.session->connection();
  PgResult result(PQexecParams(connection, statement.sql.c_str(), static_cast<int>(count), types.data(), values.data(),
                               lengths.data(), formats.data(), /*resultFormat=*/0));
  pd_status status = check_result(connection, result.get(), error);
  note_connection_state(*statement.session);
  statement.executed = true;
  if (status != PD_OK) return status;
  statement.rows_affected = changed_rows(result.get());
  if (statement.column_names.empty()) {
    const int fields = PQnfields(result.get());
    for (int i = 0; i < fields; ++i) statement.column_names.emplace_back(PQfname(result.get(), i));
  }
  statement.result = std::move(result);
  return PD_OK;
}

}  // namespace

pd_status prepare_statement(pd_session &session, const char *sql, size_t size, pd_statement *&statement,
                            pd_error *error) {
  if (sql == nullptr) return fail(error, PD_MISUSE, "no SQL to prepare");
  auto created = std::make_unique<pd_statement>();
  created->session = &session;
  created->sql.assign(sql, size);
  if (created->sql.find('\0') != std::string::npos) {
    return fail(error, PD_MISUSE, "statement SQL contains a NUL byte");
  }
  statement = created.release();
  return PD_OK;
}

pd_status bind_parameter(pd_statement &statement, int index, const pd_value &value, pd_error *error) {
  if (index < 1 || index > kMaxParameters) {
    return fail(error, PD_MISUSE, "parameter index " + std::to_string(index) + " is out of range");
  }
  EncodedParameter encoded;
  if (pd_status status = encode_parameter(value, index, encoded, error); status != PD_OK) return status;
  const auto position = static_cast<size_t>(index);
  // Gaps stay NULL; PostgreSQL reports a $N the SQL uses that was never sent.
  if (statement.parameters.size() < position) statement.parameters.resize(position);
  statement.parameters[position - 1] = std::move(encoded);
  return PD_OK;
}

pd_status step_statement(pd_statement &statement, pd_error *error) {
  statement.scratch.clear();
  if (!statement.executed) {
    if (pd_status status = execute(statement, error); status != PD_OK) return status;
  }
  if (statement.result == nullptr)
    return fail(error, PD_MISUSE, "the statement failed; reset it before stepping again");
  if (statement.row < PQntuples(statement.result.get())) ++statement.row;
  return statement.row < PQntuples(statement.result.get()) ? PD_ROW : PD_DONE;
}

pd_status reset_statement(pd_statement &statement) {
  statement.scratch.clear();
  statement.result.reset();
  statement.executed = false;
  statement.row = -1;
  return PD_OK;
}

int column_count(const pd_statement &statement) {
  if (statement.result != nullptr) return PQnfields(statement.result.get());
  return static_cast<int>(statement.column_names.size());
}

const char *column_name(const pd_statement &statement, int column) {
  if (column < 0 || static_cast<size_t>(column) >= statement.column_names.size()) return nullptr;
  return statement.column_names[static_cast<size_t>(column)].c_str();
}

pd_status read_column(pd_statement &statement, int column, pd_type type, pd_value &value, pd_error *error) {
  const PGresult *result = statement.result.get();
  if (result == nullptr || statement.row < 0 || statement.row >= PQntuples(result)) {
    return fail(error, PD_MISUSE, "no current row: step the statement until it returns PD_ROW");
  }
  if (column < 0 || column >= PQnfields(result)) {
    return fail(error, PD_MISUSE, "column " + std::to_string(column) + " is out of range");
  }
  return decode_column(result, statement.row, column, type, value, statement.scratch, error);
}

}  // namespace prefectd::postgres
